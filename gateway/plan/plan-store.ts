// The plan's records in the gateway store (migration 6): this gateway's own forecasts, written
// before they are published, and the plan in force per day, so a restart keeps following it
// and `nabo plan replay` can re-solve a final plan's stored snapshot.
import { canonicalJson } from '../../core/canonical-json.js';
import { durableTransaction } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { FinalityCertificate } from '../market/finality.js';
import type { SignedPlanForecast, SignedPlanSnapshot } from './plan-messages.js';
import type { DayAheadPlan } from './plan-schedule.js';

export type PlanStatus = 'final' | 'alone';

export interface PlanRow {
  marketId: string;
  planStartMs: number;
  status: PlanStatus;
  reason: string | null;
  planHash: string;
  rosterVersion: number;
  snapshot: SignedPlanSnapshot | null;
  plan: DayAheadPlan;
  certificate: FinalityCertificate | null;
  updatedMs: number;
}

interface RawRow {
  market_id: string;
  plan_start_ms: number;
  status: string;
  reason: string | null;
  plan_hash: string;
  roster_version: number;
  snapshot: string | null;
  plan: string;
  certificate: string | null;
  updated_ms: number;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function fromRaw(r: RawRow): PlanRow {
  return {
    marketId: r.market_id,
    planStartMs: r.plan_start_ms,
    status: r.status as PlanStatus,
    reason: r.reason,
    planHash: r.plan_hash,
    rosterVersion: r.roster_version,
    snapshot: parse<SignedPlanSnapshot>(r.snapshot),
    plan: JSON.parse(r.plan) as DayAheadPlan,
    certificate: parse<FinalityCertificate>(r.certificate),
    updatedMs: r.updated_ms,
  };
}

export class PlanStore {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  saveOwnForecast(marketId: string, planStartMs: number, forecast: SignedPlanForecast, nowMs: number): void {
    durableTransaction(this.db, () =>
      this.db
        .prepare('INSERT INTO plan_forecasts (market_id, plan_start_ms, envelope, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (market_id, plan_start_ms) DO UPDATE SET envelope = excluded.envelope, created_ms = excluded.created_ms')
        .run(marketId, planStartMs, canonicalJson(forecast), nowMs),
    );
  }

  ownForecast(marketId: string, planStartMs: number): SignedPlanForecast | undefined {
    const r = this.db.prepare('SELECT envelope FROM plan_forecasts WHERE market_id = ? AND plan_start_ms = ?').get(marketId, planStartMs) as { envelope: string } | undefined;
    return r ? (JSON.parse(r.envelope) as SignedPlanForecast) : undefined;
  }

  /** Saves a day's plan; an alone plan never replaces a final one. Returns whether it was written. */
  savePlan(row: Omit<PlanRow, 'updatedMs'>, nowMs: number): boolean {
    let changed = 0;
    durableTransaction(this.db, () => {
      changed = this.db
        .prepare(
          `INSERT INTO plans (market_id, plan_start_ms, status, reason, plan_hash, roster_version, snapshot, plan, certificate, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (market_id, plan_start_ms) DO UPDATE SET status = excluded.status, reason = excluded.reason, plan_hash = excluded.plan_hash, roster_version = excluded.roster_version,
             snapshot = excluded.snapshot, plan = excluded.plan, certificate = excluded.certificate, updated_ms = excluded.updated_ms
           WHERE plans.status <> 'final'`,
        )
        .run(row.marketId, row.planStartMs, row.status, row.reason, row.planHash, row.rosterVersion, row.snapshot ? canonicalJson(row.snapshot) : null, canonicalJson(row.plan), row.certificate ? canonicalJson(row.certificate) : null, nowMs).changes;
    });
    return changed > 0;
  }

  plan(marketId: string, planStartMs: number): PlanRow | undefined {
    const r = this.db.prepare('SELECT * FROM plans WHERE market_id = ? AND plan_start_ms = ?').get(marketId, planStartMs) as RawRow | undefined;
    return r ? fromRaw(r) : undefined;
  }

  /** The plans (one per market) starting at `planStartMs`. */
  plansAt(planStartMs: number): PlanRow[] {
    return (this.db.prepare('SELECT * FROM plans WHERE plan_start_ms = ? ORDER BY market_id').all(planStartMs) as RawRow[]).map(fromRaw);
  }

  /** Plans starting at or after `fromMs`, oldest first. */
  plans(marketId: string, fromMs: number): PlanRow[] {
    return (this.db.prepare('SELECT * FROM plans WHERE market_id = ? AND plan_start_ms >= ? ORDER BY plan_start_ms').all(marketId, fromMs) as RawRow[]).map(fromRaw);
  }
}
