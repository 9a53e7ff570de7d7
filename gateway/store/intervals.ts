// Per-interval import/export energy of each device, as computed from its counters.
import type { Db } from './database.js';

export interface IntervalEnergyRow {
  deviceId: string;
  intervalStartMs: number;
  intervalMs: number;
  importWh: number | null;
  exportWh: number | null;
  gap: boolean;
  gapReason: string | null;
}

export class IntervalStore {
  private readonly upsert;
  private readonly byDevice;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(`
      INSERT INTO interval_energy (device_id, interval_start_ms, interval_ms, import_wh, export_wh, gap, gap_reason)
      VALUES (@deviceId, @intervalStartMs, @intervalMs, @importWh, @exportWh, @gap, @gapReason)
      ON CONFLICT (device_id, interval_start_ms) DO UPDATE SET
        interval_ms = excluded.interval_ms, import_wh = excluded.import_wh, export_wh = excluded.export_wh,
        gap = excluded.gap, gap_reason = excluded.gap_reason`);
    this.byDevice = db.prepare(
      'SELECT device_id AS deviceId, interval_start_ms AS intervalStartMs, interval_ms AS intervalMs, import_wh AS importWh, export_wh AS exportWh, gap, gap_reason AS gapReason FROM interval_energy WHERE device_id = ? AND interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms',
    );
  }

  /** Writes (or rewrites, when later readings filled a gap) the rows in one transaction. */
  put(rows: ReadonlyArray<IntervalEnergyRow>): void {
    this.db.transaction(() => {
      for (const r of rows) this.upsert.run({ ...r, gap: r.gap ? 1 : 0 });
    })();
  }

  range(deviceId: string, fromMs: number, toMs: number): IntervalEnergyRow[] {
    const rows = this.byDevice.all(deviceId, fromMs, toMs) as Array<Omit<IntervalEnergyRow, 'gap'> & { gap: number }>;
    return rows.map((r) => ({ ...r, gap: r.gap === 1 }));
  }
}
