// From a validated config to live buses and devices: one owner (port + queue) per bus, one
// reader per device. Used by `nabo run`, `nabo check` and `nabo read`.
import { findDefinition } from '../../protocols/devices/index.js';
import { rtuLine, tcpLine, type LineModel, type SerialFraming } from '../../protocols/modbus/line-time.js';
import type { Clock } from '../clock/clock.js';
import { RealClock } from '../clock/clock.js';
import type { BusConfig, DeviceConfig, NaboConfig } from '../config/schema.js';
import type { ModbusPort } from '../bus/modbus-port.js';
import { ModbusRtuPort } from '../bus/modbus-rtu-port.js';
import { ModbusTcpPort } from '../bus/modbus-tcp-port.js';
import { PushPort, type PushedFrame } from '../bus/push-port.js';
import { FirmataPort } from '../bus/firmata-port.js';
import { IecPort } from '../bus/iec-port.js';
import { S0Accumulator } from '../../protocols/s0/index.js';
import { RequestQueue } from '../bus/request-queue.js';
import type { PolledDevice } from './device-reader.js';
import type { HealthRegistry } from './health.js';
import { ModbusDevice } from './modbus-device.js';
import { DEFAULT_IEC_READOUT_TIMEOUT_MS, IecDevice } from './iec-device.js';
import { hanDecoder, p1Decoder } from './push-decoders.js';
import { hanReaderOptions } from './han-options.js';
import { SunSpecDevice } from './sunspec-device.js';

/** The mark on S0 readings taken while the pulse output ran at its limit. */
export const S0_SATURATED = 's0-saturated';

export interface ModbusBus {
  kind: 'modbus';
  config: BusConfig;
  port: ModbusPort;
  queue: RequestQueue;
  line: LineModel;
}

export interface PushBus {
  kind: 'push';
  config: BusConfig;
  port: PushPort;
  deviceId: string | undefined;
}

export interface FirmataBus {
  kind: 'firmata';
  config: BusConfig;
  port: FirmataPort;
  /** One S0 meter per pin. */
  meters: Map<number, { deviceId: string; accumulator: S0Accumulator; pv: boolean; saturatedReported: number }>;
  /**
   * Reports every meter's count once per period while the board is connected: pulses come only
   * when energy flows, and a quiet hour must read as "no energy", not as a hole in the data.
   */
  reports: { start(): void; stop(): void };
}

export interface IecBus {
  kind: 'iec62056-21';
  config: BusConfig;
  port: IecPort;
  queue: RequestQueue;
}

export type LiveBus = ModbusBus | PushBus | FirmataBus | IecBus;

export interface BuiltGateway {
  buses: Map<string, LiveBus>;
  polled: Array<{ device: PolledDevice; config: DeviceConfig }>;
  /** Devices the gateway cannot read yet, with the reason (reported, never silently skipped). */
  unsupported: Array<{ deviceId: string; reason: string }>;
}

export interface BuildOptions {
  /** Real time for I/O timeouts and reconnects, whatever clock drives the polls. */
  ioClock?: Clock;
  /** The clock that stamps readings (pulse edges), simulated in tests and demos. */
  pollClock?: Clock;
  health: HealthRegistry;
  /** Receives frames pushed by HAN and P1 meters, and S0 counts after each pulse. */
  onPushed(deviceId: string, busId: string, frame: PushedFrame): void;
  /** Last stored energy of an S0 meter, so its count carries on across restarts. */
  s0StartWh?(deviceId: string): number;
}

function framing(bus: { dataBits?: number; parity?: string; stopBits?: number }): SerialFraming {
  const p = bus.parity === 'even' ? 'E' : bus.parity === 'odd' ? 'O' : 'N';
  if (p === 'N' && bus.stopBits === 2) return '8N2';
  return `8${p}1` as SerialFraming;
}

/**
 * How long a silent device rests (real time: it protects a real bus). Under an accelerated
 * clock a real minute is hours of simulated time, so the rest is capped at ten simulated
 * minutes (at least 200 ms real): one timeout on a loaded machine must not blank a meter's day.
 */
export function restBounds(config: NaboConfig): { restInitialMs: number; restMaxMs: number } {
  const speed = config.clock.mode === 'simulated' ? config.clock.speed : 1;
  if (speed <= 1) return { restInitialMs: 2000, restMaxMs: 60_000 };
  const restMaxMs = Math.round(Math.min(60_000, Math.max(200, 600_000 / speed)));
  return { restInitialMs: Math.min(2000, restMaxMs), restMaxMs };
}

function buildBus(bus: BusConfig, config: NaboConfig, options: BuildOptions): LiveBus | { unsupported: string } {
  const ioClock = options.ioClock ?? new RealClock();
  const rests = restBounds(config);
  const health = options.health;
  const onReject = (kind: string): void => {
    health.bus(bus.id);
    for (const d of config.devices.filter((x) => x.bus === bus.id)) health.recordRejection(d.id, bus.id, `frame-${kind}`);
  };
  switch (bus.kind) {
    case 'modbus-tcp': {
      const port = new ModbusTcpPort({ id: bus.id, host: bus.host, port: bus.port, rtuOverTcp: bus.rtuOverTcp, clock: ioClock, onReject });
      return { kind: 'modbus', config: bus, port, queue: new RequestQueue({ clock: ioClock, ...rests }), line: tcpLine(1) };
    }
    case 'modbus-rtu': {
      const port = new ModbusRtuPort({ id: bus.id, path: bus.path, baudRate: bus.baudRate, dataBits: bus.dataBits, parity: bus.parity, stopBits: bus.stopBits, interFrameDelayMs: bus.interFrameDelayMs, clock: ioClock, onReject });
      return { kind: 'modbus', config: bus, port, queue: new RequestQueue({ clock: ioClock, ...rests }), line: rtuLine(bus.baudRate, framing(bus)) };
    }
    case 'han':
    case 'dsmr-p1': {
      const device = config.devices.find((d) => d.bus === bus.id);
      const decoder = bus.kind === 'han' ? hanDecoder(hanReaderOptions(device, config.gateway.timeZone)) : p1Decoder();
      const port = new PushPort({
        id: bus.id,
        path: bus.path,
        baudRate: bus.baudRate,
        dataBits: bus.dataBits,
        parity: bus.parity,
        stopBits: bus.stopBits,
        decoder,
        clock: ioClock,
        onFrame: (frame) => {
          if (device) options.onPushed(device.id, bus.id, frame);
        },
        onReject: (kind) => {
          if (device) health.recordRejection(device.id, bus.id, `frame-${kind}`);
        },
      });
      return { kind: 'push', config: bus, port, deviceId: device?.id };
    }
    case 'iec62056-21': {
      // The bus timeout bounds each silence of the meter, never below the standard's 1.5 s reaction time.
      const port = new IecPort({ id: bus.id, path: bus.path, baudRate: bus.baudRate, dataBits: bus.dataBits, parity: bus.parity, stopBits: bus.stopBits, silenceTimeoutMs: Math.max(bus.timeoutMs, 1500), clock: ioClock, onReject });
      return { kind: 'iec62056-21', config: bus, port, queue: new RequestQueue({ clock: ioClock, ...rests }) };
    }
    case 'firmata': {
      const meters: FirmataBus['meters'] = new Map();
      const pinDevices = config.devices.filter((x) => x.bus === bus.id && x.pin !== undefined && x.impulsesPerKWh !== undefined);
      for (const d of pinDevices) {
        const initialEnergyWh = Math.round(options.s0StartWh?.(d.id) ?? 0);
        meters.set(d.pin as number, { deviceId: d.id, pv: d.role === 'pv', saturatedReported: 0, accumulator: new S0Accumulator({ impulsesPerKWh: d.impulsesPerKWh as number, initialEnergyWh }) });
      }
      const pollClock = options.pollClock ?? ioClock;
      const values = (meter: { accumulator: S0Accumulator; pv: boolean }, atMs: number): PushedFrame['values'] => {
        const snap = meter.accumulator.snapshot(atMs);
        const out: PushedFrame['values'] = meter.pv ? { pvEnergyWh: snap.energyWh } : { energyImportWh: snap.energyWh };
        if (snap.powerW !== undefined) out[meter.pv ? 'pvAcPowerW' : 'powerW'] = snap.powerW;
        return out;
      };
      const port = new FirmataPort({
        id: bus.id,
        path: bus.path,
        baudRate: bus.baudRate,
        pulsePins: [...meters.keys()],
        clock: options.pollClock ?? ioClock,
        onEdge: (pin, edge, atMs) => {
          const meter = meters.get(pin);
          if (!meter) return;
          const outcome = meter.accumulator.feed({ edge, atMs });
          if (outcome === 'counted') {
            // Back-to-back pulses: the output is at its limit and the count may fall behind.
            const saturated = meter.accumulator.state.lastSaturated;
            if (saturated) health.recordMark(meter.deviceId, bus.id, S0_SATURATED, atMs);
            options.onPushed(meter.deviceId, bus.id, { values: values(meter, atMs), ...(saturated ? { flags: [S0_SATURATED] } : {}) });
          }
          else if (outcome !== 'started') health.recordRejection(meter.deviceId, bus.id, `s0-${outcome}`);
        },
        onError: (message) => {
          for (const m of meters.values()) health.recordError(m.deviceId, bus.id, 0, 'transport', message);
        },
      });
      const periodMs = Math.min(...pinDevices.map((d) => d.poll.slowMs));
      let timer: ReturnType<Clock['setInterval']> | undefined;
      const reports = {
        start: () => {
          if (timer || !Number.isFinite(periodMs)) return;
          const report = (): void => {
            if (!port.connected) return;
            for (const m of meters.values()) {
              // A report after saturated pulses carries the mark on, so the interval it closes sees it.
              const saturated = m.accumulator.state.saturatedPulses;
              const flagged = saturated > m.saturatedReported;
              m.saturatedReported = saturated;
              options.onPushed(m.deviceId, bus.id, { values: values(m, pollClock.now()), ...(flagged ? { flags: [S0_SATURATED] } : {}) });
            }
          };
          timer = pollClock.setInterval(report, periodMs);
          // The count where it starts, so the first interval has its opening reading.
          pollClock.setTimeout(report, 0);
        },
        stop: () => {
          pollClock.clear(timer);
          timer = undefined;
        },
      };
      return { kind: 'firmata', config: bus, port, meters, reports };
    }
  }
}

export function buildGateway(config: NaboConfig, options: BuildOptions): BuiltGateway {
  const built: BuiltGateway = { buses: new Map(), polled: [], unsupported: [] };
  const unsupportedBus = new Map<string, string>();
  for (const bus of config.buses) {
    const live = buildBus(bus, config, options);
    if ('unsupported' in live) unsupportedBus.set(bus.id, live.unsupported);
    else built.buses.set(bus.id, live);
  }
  for (const d of config.devices) {
    const why = unsupportedBus.get(d.bus);
    if (why) {
      built.unsupported.push({ deviceId: d.id, reason: why });
      continue;
    }
    const bus = built.buses.get(d.bus);
    if (bus?.kind === 'iec62056-21') {
      built.polled.push({ device: new IecDevice({ deviceId: d.id, busId: d.bus, port: bus.port, queue: bus.queue, timeoutMs: DEFAULT_IEC_READOUT_TIMEOUT_MS }), config: d });
      continue;
    }
    if (!bus || bus.kind !== 'modbus') continue;
    const common = { deviceId: d.id, busId: d.bus, unitId: d.unitId ?? 1, port: bus.port, queue: bus.queue, line: bus.line, timeoutMs: bus.config.timeoutMs };
    if (d.model === 'sunspec') {
      built.polled.push({ device: new SunSpecDevice(common), config: d });
      continue;
    }
    const definition = findDefinition(d.model);
    if (!definition) {
      built.unsupported.push({ deviceId: d.id, reason: `unknown device model '${d.model}' (see docs/devices.md)` });
      continue;
    }
    built.polled.push({ device: new ModbusDevice({ ...common, definition }), config: d });
  }
  return built;
}

export async function openBuses(built: BuiltGateway): Promise<Array<{ busId: string; error: string }>> {
  const failures: Array<{ busId: string; error: string }> = [];
  for (const b of built.buses.values()) if (b.kind === 'firmata') b.reports.start();
  await Promise.all(
    [...built.buses.values()].map((b) =>
      b.port.open().catch((err: Error) => {
        failures.push({ busId: b.config.id, error: err.message });
      }),
    ),
  );
  return failures;
}

export async function closeBuses(built: BuiltGateway): Promise<void> {
  for (const b of built.buses.values()) {
    if (b.kind === 'modbus' || b.kind === 'iec62056-21') b.queue.close();
    if (b.kind === 'firmata') b.reports.stop();
  }
  await Promise.all([...built.buses.values()].map((b) => b.port.close()));
}
