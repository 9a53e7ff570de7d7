// A whole building on the simulator's physics, on real transports: an SDM630 and a SunSpec
// battery on Modbus TCP, an S0 board with a 2 kW water heater relay on a socat pty, and a
// gateway (acquisition + battery control + the relay service) on the same simulated clock.
// Every write that reaches the physics is recorded, and the building's truth is sampled after
// each step, so limits are checked on the simulator's truth, not on what the gateway believes.
import { expect } from 'vitest';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { startFleet, type RunningFleet } from '../../../device-sim/fleet/fleet-runner.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { sunspecStorageModel } from '../../../device-sim/devices/sunspec-models.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import type { BuildingTruth } from '../../../device-sim/physics/building-physics.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { relayConfigSchema } from '../../../gateway/control/relay-config.js';
import { RelayService } from '../../../gateway/control/relay-service.js';
import { startGateway, type GatewayHandle } from '../../../gateway/daemon.js';
import type { Alarm } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { tempFolder } from '../../temp-folders.js';

/** What the gateway is told it may do; the simulated battery itself can do more (5 kW, 5–100 %). */
export const LIMITS = { maxChargeW: 3000, maxDischargeW: 3000, minSocPercent: 20, maxSocPercent: 80, rampWPerS: 50, revertTimeoutS: 60 };
export const CONNECTION_CAP_W = 6000;
/** SunSpec 124 carries a setpoint as a share of the rated power: the battery runs within a few W of it. */
const SETPOINT_RESOLUTION_W = 25;
/** The battery control service's default period: one setpoint per period. */
const CONTROL_PERIOD_MS = 10_000;

export interface Sample {
  truth: BuildingTruth;
  /**
   * The battery does what nabo commanded: it runs on a setpoint and that setpoint is the one
   * control last wrote. A faulty battery on its way there (slow-ramp) or on an old command
   * (ignore-commands) is not doing what nabo said; control's duty there is the alarm.
   */
  underNabo: boolean;
  /** Control's own setpoint when it steers. */
  naboSetpointW: number | undefined;
}

export interface ControlFleet {
  clock: SimulatedClock;
  fleet: RunningFleet;
  battery: ModbusDevice;
  gw: GatewayHandle;
  relays: RelayService;
  writes: SetpointWrite[];
  samples: Sample[];
  alarms: Alarm[];
  run(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface ControlFleetOptions {
  startMs: number;
  initialSocPercent: number;
  kWp: number;
}

export async function controlFleet(options: ControlFleetOptions): Promise<ControlFleet> {
  const spec = validateFleet({
    version: 1,
    seed: 21,
    // Powers held for a minute: a control round sees one household load, as a real meter's average would.
    stepMs: 60_000,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'h1',
            pv: { kWp: options.kWp },
            battery: { capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 5, maxSocPercent: 100, initialSocPercent: options.initialSocPercent },
            devices: [
              { id: 'meter', kind: 'sdm630' },
              { id: 'uno', kind: 's0-board', pins: [{ pin: 2, counts: 'grid-import', impulsesPerKWh: 100 }], relays: [{ pin: 8, loadW: 2000 }] },
            ],
          },
        ],
      },
    ],
  });
  if (!spec.ok) throw new Error(JSON.stringify(spec.problems));
  const clock = new SimulatedClock({ startMs: options.startMs });
  const world = new FleetWorld(spec.fleet, clock);
  const building = world.building('h1')!;
  const writes: SetpointWrite[] = [];
  const record = (w: SetpointWrite): void => {
    if (w.kind !== 'register') writes.push(w);
    building.handleWrite(w);
  };
  for (const d of building.devices) if (d.onSetpoint) d.onSetpoint = record;
  const fleet = await startFleet(world);
  // The battery with SunSpec models 124 (controls) and 802 (its power and state), which a fleet
  // file's storage device offers only one at a time; it shows and takes the same physics.
  const batteryDevice = new ModbusDevice(
    { identity: { deviceId: 'h1-battery', meterId: 'BAT-1', model: 'NABO-SIM-STORAGE', manufacturer: 'nabo-sim' }, truth: () => building.valuesFor('sunspec-storage'), clock, onSetpoint: record },
    sunspecStorageModel({ maxPowerW: 5000 }),
    { unitId: 1, ratedPowerW: 5000 },
  );
  const batteryServer = new ModbusTcpServer({ clock });
  batteryServer.add(batteryDevice);
  const battery = await batteryServer.listen();
  const endpoint = (id: string) => fleet.endpoints.get(`h1-${id}`)!;
  const meter = endpoint('meter');
  const uno = endpoint('uno');
  if (meter.transport !== 'modbus-tcp' || uno.transport !== 'firmata') throw new Error('unexpected endpoints');
  const parsed = validateConfig(
    {
      version: 2,
      gateway: { id: 'h1', dataDir: tempFolder('nabo-control-fleet-') },
      // The battery's control and the relays both keep to the connection's cap.
      site: { latitude: 63.43, longitude: 10.4, connectionCapW: CONNECTION_CAP_W },
      buses: [
        { id: 'meter', kind: 'modbus-tcp', host: meter.host, port: meter.port, timeoutMs: 1000 },
        // Short: under the no-answer fault every poll waits this long in real time.
        { id: 'battery', kind: 'modbus-tcp', host: '127.0.0.1', port: battery.port, timeoutMs: 150 },
        { id: 'uno', kind: 'firmata', path: uno.path },
      ],
      devices: [
        { id: 'grid', bus: 'meter', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 5000, slowMs: 60_000 } },
        { id: 'battery', bus: 'battery', model: 'sunspec', unitId: 1, role: 'battery', poll: { fastMs: 5000, slowMs: 60_000 }, capabilities: ['read', 'battery-setpoint'], limits: LIMITS },
      ],
    },
    {},
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let handle: GatewayHandle | undefined;
  const relays = new RelayService({
    relays: [relayConfigSchema.parse({ id: 'heater', device: 'uno', pin: 8, loadW: 2000, minOnMs: 120_000, minOffMs: 120_000, readBackTimeoutMs: 30_000 })],
    board: (id) => {
      const bus = handle?.built.buses.get(id);
      return bus?.kind === 'firmata' ? bus.port : undefined;
    },
    latest: () => handle?.acquisition.latestReadings() ?? [],
    connectionCapW: CONNECTION_CAP_W,
  });
  const gw = await startGateway(parsed.config, clock, createLogger({ level: 'fatal', pretty: false }), { extraServices: [relays] });
  handle = gw;
  const board = gw.built.buses.get('uno');
  if (board?.kind !== 'firmata') throw new Error('no firmata bus');
  await expect.poll(() => board.port.connected, { timeout: 10_000, interval: 5 }).toBe(true);
  const alarms: Alarm[] = [];
  gw.events.on('alarm', (a) => alarms.push(a));
  const samples: Sample[] = [];
  const sample = (): void => {
    const truth = building.truth();
    const control = (gw.status.snapshot().control as Array<{ mode: string; setpointW: number }> | undefined)?.[0];
    const naboSetpointW = control?.mode === 'steering' ? control.setpointW : undefined;
    const underNabo = truth.battery?.command.mode === 'setpoint' && naboSetpointW !== undefined && Math.abs(truth.batteryW - naboSetpointW) <= SETPOINT_RESOLUTION_W;
    samples.push({ truth, underNabo, naboSetpointW });
  };
  sample();
  return {
    clock,
    fleet,
    battery: batteryDevice,
    gw,
    relays,
    writes,
    samples,
    alarms,
    async run(ms) {
      for (let t = 0; t < ms; t += 5000) {
        await clock.advance(5000);
        // Reads, then the control rounds' writes, have their turn on the wire.
        for (let i = 0; i < 2; i++) {
          await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
          await relays.settled();
          await new Promise((r) => setImmediate(r));
        }
        sample();
      }
    },
    async close() {
      await gw.stop();
      await batteryServer.close();
      await fleet.close();
    },
  };
}

/** How far the truth went past the battery's limits whoever was in charge (a faulty battery included). */
export function excursions(samples: readonly Sample[]): { socAboveMaxPercent: number; socBelowMinPercent: number; chargeAboveLimitW: number; dischargeAboveLimitW: number } {
  let socAboveMaxPercent = 0;
  let socBelowMinPercent = 0;
  let chargeAboveLimitW = 0;
  let dischargeAboveLimitW = 0;
  for (const { truth } of samples) {
    const soc = truth.battery?.socPercent;
    if (soc === undefined || truth.battery?.command.mode !== 'setpoint') continue;
    if (truth.batteryW < 0) socAboveMaxPercent = Math.max(socAboveMaxPercent, soc - LIMITS.maxSocPercent);
    if (truth.batteryW > 0) socBelowMinPercent = Math.max(socBelowMinPercent, LIMITS.minSocPercent - soc);
    chargeAboveLimitW = Math.max(chargeAboveLimitW, -truth.batteryW - LIMITS.maxChargeW);
    dischargeAboveLimitW = Math.max(dischargeAboveLimitW, truth.batteryW - LIMITS.maxDischargeW);
  }
  return { socAboveMaxPercent, socBelowMinPercent, chargeAboveLimitW, dischargeAboveLimitW };
}

/** Every way the truth left a limit while the battery did what nabo commanded; empty when none did. */
export function limitBreaches(samples: readonly Sample[]): string[] {
  const out: string[] = [];
  const at = (ms: number): string => new Date(ms).toISOString();
  const tolerancePercent = 0.3; // one control period of the largest power between two SoC checks
  for (const { truth, underNabo } of samples) {
    const b = truth.battery;
    if (underNabo && b) {
      if (truth.batteryW > LIMITS.maxDischargeW + 1) out.push(`${at(truth.atMs)} discharges ${truth.batteryW} W`);
      if (truth.batteryW < -LIMITS.maxChargeW - 1) out.push(`${at(truth.atMs)} charges ${-truth.batteryW} W`);
      if (truth.batteryW > 0 && b.socPercent < LIMITS.minSocPercent - tolerancePercent) out.push(`${at(truth.atMs)} discharges at ${b.socPercent.toFixed(2)} % SoC`);
      if (truth.batteryW < 0 && b.socPercent > LIMITS.maxSocPercent + tolerancePercent) out.push(`${at(truth.atMs)} charges at ${b.socPercent.toFixed(2)} % SoC`);
    }
    // What nabo steers (battery, heater) never takes the connection past its cap where the
    // household alone stays inside it.
    const householdW = truth.loadW - truth.switchedLoadW - truth.pvAcW;
    if (truth.netW > Math.max(CONNECTION_CAP_W, householdW) + 1) out.push(`${at(truth.atMs)} imports ${Math.round(truth.netW)} W`);
    if (-truth.netW > Math.max(CONNECTION_CAP_W, -householdW) + 1) out.push(`${at(truth.atMs)} exports ${Math.round(-truth.netW)} W`);
  }
  // Between two samples under nabo's command the battery moved no faster than the ramp allows
  // (a setpoint goes out once a control period), except where a state-of-charge bound stopped
  // it: safety.ts lets the hard SoC limit cut to zero at once.
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (!a.underNabo || !b.underNabo || !b.truth.battery) continue;
    const stepW = Math.abs(b.truth.batteryW - a.truth.batteryW);
    const allowedW = (LIMITS.rampWPerS * Math.max(b.truth.atMs - a.truth.atMs, CONTROL_PERIOD_MS)) / 1000;
    const soc = b.truth.battery.socPercent;
    const atBound = b.truth.batteryW === 0 && (soc <= LIMITS.minSocPercent + 0.5 || soc >= LIMITS.maxSocPercent - 0.5);
    if (stepW > allowedW + 1 && !atBound) out.push(`${at(b.truth.atMs)} steps ${Math.round(a.truth.batteryW)} → ${Math.round(b.truth.batteryW)} W`);
  }
  return out;
}
