// Anchoring as a service: every batch period (on the context clock, so a simulated day cuts
// its hourly batches) the outbox records not yet anchored become one Merkle batch with a proof
// per record; batches are submitted to the IOTA ledger when a node and package are
// configured, and retried on real time until the node takes them. Each receipt is itself
// sent upstream as an `anchor` record with every record's proof, so the operator can prove
// any record it stored without asking the gateway.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { RealClock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import { durableTransaction } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { AnchorConfig } from '../uplink/config.js';
import { enqueueRecord, recordId } from '../uplink/record.js';
import { AnchorStore } from './anchor-store.js';
import { IotaLedger, type AnchorLedger } from './iota-ledger.js';

/** Records per batch at most. */
export const MAX_LEAVES = 2048;

export interface AnchorServiceOptions {
  config: AnchorConfig;
  /** The gateway's 32-byte Ed25519 seed: signs the anchor records and the ledger transactions. */
  seed: Uint8Array;
  gatewayId?: string;
  /** Another ledger (tests); by default the IOTA node of the config. */
  ledger?: AnchorLedger;
  ioClock?: Clock;
}

export class AnchorService implements Service {
  readonly name = 'anchor';
  private anchors!: AnchorStore;
  private store!: Store;
  private clock!: Clock;
  private log: Logger | null = null;
  private gatewayId = '';
  private readonly ioClock: Clock;
  private ledger: AnchorLedger | null;
  private timers: Array<{ clock: Clock; handle: TimerHandle }> = [];
  private submitting: Promise<void> | null = null;

  constructor(private readonly options: AnchorServiceOptions) {
    this.ioClock = options.ioClock ?? new RealClock();
    const c = options.config;
    this.ledger = options.ledger ?? (c.nodeUrl && c.packageId ? new IotaLedger({ nodeUrl: c.nodeUrl, packageId: c.packageId, seed: options.seed, gasBudget: c.gasBudget }) : null);
  }

  start(ctx: Pick<ServiceContext, 'clock' | 'store' | 'status' | 'log'> & { config?: ServiceContext['config'] }): void {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.anchors = new AnchorStore(ctx.store.db);
    this.gatewayId = this.options.gatewayId ?? ctx.config?.gateway.id ?? '';
    if (!this.gatewayId) throw new Error('anchor: no gateway id (config gateway.id)');
    ctx.status.provide(this.name, () => ({ ...this.anchors.counts(), ledger: this.ledger ? 'configured' : 'none' }));
    if (!this.options.config.enabled) return;
    this.timers.push({ clock: ctx.clock, handle: ctx.clock.setInterval(() => void this.cutAndSubmit(), this.options.config.batchPeriodMs) });
    this.timers.push({ clock: this.ioClock, handle: this.ioClock.setInterval(() => void this.submitPending(), this.options.config.retryMs) });
  }

  stop(): Promise<void> | void {
    for (const t of this.timers) t.clock.clear(t.handle);
    this.timers = [];
    return this.submitting ?? undefined;
  }

  /** Cuts a batch of what is new (if anything) and submits what waits. */
  async cutAndSubmit(): Promise<void> {
    // A gateway back after days off cuts several bounded batches, keeping each anchor record
    // (which carries every proof) to a few hundred kilobytes.
    for (let b = this.anchors.cutBatch(this.clock.now(), MAX_LEAVES); b; b = this.anchors.cutBatch(this.clock.now(), MAX_LEAVES)) {
      this.log?.info({ batchId: b.batchId, leaves: b.leafCount, root: b.root }, 'anchor batch cut');
    }
    await this.submitPending();
  }

  /** Submits every batch without a receipt, oldest first; stops at the first node failure. */
  submitPending(): Promise<void> {
    if (!this.ledger) return Promise.resolve();
    this.submitting ??= this.submitAll().finally(() => {
      this.submitting = null;
    });
    return this.submitting;
  }

  private async submitAll(): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) return;
    for (const b of this.anchors.unsubmitted()) {
      const r = await ledger.submit({ batchId: b.batchId, root: b.root, leafCount: b.leafCount });
      if (!r.ok) {
        this.anchors.recordFailure(b.batchId, `${r.error.kind}: ${r.error.detail}`);
        this.log?.warn({ batchId: b.batchId, reason: r.error.kind, detail: r.error.detail }, 'anchor submission failed; retrying later');
        return;
      }
      const now = this.clock.now();
      // The receipt and the record announcing it commit together, durably.
      durableTransaction(this.store.db, () => {
        this.anchors.recordReceipt(b.batchId, r.value.digest, r.value.checkpoint, now);
        enqueueRecord(this.store, { id: recordId('anchor', this.gatewayId, b.batchId), kind: 'anchor', gatewayId: this.gatewayId, createdMs: now, payload: { batchId: b.batchId, root: b.root, leafCount: b.leafCount, firstSeq: b.firstSeq, lastSeq: b.lastSeq, digest: r.value.digest, checkpoint: r.value.checkpoint, proofs: this.anchors.proofsOf(b.batchId) } }, this.options.seed);
      });
    }
  }
}
