// The demo's progress while the day runs: a bar on a terminal (one line per simulated hour
// otherwise) and what is happening in words, read from the gateways' stores (read-only, next
// to the running daemons): how many intervals are final everywhere, energy traded, and why the
// first intervals have no metered energy yet.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { District } from './district.js';
import { zoneOffsetMs } from '../../core/time-zone.js';
import { DEMO_TIME_ZONE } from './norwegian-defaults.js';

interface Counts {
  finalEverywhere: number;
  decided: number;
  tradedWh: number;
  metered: number;
  gaps: number;
}

export class DemoProgress {
  private readonly dbs = new Map<string, Database.Database>();
  private lastDrawMs = 0;
  private lastHour = -1;
  private readonly tty: boolean;

  constructor(
    private readonly district: District,
    private readonly fromMs: number,
    private readonly toMs: number,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
  ) {
    this.tty = out.isTTY === true;
  }

  private db(id: string, dataDir: string): Database.Database | undefined {
    let db = this.dbs.get(id);
    if (!db) {
      try {
        db = new Database(join(dataDir, 'nabo.db'), { readonly: true, fileMustExist: true });
        this.dbs.set(id, db);
      } catch {
        return undefined;
      }
    }
    return db;
  }

  counts(nowMs: number): Counts {
    const c: Counts = { finalEverywhere: 0, decided: 0, tradedWh: 0, metered: 0, gaps: 0 };
    const finalBy = new Map<number, number>();
    const until = Math.min(nowMs, this.toMs);
    for (const g of this.district.gateways.values()) {
      const db = this.db(g.id, g.dataDir);
      if (!db) continue;
      try {
        for (const r of db.prepare("SELECT interval_start_ms AS t, status FROM market_intervals WHERE interval_start_ms >= ? AND interval_start_ms < ?").all(this.fromMs, until) as Array<{ t: number; status: string }>) {
          c.decided++;
          if (r.status === 'final') finalBy.set(r.t, (finalBy.get(r.t) ?? 0) + 1);
        }
        const sold = db.prepare('SELECT COALESCE(SUM(-energy_wh), 0) AS wh FROM market_trades WHERE energy_wh < 0 AND interval_start_ms >= ?').get(this.fromMs) as { wh: number };
        c.tradedWh += sold.wh;
        const e = db.prepare('SELECT SUM(gap) AS gaps, COUNT(*) AS n FROM interval_energy WHERE device_id = ? AND interval_start_ms >= ?').get(g.gridMeterDeviceId, this.fromMs - 1_800_000) as { gaps: number | null; n: number };
        c.gaps += e.gaps ?? 0;
        c.metered += e.n - (e.gaps ?? 0);
      } catch {
        // a store busy with a checkpoint: the next tick reads it
      }
    }
    const n = this.district.gateways.size;
    for (const v of finalBy.values()) if (v === n) c.finalEverywhere++;
    return c;
  }

  tick(nowMs: number): void {
    const real = performance.now();
    const hour = Math.floor(nowMs / 3_600_000);
    if (this.tty ? real - this.lastDrawMs < 500 : hour === this.lastHour) return;
    this.lastDrawMs = real;
    this.lastHour = hour;
    const c = this.counts(nowMs);
    const share = Math.max(0, Math.min(1, (nowMs - this.fromMs) / (this.toMs - this.fromMs)));
    const width = 30;
    const bar = `[${'#'.repeat(Math.round(share * width))}${'.'.repeat(width - Math.round(share * width))}]`;
    const time = new Date(nowMs + zoneOffsetMs(DEMO_TIME_ZONE, nowMs)).toISOString().slice(11, 16);
    const text = `${bar} ${time}  ${this.words(nowMs, c)}`;
    this.out.write(this.tty ? `\r${text.padEnd(110).slice(0, 110)}` : `${text}\n`);
  }

  private words(nowMs: number, c: Counts): string {
    if (nowMs < this.fromMs) return 'reading the meters before the first traded interval (intervals before both ends of a counter are seen are gaps, not zeros)';
    const traded = `${(c.tradedWh / 1000).toFixed(1)} kWh traded locally`;
    return `${c.finalEverywhere} intervals final on every gateway, ${traded}, ${c.metered} metered intervals${c.gaps > 0 ? ` (${c.gaps} gaps: no counter reading on one side yet)` : ''}`;
  }

  done(): void {
    if (this.tty) this.out.write('\n');
    for (const db of this.dbs.values()) db.close();
    this.dbs.clear();
  }
}
