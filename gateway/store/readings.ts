// Raw readings and their per-minute aggregates. Writers hand readings to a buffer; one flush
// writes the whole buffer (readings and the touched minute aggregates) in one transaction, so
// after a crash a flush is either all there or not there at all.
import type { Db } from './database.js';

export interface StoredReading {
  deviceId: string;
  quantity: string;
  unit: string;
  atMs: number;
  value: number;
}

export interface SeriesKey {
  deviceId: string;
  quantity: string;
}

const MINUTE_MS = 60_000;

/** Readings held for the store at most, by default (about 20 MB); a full disk must not fill memory too. */
export const DEFAULT_MAX_BUFFERED_READINGS = 200_000;

export class ReadingStore {
  private readonly seriesIds = new Map<string, number>();
  private readonly insertSeries;
  private readonly findSeries;
  private readonly insertReading;
  private readonly upsertMinute;
  private readonly rangeStmt;
  private readonly latestStmt;
  private readonly minuteStmt;
  private buffer: StoredReading[] = [];
  /** The buffer's cap; beyond it the oldest readings are dropped (and counted). */
  maxBuffered = DEFAULT_MAX_BUFFERED_READINGS;
  /** Readings dropped unwritten because the buffer was full (the store could not take them). */
  dropped = 0;

  constructor(private readonly db: Db) {
    this.insertSeries = db.prepare('INSERT INTO series (device_id, quantity, unit) VALUES (?, ?, ?) ON CONFLICT (device_id, quantity) DO NOTHING');
    this.findSeries = db.prepare('SELECT series_id AS id FROM series WHERE device_id = ? AND quantity = ?');
    this.insertReading = db.prepare('INSERT OR REPLACE INTO readings (at_ms, series_id, value) VALUES (?, ?, ?)');
    this.upsertMinute = db.prepare(`
      INSERT INTO aggregates_minute (minute_ms, series_id, count, sum, min, max, last) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (minute_ms, series_id) DO UPDATE SET
        count = count + excluded.count,
        sum = sum + excluded.sum,
        min = MIN(min, excluded.min),
        max = MAX(max, excluded.max),
        last = excluded.last`);
    // Prepared once: the interval job asks for ranges every interval, per device.
    this.rangeStmt = db.prepare('SELECT at_ms AS atMs, value FROM readings WHERE at_ms >= ? AND at_ms < ? AND series_id = ? ORDER BY at_ms');
    this.latestStmt = db.prepare('SELECT at_ms AS atMs, value FROM readings WHERE series_id = ? AND at_ms <= ? ORDER BY at_ms DESC LIMIT 1');
    this.minuteStmt = db.prepare(
      'SELECT minute_ms AS minuteMs, count, sum / count AS mean, min, max, last FROM aggregates_minute WHERE minute_ms >= ? AND minute_ms < ? AND series_id = ? ORDER BY minute_ms',
    );
  }

  /** Queues a reading for the next flush; beyond the cap the oldest ones go. */
  add(reading: StoredReading): void {
    this.buffer.push(reading);
    if (this.buffer.length > this.maxBuffered) this.trim();
  }

  /** Drops the oldest readings beyond the cap, a tenth of it at a time so a full buffer costs little per add. */
  private trim(): void {
    const excess = this.buffer.length - this.maxBuffered;
    if (excess <= 0) return;
    const n = Math.min(this.buffer.length, Math.max(excess, Math.ceil(this.maxBuffered / 10)));
    this.buffer.splice(0, n);
    this.dropped += n;
  }

  get pending(): number {
    return this.buffer.length;
  }

  private seriesId(deviceId: string, quantity: string, unit: string): number {
    const key = `${deviceId}\u0000${quantity}`;
    const known = this.seriesIds.get(key);
    if (known !== undefined) return known;
    this.insertSeries.run(deviceId, quantity, unit);
    const row = this.findSeries.get(deviceId, quantity) as { id: number };
    this.seriesIds.set(key, row.id);
    return row.id;
  }

  /** Writes everything buffered in one transaction; returns how many readings were written. */
  flush(): number {
    if (this.buffer.length === 0) return 0;
    const batch = this.buffer;
    this.buffer = [];
    const minutes = new Map<string, { minuteMs: number; seriesId: number; count: number; sum: number; min: number; max: number; last: number; lastAt: number }>();
    try {
      this.db.transaction(() => {
        for (const r of batch) {
          const sid = this.seriesId(r.deviceId, r.quantity, r.unit);
          this.insertReading.run(r.atMs, sid, r.value);
          const minuteMs = Math.floor(r.atMs / MINUTE_MS) * MINUTE_MS;
          const key = `${minuteMs}:${sid}`;
          const agg = minutes.get(key);
          if (!agg) minutes.set(key, { minuteMs, seriesId: sid, count: 1, sum: r.value, min: r.value, max: r.value, last: r.value, lastAt: r.atMs });
          else {
            agg.count++;
            agg.sum += r.value;
            if (r.value < agg.min) agg.min = r.value;
            if (r.value > agg.max) agg.max = r.value;
            if (r.atMs >= agg.lastAt) {
              agg.last = r.value;
              agg.lastAt = r.atMs;
            }
          }
        }
        for (const a of minutes.values()) this.upsertMinute.run(a.minuteMs, a.seriesId, a.count, a.sum, a.min, a.max, a.last);
      })();
    } catch (err) {
      // Nothing of the batch was committed: put it back so a retry loses nothing.
      this.buffer = batch.concat(this.buffer);
      this.trim();
      throw err;
    }
    return batch.length;
  }

  /** Readings of one series in [fromMs, toMs), oldest first. */
  range(key: SeriesKey, fromMs: number, toMs: number): Array<{ atMs: number; value: number }> {
    const row = this.findSeries.get(key.deviceId, key.quantity) as { id: number } | undefined;
    if (!row) return [];
    return this.rangeStmt.all(fromMs, toMs, row.id) as Array<{ atMs: number; value: number }>;
  }

  /** The newest reading of a series at or before `atMs`. */
  latestAtOrBefore(key: SeriesKey, atMs: number): { atMs: number; value: number } | undefined {
    const row = this.findSeries.get(key.deviceId, key.quantity) as { id: number } | undefined;
    if (!row) return undefined;
    return this.latestStmt.get(row.id, atMs) as { atMs: number; value: number } | undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
  }

  minuteAggregates(key: SeriesKey, fromMs: number, toMs: number): Array<{ minuteMs: number; count: number; mean: number; min: number; max: number; last: number }> {
    const row = this.findSeries.get(key.deviceId, key.quantity) as { id: number } | undefined;
    if (!row) return [];
    return this.minuteStmt.all(fromMs, toMs, row.id) as Array<{ minuteMs: number; count: number; mean: number; min: number; max: number; last: number }>;
  }
}
