// Reads every device once (or one device), for `nabo check` and `nabo read`: opens the buses,
// reads each polled device's groups, waits a bounded time for the first frame of push meters.
import type { QuantityValues } from '../../core/quantities.js';
import { RealClock } from '../clock/clock.js';
import type { NaboConfig } from '../config/schema.js';
import { BusError } from '../bus/request-queue.js';
import type { PushedFrame } from '../bus/push-port.js';
import { buildGateway, closeBuses, openBuses } from './build.js';
import { HealthRegistry } from './health.js';
import { checkValues } from './sanity.js';

export interface ProbeResult {
  deviceId: string;
  busId: string;
  model: string;
  status: 'ok' | 'failed' | 'unsupported';
  latencyMs: number | null;
  values: QuantityValues;
  raw: Record<string, unknown>;
  meterId?: string;
  deviceModel?: string;
  meterTimeMs?: number;
  errors: string[];
  /** What the decoder found odd in a push meter's frame (a HAN scaler that looks wrong). */
  warnings?: string[];
}

export interface ProbeOptions {
  /** Only this device. */
  deviceId?: string;
  /** How long to wait for a push meter's first frame. */
  pushWaitMs: number;
}

export async function probeDevices(config: NaboConfig, options: ProbeOptions): Promise<ProbeResult[]> {
  const clock = new RealClock();
  const selected = options.deviceId ? config.devices.filter((d) => d.id === options.deviceId) : config.devices;
  const scoped: NaboConfig = { ...config, devices: selected, buses: config.buses.filter((b) => selected.some((d) => d.bus === b.id)) };
  const pushed = new Map<string, PushedFrame>();
  const waiters = new Map<string, () => void>();
  const health = new HealthRegistry();
  const built = buildGateway(scoped, {
    health,
    ioClock: clock,
    onPushed: (deviceId, _bus, frame) => {
      if (!pushed.has(deviceId)) pushed.set(deviceId, frame);
      waiters.get(deviceId)?.();
    },
  });
  const results: ProbeResult[] = [];
  const base = (d: NaboConfig['devices'][number]) => ({ deviceId: d.id, busId: d.bus, model: d.model, values: {}, raw: {}, errors: [] as string[], latencyMs: null as number | null });
  for (const u of built.unsupported) {
    const d = selected.find((x) => x.id === u.deviceId);
    if (d) results.push({ ...base(d), status: 'unsupported', errors: [u.reason] });
  }
  const openFailures = await openBuses(built);
  try {
    for (const { device, config: d } of built.polled) {
      const r: ProbeResult = { ...base(d), status: 'ok' };
      const failure = openFailures.find((f) => f.busId === d.bus);
      if (failure) {
        results.push({ ...r, status: 'failed', errors: [`bus ${d.bus}: ${failure.error}`] });
        continue;
      }
      const started = performance.now();
      for (const group of ['identity', 'slow', 'fast'] as const) {
        try {
          const read = await device.read(group, 'fast');
          Object.assign(r.values, read.values);
          Object.assign(r.raw, read.raw);
          if (read.meterId) r.meterId = read.meterId;
          if (read.model) r.deviceModel = read.model;
          for (const x of read.rejections) if (x.reason !== 'not-implemented' && x.reason !== 'missing') r.errors.push(`${x.name}: ${x.reason}`);
        } catch (err) {
          r.status = 'failed';
          r.errors.push(`${group}: ${err instanceof BusError ? `${err.kind}: ` : ''}${(err as Error).message}`);
          break;
        }
      }
      r.latencyMs = Math.round(performance.now() - started);
      const sane = checkValues(r.values, { lastCounters: {} }, d.ratedPowerW !== undefined ? { ratedPowerW: d.ratedPowerW } : {});
      r.values = sane.accepted;
      for (const x of sane.rejected) r.errors.push(`${x.quantity}: ${x.reason}`);
      results.push(r);
    }
    for (const bus of built.buses.values()) {
      if (bus.kind !== 'push' || !bus.deviceId) continue;
      const d = selected.find((x) => x.id === bus.deviceId);
      if (!d) continue;
      const started = performance.now();
      if (!pushed.has(d.id)) {
        await new Promise<void>((resolve) => {
          const t = clock.setTimeout(resolve, options.pushWaitMs);
          waiters.set(d.id, () => {
            clock.clear(t);
            resolve();
          });
        });
      }
      const frame = pushed.get(d.id);
      const r: ProbeResult = { ...base(d), status: frame ? 'ok' : 'failed', latencyMs: frame ? Math.round(performance.now() - started) : null };
      if (frame) {
        r.values = frame.values;
        if (frame.meterId) r.meterId = frame.meterId;
        if (frame.model) r.deviceModel = frame.model;
        if (frame.meterTimeMs !== undefined) r.meterTimeMs = frame.meterTimeMs;
        if (frame.warnings !== undefined) r.warnings = [...frame.warnings];
      } else {
        const rejected = health.snapshot().devices.find((x) => x.deviceId === d.id)?.rejectedByReason ?? {};
        const openFailure = openFailures.find((f) => f.busId === d.bus);
        const kinds = Object.entries(rejected).map(([k, n]) => `${n}× ${k}`);
        // Frames that came but would not decrypt mean the keys are wrong, not that the meter is silent.
        const keyHint = rejected['frame-decrypt'] ? "; the HAN keys do not match the meter's (encryptionKey, authenticationKey from the DSO)" : '';
        r.errors.push(`no frame within ${options.pushWaitMs} ms${kinds.length ? ` (rejected: ${kinds.join(', ')})` : ''}${keyHint}${bus.port.connected ? '' : `; port not open${openFailure ? `: ${openFailure.error}` : ''}`}`);
      }
      results.push(r);
    }
    for (const bus of built.buses.values()) {
      if (bus.kind !== 'firmata') continue;
      for (const meter of bus.meters.values()) {
        const d = selected.find((x) => x.id === meter.deviceId);
        if (!d) continue;
        const failure = openFailures.find((f) => f.busId === d.bus);
        // An S0 input has no value to read on demand: the board answering is what can be checked.
        results.push({ ...base(d), status: bus.port.connected ? 'ok' : 'failed', errors: bus.port.connected ? [] : [`board not ready${failure ? `: ${failure.error}` : ''}`] });
      }
    }
  } finally {
    await closeBuses(built);
  }
  const order = new Map(selected.map((d, i) => [d.id, i]));
  return results.sort((a, b) => (order.get(a.deviceId) ?? 0) - (order.get(b.deviceId) ?? 0));
}
