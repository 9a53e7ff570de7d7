// Acquisition: every configured device = a definition + a transport + poll periods. Polls run
// on the shared clock; each result is sanity-checked, counted in health, and buffered for the
// store, which flushes on its own period. Push devices (HAN, P1) feed the same path.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import { unitOf } from '../../core/quantities.js';
import type { PollGroup } from '../../protocols/modbus/registers.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { BusError } from '../bus/request-queue.js';
import type { PolledDevice, DeviceReadResult } from './device-reader.js';
import { HealthRegistry } from './health.js';
import { checkValues, isCounter, noteMeterId, seedCounter, type CounterEventNote, type SanityLimits, type SanityState } from './sanity.js';
import type { Alarm } from '../events/events.js';
import { STALE_AFTER_MS, StaleDetector } from './stale.js';

export interface PolledEntry {
  device: PolledDevice;
  fastMs: number;
  slowMs: number;
  limits: SanityLimits;
}

export interface LatestReading {
  deviceId: string;
  atMs: number;
  values: QuantityValues;
  meterId?: string;
  model?: string;
}

export interface AcquisitionHooks {
  /** A counter reset, wrap or meter swap (the service emits it on the event bus as `alarm`). */
  onAlarm?: (alarm: Alarm) => void;
}

const EVENT_ALARM: Record<CounterEventNote['kind'], { code: string; severity: Alarm['severity'] }> = {
  reset: { code: 'counter-reset', severity: 'warning' },
  wrap: { code: 'counter-wrapped', severity: 'info' },
  'meter-replaced': { code: 'meter-replaced', severity: 'warning' },
};

export class Acquisition {
  readonly health = new HealthRegistry();
  private readonly timers: TimerHandle[] = [];
  private readonly running = new Set<string>();
  private readonly sanity = new Map<string, SanityState>();
  /** Counters already started from the store's last value, per device. */
  private readonly seeded = new Map<string, Set<Quantity>>();
  private readonly latest = new Map<string, LatestReading>();
  private readonly stale = new StaleDetector();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deviceTail = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly hooks: AcquisitionHooks = {},
  ) {}

  /** Reads on the wire now. */
  get readsInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves when no read is on the wire (reads started meanwhile are waited for too). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** True while a poll is on the wire (tests and lockstep drivers wait for false). */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  latestReadings(): LatestReading[] {
    return [...this.latest.values()];
  }

  /** Starts polling a device: a fast and a slow group, each on its own period. */
  addPolled(entry: PolledEntry): void {
    const { device } = entry;
    this.health.device(device.deviceId, device.busId);
    const poll = (group: PollGroup): void => {
      const key = `${device.deviceId}/${group}`;
      if (this.stopped) return;
      if (this.running.has(key)) {
        this.health.bus(device.busId).cycleOverruns++;
        return;
      }
      this.running.add(key);
      // One read of a device at a time: a slow read overtaken by a fast one on the bus would
      // otherwise deliver an older counter after a newer one.
      const previous = this.deviceTail.get(device.deviceId) ?? Promise.resolve(undefined);
      const p = previous.then(() => this.pollOnce(entry, group)).finally(() => {
        this.running.delete(key);
        this.inFlight.delete(p);
      });
      this.inFlight.add(p);
      this.deviceTail.set(device.deviceId, p);
    };
    this.timers.push(this.clock.setInterval(() => poll('fast'), entry.fastMs));
    // Counters (the slow group) are read on the clock's grid of their period: with a period that
    // divides the interval, one read falls on each interval boundary, so a boundary is
    // interpolated over seconds, not over a whole period in which a battery may turn round.
    const now = this.clock.now();
    const toGridMs = Math.ceil(now / entry.slowMs) * entry.slowMs - now;
    this.timers.push(
      this.clock.setTimeout(() => {
        if (this.stopped) return;
        this.timers.push(this.clock.setInterval(() => poll('slow'), entry.slowMs));
        poll('slow');
      }, toGridMs),
    );
    // First reads at once, slow first so counters are there from the start.
    if (toGridMs > 0) this.timers.push(this.clock.setTimeout(() => poll('slow'), 0));
    this.timers.push(this.clock.setTimeout(() => poll('fast'), 0));
  }

  async pollOnce(entry: PolledEntry, group: PollGroup): Promise<DeviceReadResult | undefined> {
    const { device } = entry;
    const started = performance.now();
    const startedAtMs = this.clock.now();
    try {
      const result = await device.read(group);
      // The device answered somewhere between request and reply: stamp the middle (on a fast
      // simulated clock the reply comes simulated seconds after the request).
      const atMs = Math.round((startedAtMs + this.clock.now()) / 2);
      this.health.recordSuccess(device.deviceId, device.busId, atMs, performance.now() - started);
      for (const r of result.rejections) {
        if (r.reason === 'not-implemented') continue;
        this.health.recordRejection(device.deviceId, device.busId, r.reason);
      }
      this.accept(device.deviceId, device.busId, atMs, result, entry.limits);
      return result;
    } catch (err) {
      const kind = err instanceof BusError ? err.kind : 'error';
      const atMs = this.clock.now();
      const message = (err as Error).message;
      const health = this.health.device(device.deviceId, device.busId);
      // Log the first failure and every hundredth, so a dead device does not flood the log.
      const total = Object.values(health.errorsByKind).reduce((a, b) => a + b, 0);
      this.health.recordError(device.deviceId, device.busId, atMs, kind, message);
      if (total % 100 === 0 && kind !== 'backed-off') this.log.warn({ deviceId: device.deviceId, busId: device.busId, kind, group }, `read failed: ${message}`);
      return undefined;
    }
  }

  /** Sanity-checks values and buffers the accepted ones for the store. */
  accept(deviceId: string, busId: string, atMs: number, frame: { values: QuantityValues; meterTimeMs?: number; meterId?: string; model?: string }, limits: SanityLimits): void {
    let state = this.sanity.get(deviceId);
    if (!state) {
      state = { lastCounters: {} };
      this.sanity.set(deviceId, state);
    }
    this.seedFromStore(deviceId, state, frame.values, limits);
    const timing = frame.meterTimeMs !== undefined ? { nowMs: atMs, meterTimeMs: frame.meterTimeMs } : undefined;
    const swap = noteMeterId(state, frame.meterId);
    const { accepted, rejected, events, flags } = checkValues(frame.values, state, limits, timing);
    for (const e of swap ? [swap, ...events] : events) this.counterEvent(deviceId, atMs, e);
    for (const r of rejected) {
      this.health.recordRejection(deviceId, busId, r.reason);
      this.log.warn({ deviceId, quantity: r.quantity, reason: r.reason }, `value rejected: ${r.detail}`);
    }
    // A meter clock that is off: the values are taken, stamped with our clock (atMs), and marked.
    for (const f of flags) {
      if (!this.health.markedSince(deviceId, f, Number.NEGATIVE_INFINITY)) this.log.warn({ deviceId, flag: f }, `meter clock is off by ${Math.round(Math.abs((frame.meterTimeMs ?? atMs) - atMs) / 1000)} s; readings are stamped with the gateway's clock`);
      this.health.recordMark(deviceId, busId, f, atMs);
    }
    const freshness = this.stale.observe(deviceId, accepted, atMs);
    if (freshness === 'became-stale' || freshness === 'stale') this.health.recordMark(deviceId, busId, 'stale', atMs);
    if (freshness === 'became-stale') this.log.warn({ deviceId }, `values unchanged for ${STALE_AFTER_MS / 60_000} min: the meter looks frozen`);
    if (freshness === 'recovered') this.log.info({ deviceId }, 'values move again');
    for (const [q, value] of Object.entries(accepted) as Array<[Quantity, number]>) {
      this.store.readings.add({ deviceId, quantity: q, unit: unitOf(q), atMs, value });
    }
    const prev = this.latest.get(deviceId);
    const latest: LatestReading = { deviceId, atMs, values: { ...(prev?.values ?? {}), ...accepted } };
    const meterId = frame.meterId ?? prev?.meterId;
    const model = frame.model ?? prev?.model;
    if (meterId !== undefined) latest.meterId = meterId;
    if (model !== undefined) latest.model = model;
    this.latest.set(deviceId, latest);
  }

  /** The first time a counter is seen in this process, it continues from the store's last value. */
  private seedFromStore(deviceId: string, state: SanityState, values: QuantityValues, limits: SanityLimits): void {
    let seen = this.seeded.get(deviceId);
    if (!seen) {
      seen = new Set();
      this.seeded.set(deviceId, seen);
    }
    for (const q of Object.keys(values) as Quantity[]) {
      if (seen.has(q) || !isCounter(q)) continue;
      seen.add(q);
      const stored = this.store.readings.latestAtOrBefore({ deviceId, quantity: q }, Number.MAX_SAFE_INTEGER);
      if (stored) seedCounter(state, q, stored.value, limits.counterModulus?.[q]);
    }
  }

  /** A counter re-baselined: logged, recorded for the interval job, raised as an alarm. */
  private counterEvent(deviceId: string, atMs: number, e: CounterEventNote): void {
    this.log.warn({ deviceId, quantity: e.quantity, kind: e.kind, fromValue: e.fromValue, toValue: e.toValue }, `counter re-baselined: ${e.detail}`);
    try {
      this.store.counterEvents.record({ deviceId, atMs, quantity: e.quantity, kind: e.kind, fromValue: e.fromValue, toValue: e.toValue, detail: e.detail });
    } catch (err) {
      // A full or read-only disk: the alarm below still goes out; the flush reports the disk.
      this.log.error({ err, deviceId }, 'counter event not recorded');
    }
    const { code, severity } = EVENT_ALARM[e.kind];
    const alarm: Alarm = { code, severity, message: `${deviceId}: ${e.detail}`, atMs, deviceId, details: { quantity: e.quantity, fromValue: e.fromValue, toValue: e.toValue } };
    try {
      this.hooks.onAlarm?.(alarm);
    } catch (err) {
      this.log.error({ err, deviceId, code }, 'alarm hook failed');
    }
  }

  /** Stops polling and waits (bounded by the requests' own timeouts) for reads on the wire. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.clock.clear(t);
    this.timers.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }
}
