// A full or read-only disk under the store, on a real size-limited filesystem: a 2 MB tmpfs
// mounted for the test (needs root, as the README's test line runs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import type { Alarm } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { ReadingFlusher } from '../../../gateway/store/flusher.js';
import { RetentionJob } from '../../../gateway/store/retention-job.js';
import { Store } from '../../../gateway/store/store.js';

const T0 = Date.UTC(2026, 5, 21, 10);
const DAY = 86_400_000;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A fresh folder with a 2 MB tmpfs mounted on it, unmounted and removed after the test. */
function smallDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-small-disk-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`this test mounts a 2 MB tmpfs and needs root (or CAP_SYS_ADMIN): ${(err as Error).message}`);
  }
  cleanups.push(() => execFileSync('umount', ['-l', dir]));
  return dir;
}

/** Writes a filler file until the filesystem says it is full. */
function fill(dir: string): string {
  const filler = join(dir, 'filler');
  writeFileSync(filler, '');
  const chunk = Buffer.alloc(16 * 1024, 1);
  for (;;) {
    try {
      appendFileSync(filler, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return filler;
      throw err;
    }
  }
}

function logCapture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

function addReadings(store: Store, fromMs: number, count: number): void {
  for (let i = 0; i < count; i++) store.readings.add({ deviceId: `m${i % 10}`, quantity: 'powerW', unit: 'W', atMs: fromMs + Math.floor(i / 10) * 1000, value: i * 1.5 });
}

describe('store on a full or read-only disk (mounts a 2 MB tmpfs; needs root)', () => {
  it('keeps readings bounded, raises an alarm with one clear log line, keeps the file intact and resumes writing when space returns', async () => {
    const dir = smallDisk();
    const store = Store.open(join(dir, 'nabo.db'));
    cleanups.push(() => {
      try {
        store.close();
      } catch {
        /* the disk was full on purpose; the test checked what it needed */
      }
    });
    const clock = new SimulatedClock({ startMs: T0 });
    const { lines, stream } = logCapture();
    const log = createLogger({ level: 'info', pretty: false, destination: stream });
    const alarms: Alarm[] = [];
    const errors: string[] = [];
    const flusher = new ReadingFlusher(store, clock, log, { maxBufferedReadings: 20_000, onAlarm: (a) => alarms.push(a), onFlushError: (_e, kind) => errors.push(kind) });
    const retention = new RetentionJob(store, clock, log, { rawRetentionDays: 7, aggregateRetentionDays: 365 }, { onAlarm: (a) => alarms.push(a) });

    // Ten days old, so retention will want to delete them.
    addReadings(store, T0 - 10 * DAY, 200);
    expect(flusher.flushNow()).toEqual({ ok: true, value: 200 });
    const filler = fill(dir);

    // A minute of many readings: more than the disk has room for.
    addReadings(store, T0, 15_000);
    const failed = flusher.flushNow();
    expect(failed).toMatchObject({ ok: false, error: { kind: 'disk-full' } });
    expect(alarms).toEqual([expect.objectContaining({ code: 'store-write-failed', severity: 'critical', atMs: T0 })]);
    expect(lines.filter((l) => l.includes('cannot write readings to the store: the disk is full'))).toHaveLength(1);
    expect(store.readings.pending).toBe(15_000);

    // The retention timer fails too, and says so, without throwing out of the timer.
    retention.start(3_600_000);
    await clock.advance(3_600_000);
    retention.stop();
    expect(alarms.map((a) => a.code)).toEqual(['store-write-failed', 'retention-failed']);

    // More readings while full: the buffer stays under its cap, the oldest dropped and counted.
    addReadings(store, T0 + 3_600_000, 15_000);
    expect(flusher.flushNow().ok).toBe(false);
    expect(store.readings.pending).toBeLessThanOrEqual(20_000);
    expect(store.readings.dropped).toBeGreaterThanOrEqual(10_000);
    expect(alarms.map((a) => a.code)).toEqual(['store-write-failed', 'retention-failed', 'readings-dropped']);
    expect(errors).toEqual(['disk-full', 'disk-full']);
    expect(lines.filter((l) => l.includes('cannot write readings'))).toHaveLength(1);

    // Nothing half-written: the file is intact and holds the first flush only.
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.readings.count()).toBe(200);

    // Space returns: the next flush writes what is buffered and clears the alarm.
    unlinkSync(filler);
    const pending = store.readings.pending;
    expect(flusher.flushNow()).toEqual({ ok: true, value: pending });
    expect(store.readings.count()).toBe(200 + pending);
    expect(alarms.at(-1)).toMatchObject({ code: 'store-write-failed', cleared: true });
    expect(lines.some((l) => l.includes('store writable again'))).toBe(true);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(flusher.status()).toMatchObject({ failing: false, pending: 0 });
  });

  it('names a read-only store as such in its alarm and log line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabo-read-only-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    Store.open(join(dir, 'nabo.db')).close();
    // The file as a read-only mount shows it to SQLite.
    const store = Store.open(join(dir, 'nabo.db'), { readonly: true });
    cleanups.push(() => {
      try {
        store.close();
      } catch {
        /* its buffer cannot be written, by design of this test */
      }
    });
    const { lines, stream } = logCapture();
    const alarms: Alarm[] = [];
    const flusher = new ReadingFlusher(store, new SimulatedClock({ startMs: T0 }), createLogger({ level: 'info', pretty: false, destination: stream }), { onAlarm: (a) => alarms.push(a) });
    addReadings(store, T0, 100);
    expect(flusher.flushNow()).toMatchObject({ ok: false, error: { kind: 'read-only' } });
    expect(alarms).toEqual([expect.objectContaining({ code: 'store-write-failed', message: 'cannot write readings: the store is read-only' })]);
    expect(lines.filter((l) => l.includes('cannot write readings to the store: the store is read-only'))).toHaveLength(1);
    expect(store.readings.pending).toBe(100);
  });
});

describe('reading buffer', () => {
  it('never holds more than its cap: the oldest readings go first, counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabo-buffer-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = Store.open(join(dir, 'nabo.db'));
    cleanups.push(() => store.close());
    store.readings.maxBuffered = 1000;
    for (let i = 0; i < 5000; i++) store.readings.add({ deviceId: 'm', quantity: 'powerW', unit: 'W', atMs: T0 + i * 1000, value: i });
    expect(store.readings.pending).toBeLessThanOrEqual(1000);
    expect(store.readings.pending + store.readings.dropped).toBe(5000);
    store.readings.flush();
    // The newest survive.
    expect(store.readings.latestAtOrBefore({ deviceId: 'm', quantity: 'powerW' }, Number.MAX_SAFE_INTEGER)?.value).toBe(4999);
  });
});
