// Starts a fleet on real transports: a Modbus TCP server per TCP device (a free port each), an
// RTU bus per building bus (a socat pty pair, several unit ids on it), a Firmata board per S0
// board, a HAN or P1 meter pushing on a pty, each fed by the fleet world's truth. Devices that
// cannot run here (a pty in a tcp-only run) are listed as skipped with the reason.
import type { Clock } from '../../core/clock.js';
import { definitionModel } from '../devices/definition-model.js';
import { FirmataBoard } from '../devices/firmata-board.js';
import { HanMeter } from '../devices/han-meter.js';
import { P1Meter } from '../devices/p1-meter.js';
import { ModbusDevice, type ModbusDeviceModel } from '../devices/modbus-device.js';
import type { DeviceContext, DeviceEndpoint, SimulatedDevice } from '../devices/simulated-device.js';
import { sunspecInverterModel, sunspecStorageModel } from '../devices/sunspec-models.js';
import { ModbusRtuBus } from '../transports/modbus-rtu-bus.js';
import { ModbusTcpServer } from '../transports/modbus-tcp-server.js';
import type { DevicePlan, FleetWorld, SimBuilding } from './fleet-world.js';

export interface RunningFleet {
  world: FleetWorld;
  /** Running devices by fleet device id. */
  devices: Map<string, SimulatedDevice>;
  endpoints: Map<string, DeviceEndpoint>;
  skipped: Array<{ deviceId: string; reason: string }>;
  close(): Promise<void>;
}

/** Pulse width (clock ms) that keeps an S0 pulse at least 30 ms long in real time, DIN 43864. */
export function s0PulseWidthMs(speed: number): number {
  return Math.max(50, Math.ceil(35 * (Number.isFinite(speed) ? speed : 1)));
}

/** The highest power an S0 output can carry without falling behind: one pulse per width + gap. */
export function s0CapacityKW(speed: number, impulsesPerKWh: number): number {
  const pulsesPerHour = 3_600_000 / (2 * s0PulseWidthMs(speed));
  return pulsesPerHour / impulsesPerKWh;
}

export interface StartFleetOptions {
  /** Skip device kinds that need a pseudo-terminal (no socat on this machine). */
  tcpOnly?: boolean;
  /** Called for each device as it starts, for progress on stderr. */
  onStarted?: (deviceId: string, endpoint: DeviceEndpoint) => void;
}

function contextFor(plan: DevicePlan, clock: Clock): DeviceContext {
  const ctx: DeviceContext = { identity: plan.identity, truth: plan.truth, clock };
  if (plan.onSetpoint) ctx.onSetpoint = plan.onSetpoint;
  return ctx;
}

function modbusModelFor(plan: DevicePlan, building: SimBuilding): ModbusDeviceModel {
  const d = plan.spec;
  switch (d.kind) {
    case 'sdm630':
      return definitionModel('eastron-sdm630');
    case 'modbus':
      return definitionModel(d.model);
    case 'sunspec-inverter':
      return sunspecInverterModel({ unitId: 'unitId' in d ? (d.unitId ?? 1) : 1 });
    case 'sunspec-storage': {
      const battery = building.spec.battery;
      const maxPowerW = Math.max(battery?.maxChargeW ?? 1000, battery?.maxDischargeW ?? 1000);
      // A battery steered through 124 shows its power in 802 too, as hybrid inverters do: control
      // needs both (124 carries no power), so a district's batteries can be steered at all.
      return sunspecStorageModel({ unitId: d.unitId ?? 1, maxPowerW, models: d.sunspecModel === 124 ? [124, 802] : [802] });
    }
    default:
      throw new Error(`${plan.deviceId}: ${d.kind} is not a Modbus device`);
  }
}

export async function startFleet(world: FleetWorld, options: StartFleetOptions = {}): Promise<RunningFleet> {
  const clock = world.clock;
  const devices = new Map<string, SimulatedDevice>();
  const endpoints = new Map<string, DeviceEndpoint>();
  const skipped: RunningFleet['skipped'] = [];
  const closers: Array<() => Promise<void>> = [];
  const started = (deviceId: string, device: SimulatedDevice): void => {
    devices.set(deviceId, device);
    const endpoint = device.endpoint();
    endpoints.set(deviceId, endpoint);
    options.onStarted?.(deviceId, endpoint);
  };
  const close = async (): Promise<void> => {
    const all = closers.splice(0).reverse();
    await Promise.allSettled(all.map((c) => c()));
  };
  try {
    for (const building of world.buildings) {
      const rtuBuses = new Map<string, ModbusRtuBus>();
      for (const plan of building.devices) {
        const d = plan.spec;
        if (d.kind === 'sdm630' || d.kind === 'modbus' || d.kind === 'sunspec-inverter' || d.kind === 'sunspec-storage') {
          const battery = d.kind === 'sunspec-storage' ? building.spec.battery : undefined;
          const ratedPowerW = battery ? Math.max(battery.maxChargeW, battery.maxDischargeW) : undefined;
          const device = new ModbusDevice(contextFor(plan, clock), modbusModelFor(plan, building), { unitId: d.unitId ?? 1, ...(ratedPowerW !== undefined ? { ratedPowerW } : {}) });
          if (d.transport === 'modbus-tcp') {
            const server = new ModbusTcpServer({ clock, host: world.spec.host });
            server.add(device);
            await server.listen();
            closers.push(() => server.close());
          } else {
            if (options.tcpOnly) {
              skipped.push({ deviceId: plan.deviceId, reason: 'modbus-rtu needs a pty (tcp-only run)' });
              continue;
            }
            const busId = d.bus ?? 'rs485';
            let bus = rtuBuses.get(busId);
            if (!bus) {
              const line = building.spec.rtuBuses.find((b) => b.id === busId) ?? { baudRate: 9600, parity: 'none' as const, stopBits: 1 as const, lineTiming: false };
              bus = await ModbusRtuBus.open({ clock, baudRate: line.baudRate, parity: line.parity, stopBits: line.stopBits, lineTiming: line.lineTiming });
              rtuBuses.set(busId, bus);
              const opened = bus;
              closers.push(() => opened.close());
            }
            bus.add(device);
          }
          started(plan.deviceId, device);
        } else if (d.kind === 's0-board') {
          if (options.tcpOnly) {
            skipped.push({ deviceId: plan.deviceId, reason: 'a Firmata board needs a pty (tcp-only run)' });
            continue;
          }
          const quantity = { 'grid-import': 'energyImportWh', 'grid-export': 'energyExportWh', pv: 'pvEnergyWh' } as const;
          // DIN 43864 wants pulses of at least 30 ms of real time, whatever the clock's speed.
          const pulseWidthMs = s0PulseWidthMs(clock.speed);
          const board = await FirmataBoard.open(contextFor(plan, clock), {
            s0: d.pins.map((p) => ({ pin: p.pin, pulsesPerKWh: p.impulsesPerKWh, quantity: quantity[p.counts], pulseWidthMs })),
            relayPins: d.relays.map((r) => r.pin),
          });
          closers.push(() => board.close());
          started(plan.deviceId, board);
        } else if (d.kind === 'han' || d.kind === 'p1') {
          if (options.tcpOnly) {
            skipped.push({ deviceId: plan.deviceId, reason: `a ${d.kind === 'han' ? 'HAN' : 'P1'} meter needs a pty (tcp-only run)` });
            continue;
          }
          const meter = d.kind === 'han' ? await HanMeter.open(contextFor(plan, clock), { layout: d.vendor }) : await P1Meter.open(contextFor(plan, clock), { version: d.dsmrVersion });
          closers.push(() => meter.close());
          started(plan.deviceId, meter);
        } else {
          const never: never = d;
          throw new Error(`unknown device kind in ${JSON.stringify(never)}`);
        }
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { world, devices, endpoints, skipped, close };
}
