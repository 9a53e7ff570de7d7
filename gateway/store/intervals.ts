// Per-interval import/export energy of each device, as computed from its counters, with the
// quality of each value: measured (counter differences), estimated (integrated power, while a
// meter's counters are still to come), reconciled (estimates scaled to the counter difference)
// or gap (unknown; never a zero).
import type { Db } from './database.js';
import type { EnergyQuality } from '../events/events.js';

export type { EnergyQuality } from '../events/events.js';

export interface IntervalEnergyRow {
  deviceId: string;
  intervalStartMs: number;
  intervalMs: number;
  importWh: number | null;
  exportWh: number | null;
  gap: boolean;
  gapReason: string | null;
  quality: EnergyQuality;
}

/** A row to write; without a quality it is 'gap' when `gap` is set, 'measured' otherwise. */
export type IntervalEnergyInput = Omit<IntervalEnergyRow, 'quality'> & { quality?: EnergyQuality };

export class IntervalStore {
  private readonly upsert;
  private readonly byDevice;
  private readonly byQuality;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(`
      INSERT INTO interval_energy (device_id, interval_start_ms, interval_ms, import_wh, export_wh, gap, gap_reason, quality)
      VALUES (@deviceId, @intervalStartMs, @intervalMs, @importWh, @exportWh, @gap, @gapReason, @quality)
      ON CONFLICT (device_id, interval_start_ms) DO UPDATE SET
        interval_ms = excluded.interval_ms, import_wh = excluded.import_wh, export_wh = excluded.export_wh,
        gap = excluded.gap, gap_reason = excluded.gap_reason, quality = excluded.quality`);
    const columns = 'device_id AS deviceId, interval_start_ms AS intervalStartMs, interval_ms AS intervalMs, import_wh AS importWh, export_wh AS exportWh, gap, gap_reason AS gapReason, quality';
    this.byDevice = db.prepare(`SELECT ${columns} FROM interval_energy WHERE device_id = ? AND interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms`);
    this.byQuality = db.prepare(`SELECT ${columns} FROM interval_energy WHERE device_id = ? AND quality = ? AND interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms`);
  }

  /** Writes (or rewrites, when later readings filled a gap) the rows in one transaction. */
  put(rows: ReadonlyArray<IntervalEnergyInput>): void {
    this.db.transaction(() => {
      for (const r of rows) this.upsert.run({ ...r, gap: r.gap ? 1 : 0, quality: r.quality ?? (r.gap ? 'gap' : 'measured') });
    })();
  }

  range(deviceId: string, fromMs: number, toMs: number): IntervalEnergyRow[] {
    return this.rows(this.byDevice.all(deviceId, fromMs, toMs));
  }

  /** A device's rows of one quality with starts in [fromMs, toMs), oldest first. */
  withQuality(deviceId: string, quality: EnergyQuality, fromMs: number, toMs: number): IntervalEnergyRow[] {
    return this.rows(this.byQuality.all(deviceId, quality, fromMs, toMs));
  }

  private rows(raw: unknown[]): IntervalEnergyRow[] {
    return (raw as Array<Omit<IntervalEnergyRow, 'gap'> & { gap: number }>).map((r) => ({ ...r, gap: r.gap === 1 }));
  }
}
