// Moves buffered readings into the store on a period, and survives a store that cannot take
// them (a full or read-only disk, an I/O error): the failed batch stays buffered, the buffer is
// capped (oldest readings dropped and counted, never unbounded memory), the failure is one
// clear log line and an alarm, and writing resumes by itself when the disk takes writes again,
// which clears the alarm. The store service calls flushNow() on its period (or start()).
import type { Clock, TimerHandle } from '../../core/clock.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Store } from './store.js';

export type StoreWriteErrorKind = 'disk-full' | 'read-only' | 'io' | 'busy' | 'other';

export interface ReadingFlusherOptions {
  /** Readings held at most while the store cannot take them (default: the store's, 200 000). */
  maxBufferedReadings?: number;
  onAlarm?: (alarm: Alarm) => void;
  /** Every failed flush, with its kind (for metrics). */
  onFlushError?: (error: unknown, kind: StoreWriteErrorKind) => void;
}

export interface FlusherStatus {
  pending: number;
  dropped: number;
  failing: boolean;
  failedFlushes: number;
  lastError: { kind: StoreWriteErrorKind; message: string; atMs: number } | null;
}

const WORDS: Record<StoreWriteErrorKind, string> = {
  'disk-full': 'the disk is full',
  'read-only': 'the store is read-only',
  io: 'the disk reported an I/O error',
  busy: 'the store is locked by another writer',
  other: 'the write failed',
};

/** SQLite's error code → what an installer needs to hear. */
export function storeWriteErrorKind(err: unknown): StoreWriteErrorKind {
  const code = String((err as { code?: unknown }).code ?? '');
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'io';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  return 'other';
}

export class ReadingFlusher {
  private timer: TimerHandle | undefined;
  private failing = false;
  private failedFlushes = 0;
  private droppedReported = 0;
  private dropsAlarmed = false;
  private lastError: FlusherStatus['lastError'] = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: ReadingFlusherOptions = {},
  ) {
    if (options.maxBufferedReadings !== undefined) store.readings.maxBuffered = options.maxBufferedReadings;
  }

  start(periodMs: number): void {
    this.stop();
    this.timer = this.clock.setInterval(() => void this.flushNow(), periodMs);
  }

  /** Stops the period and makes a last flush; never throws (a failure is logged and returned). */
  stop(): Result<number, StoreWriteErrorKind> | undefined {
    if (this.timer === undefined) return undefined;
    this.clock.clear(this.timer);
    this.timer = undefined;
    const r = this.flushNow();
    if (!r.ok) this.log.error({ lost: this.store.readings.pending }, `stopping with ${this.store.readings.pending} readings not written: ${WORDS[r.error.kind]}`);
    return r;
  }

  /** Writes what is buffered; returns how many readings were written, or why none were. Never throws. */
  flushNow(): Result<number, StoreWriteErrorKind> {
    let written: number;
    try {
      written = this.store.readings.flush();
    } catch (err) {
      return this.failed(err);
    } finally {
      this.reportDrops();
    }
    if (this.failing) {
      this.failing = false;
      this.dropsAlarmed = false;
      this.log.info({ written, dropped: this.store.readings.dropped }, `store writable again: ${written} buffered readings written`);
      this.alarm({ code: 'store-write-failed', severity: 'info', message: 'the store takes writes again', cleared: true });
    }
    return ok(written);
  }

  status(): FlusherStatus {
    const r = this.store.readings;
    return { pending: r.pending, dropped: r.dropped, failing: this.failing, failedFlushes: this.failedFlushes, lastError: this.lastError };
  }

  private failed(err: unknown): Result<number, StoreWriteErrorKind> {
    const kind = storeWriteErrorKind(err);
    const message = err instanceof Error ? err.message : String(err);
    this.failedFlushes++;
    this.lastError = { kind, message, atMs: this.clock.now() };
    try {
      this.options.onFlushError?.(err, kind);
    } catch (hookErr) {
      this.log.error({ err: hookErr }, 'onFlushError hook failed');
    }
    const pending = this.store.readings.pending;
    const cap = this.store.readings.maxBuffered;
    // One line when the trouble starts, then one every hundred failed flushes.
    if (!this.failing || this.failedFlushes % 100 === 0) {
      this.log.error({ kind, code: (err as { code?: unknown }).code, pending, cap, failedFlushes: this.failedFlushes }, `cannot write readings to the store: ${WORDS[kind]} (${message}); ${pending} readings kept in memory, the oldest dropped beyond ${cap}; retrying`);
    }
    if (!this.failing) {
      this.failing = true;
      this.alarm({ code: 'store-write-failed', severity: 'critical', message: `cannot write readings: ${WORDS[kind]}`, details: { kind, message, pending } });
    }
    return fail(kind, message);
  }

  /** Drops are logged (once, then every hundred failed flushes) and raised once per stretch of failures. */
  private reportDrops(): void {
    const dropped = this.store.readings.dropped;
    if (dropped === this.droppedReported) return;
    const newly = dropped - this.droppedReported;
    this.droppedReported = dropped;
    if (this.dropsAlarmed && this.failedFlushes % 100 !== 0) return;
    this.log.warn({ dropped, newly }, `buffer for the store is full: ${newly} oldest readings dropped (${dropped} in all)`);
    if (this.dropsAlarmed) return;
    this.dropsAlarmed = true;
    this.alarm({ code: 'readings-dropped', severity: 'warning', message: `readings dropped unwritten while the store could not take them (${dropped} so far)`, details: { dropped } });
  }

  private alarm(a: Omit<Alarm, 'atMs'>): void {
    try {
      this.options.onAlarm?.({ ...a, atMs: this.clock.now() });
    } catch (err) {
      this.log.error({ err, code: a.code }, 'alarm hook failed');
    }
  }
}
