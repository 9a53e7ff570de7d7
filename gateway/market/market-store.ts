// The market's records in the gateway's SQLite store (tables of store migrations 1 and 2).
// Own orders are written before they are published; a final interval's result, certificate,
// trade and the trade's outbox record commit in one durable transaction, as does a settlement
// with its outbox record, so a crash can lose or duplicate neither (DESIGN principle 6).
import { canonicalJson } from '../../core/canonical-json.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { ClearingResult } from '../../edge-solver/clearing/index.js';
import type { Statement } from 'better-sqlite3';
import { durableTransaction } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { FinalityCertificate, SignedVote } from './finality.js';
import type { SignedOrder, SnapshotPayload } from './messages.js';
import type { SettlementRecord, SignedTrade, TradeRecord } from './records.js';
import type { Roster } from './roster.js';
import { enqueueRecord } from '../uplink/record.js';
import { resultUplinkRecord, settlementUplinkRecord, tradeUplinkRecords } from './uplink-records.js';

export type IntervalStatus = 'final' | 'grid-only';

export interface IntervalRow {
  intervalStartMs: number;
  marketId: string;
  status: IntervalStatus;
  reason: string | null;
  attempt: number | null;
  snapshotHash: string | null;
  resultHash: string | null;
  ownResultHash: string | null;
  certificate: FinalityCertificate | null;
  updatedMs: number;
}

/** Who signs the records the market sends upstream. */
export interface RecordSigner {
  gatewayId: string;
  seed: Uint8Array;
}

export class MarketStore {
  constructor(
    private readonly store: Store,
    private readonly signer?: RecordSigner,
  ) {}

  /** Prepared statements by SQL text: compiling one cost more than running it on the market's hot path. */
  private readonly statements = new Map<string, Statement<unknown[]>>();

  private get db() {
    return this.store.db;
  }

  private sql(text: string): Statement<unknown[]> {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  saveRoster(envelope: SignedEnvelope<Roster>, nowMs: number): void {
    this.sql('INSERT INTO market_rosters (market_id, version, envelope, received_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(envelope.payload.marketId, envelope.payload.version, canonicalJson(envelope), nowMs);
  }

  roster(marketId: string, version?: number): SignedEnvelope<Roster> | undefined {
    const row = (version === undefined
      ? this.sql('SELECT envelope FROM market_rosters WHERE market_id = ? ORDER BY version DESC LIMIT 1').get(marketId)
      : this.sql('SELECT envelope FROM market_rosters WHERE market_id = ? AND version = ?').get(marketId, version)) as { envelope: string } | undefined;
    return row ? (JSON.parse(row.envelope) as SignedEnvelope<Roster>) : undefined;
  }

  /** Own order, durably, before it is published. */
  saveOwnOrder(order: SignedOrder, intervalStartMs: number, nowMs: number): void {
    durableTransaction(this.db, () =>
      this.sql('INSERT INTO orders (order_id, interval_start_ms, participant_id, payload, signature, created_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(order.payload.orderId, intervalStartMs, order.payload.gatewayId, canonicalJson(order), order.signature, nowMs),
    );
  }

  ownOrders(intervalStartMs: number): SignedOrder[] {
    return (this.sql('SELECT payload FROM orders WHERE interval_start_ms = ? ORDER BY created_ms').all(intervalStartMs) as Array<{ payload: string }>).map((r) => JSON.parse(r.payload) as SignedOrder);
  }

  saveSnapshot(envelope: SignedEnvelope<SnapshotPayload>, hash: string, intervalStartMs: number, nowMs: number): void {
    this.sql('INSERT INTO market_snapshots (interval_start_ms, snapshot_hash, attempt, coordinator, envelope, received_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(intervalStartMs, hash, envelope.payload.attempt, envelope.payload.coordinator, canonicalJson(envelope), nowMs);
  }

  snapshots(intervalStartMs: number): Array<{ hash: string; attempt: number; coordinator: string; envelope: SignedEnvelope<SnapshotPayload> }> {
    return (this.sql('SELECT snapshot_hash AS hash, attempt, coordinator, envelope FROM market_snapshots WHERE interval_start_ms = ? ORDER BY attempt, received_ms').all(intervalStartMs) as Array<{ hash: string; attempt: number; coordinator: string; envelope: string }>).map((r) => ({ ...r, envelope: JSON.parse(r.envelope) as SignedEnvelope<SnapshotPayload> }));
  }

  /** Counted votes, in one transaction (a commit per vote cost more than checking it). */
  saveVotes(votes: readonly SignedVote[], intervalStartMs: number, nowMs: number): void {
    const insert = this.sql('INSERT INTO market_votes (interval_start_ms, voter, snapshot_hash, result_hash, envelope, received_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.db.transaction(() => {
      for (const vote of votes) insert.run(intervalStartMs, vote.payload.voter, vote.payload.snapshotHash, vote.payload.resultHash, canonicalJson(vote), nowMs);
    })();
  }

  votes(intervalStartMs: number): SignedVote[] {
    return (this.sql('SELECT envelope FROM market_votes WHERE interval_start_ms = ? ORDER BY voter').all(intervalStartMs) as Array<{ envelope: string }>).map((r) => JSON.parse(r.envelope) as SignedVote);
  }

  /** Grid only for the interval, with the reason; never overwrites a final interval. */
  markGridOnly(intervalStartMs: number, marketId: string, reason: string, ownResultHash: string | null, nowMs: number): void {
    this.sql(
      `INSERT INTO market_intervals (interval_start_ms, market_id, status, reason, own_result_hash, updated_ms) VALUES (?, ?, 'grid-only', ?, ?, ?)
       ON CONFLICT (interval_start_ms) DO UPDATE SET reason = excluded.reason, own_result_hash = COALESCE(excluded.own_result_hash, own_result_hash), updated_ms = excluded.updated_ms WHERE status <> 'final'`,
    ).run(intervalStartMs, marketId, reason, ownResultHash, nowMs);
  }

  /** The final result, its certificate, and this gateway's trade with their outbox records: one durable transaction. */
  saveFinal(intervalStartMs: number, intervalMs: number, cert: FinalityCertificate, result: ClearingResult | null, ownResultHash: string, trade: SignedTrade | undefined, nowMs: number): void {
    durableTransaction(this.db, () => {
      const wasFinal = this.interval(intervalStartMs)?.status === 'final';
      this.sql(
        `INSERT INTO market_intervals (interval_start_ms, market_id, status, reason, attempt, snapshot_hash, result_hash, own_result_hash, certificate, updated_ms) VALUES (?, ?, 'final', NULL, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (interval_start_ms) DO UPDATE SET status = 'final', reason = NULL, attempt = excluded.attempt, snapshot_hash = excluded.snapshot_hash, result_hash = excluded.result_hash, own_result_hash = excluded.own_result_hash, certificate = excluded.certificate, updated_ms = excluded.updated_ms`,
      ).run(intervalStartMs, cert.marketId, cert.attempt, cert.snapshotHash, cert.resultHash, ownResultHash, canonicalJson(cert), nowMs);
      if (result) {
        this.sql('INSERT INTO clearing_results (interval_start_ms, block_id, result_hash, payload, final, created_ms) VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (interval_start_ms, block_id) DO UPDATE SET result_hash = excluded.result_hash, payload = excluded.payload, final = 1').run(intervalStartMs, cert.marketId, cert.resultHash, canonicalJson(result), nowMs);
      }
      if (trade) {
        const t = trade.payload;
        const inserted = this.sql('INSERT INTO market_trades (trade_id, interval_start_ms, participant_id, block_id, energy_wh, price_minor_per_kwh, amount_minor, result_hash, envelope, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(t.tradeId, intervalStartMs, t.gatewayId, t.block, t.energyWh, t.priceMinorPerKWh, t.amountMinor, t.resultHash, canonicalJson(trade), nowMs);
        if (inserted.changes === 1 && this.signer) for (const r of tradeUplinkRecords(t, intervalStartMs, nowMs)) enqueueRecord(this.store, r, this.signer.seed);
      }
      if (!wasFinal && this.signer) enqueueRecord(this.store, resultUplinkRecord(this.signer.gatewayId, cert, intervalStartMs, intervalMs, nowMs), this.signer.seed);
    });
  }

  interval(intervalStartMs: number): IntervalRow | undefined {
    const r = this.sql('SELECT interval_start_ms AS intervalStartMs, market_id AS marketId, status, reason, attempt, snapshot_hash AS snapshotHash, result_hash AS resultHash, own_result_hash AS ownResultHash, certificate, updated_ms AS updatedMs FROM market_intervals WHERE interval_start_ms = ?').get(intervalStartMs) as (Omit<IntervalRow, 'certificate'> & { certificate: string | null }) | undefined;
    return r ? { ...r, certificate: r.certificate ? (JSON.parse(r.certificate) as FinalityCertificate) : null } : undefined;
  }

  result(intervalStartMs: number, marketId: string): ClearingResult | undefined {
    const r = this.sql('SELECT payload FROM clearing_results WHERE interval_start_ms = ? AND block_id = ?').get(intervalStartMs, marketId) as { payload: string } | undefined;
    return r ? (JSON.parse(r.payload) as ClearingResult) : undefined;
  }

  trades(intervalStartMs: number): SignedTrade[] {
    return (this.sql('SELECT envelope FROM market_trades WHERE interval_start_ms = ? ORDER BY trade_id').all(intervalStartMs) as Array<{ envelope: string }>).map((r) => JSON.parse(r.envelope) as SignedTrade);
  }

  /** The settlement with its outbox record (a settled one; a gap waits for repaired metering): one durable transaction. */
  saveSettlement(settlement: SignedEnvelope<SettlementRecord>, intervalStartMs: number, intervalMs: number, metered: { importWh: number | null; exportWh: number | null }, trade: TradeRecord | undefined, nowMs: number): boolean {
    return durableTransaction(this.db, () => {
      const s = settlement.payload;
      const inserted = this.sql('INSERT INTO settlements (settlement_id, interval_start_ms, participant_id, payload, signature, created_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(s.settlementId, intervalStartMs, s.gatewayId, canonicalJson(settlement), settlement.signature, nowMs);
      if (inserted.changes === 1 && this.signer && metered.importWh !== null && metered.exportWh !== null) {
        const record = settlementUplinkRecord(s, { importWh: metered.importWh, exportWh: metered.exportWh }, trade, intervalStartMs, intervalMs, nowMs);
        if (record) enqueueRecord(this.store, record, this.signer.seed);
      }
      return inserted.changes === 1;
    });
  }

  settlements(intervalStartMs: number): Array<SignedEnvelope<SettlementRecord>> {
    return (this.sql('SELECT payload FROM settlements WHERE interval_start_ms = ? ORDER BY settlement_id').all(intervalStartMs) as Array<{ payload: string }>).map((r) => JSON.parse(r.payload) as SignedEnvelope<SettlementRecord>);
  }
}
