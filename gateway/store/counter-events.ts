// Counter events: a meter's counter was reset, wrapped at its register's width, or the meter
// itself was replaced (a new serial). Acquisition records them as it re-baselines; the
// interval job reads them so the interval that holds one is marked instead of being computed
// as a plain counter difference across two different counters.
import type { Db } from './database.js';

export type CounterEventKind = 'reset' | 'wrap' | 'meter-replaced';

export interface CounterEvent {
  deviceId: string;
  /** When the first value after the event was read. */
  atMs: number;
  quantity: string;
  kind: CounterEventKind;
  fromValue: number | null;
  toValue: number | null;
  detail: string | null;
}

export class CounterEventStore {
  private readonly insert;
  private readonly between;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO counter_events (device_id, at_ms, quantity, kind, from_value, to_value, detail) VALUES (@deviceId, @atMs, @quantity, @kind, @fromValue, @toValue, @detail)',
    );
    this.between = db.prepare(
      'SELECT device_id AS deviceId, at_ms AS atMs, quantity, kind, from_value AS fromValue, to_value AS toValue, detail FROM counter_events WHERE device_id = ? AND at_ms > ? AND at_ms <= ? ORDER BY at_ms',
    );
  }

  record(event: CounterEvent): void {
    this.insert.run(event);
  }

  /** A device's events with fromMs < atMs <= toMs (an interval holds the events up to its end reading). */
  within(deviceId: string, fromMs: number, toMs: number): CounterEvent[] {
    return this.between.all(deviceId, fromMs, toMs) as CounterEvent[];
  }
}
