// Automatic payment (issue 11, point 5): when a settlement period ends, the gateway derives
// what it owes from the block's final results (netting.ts), converts it at the roster's rate
// and pays it in one IOTA transaction signed with its key; the receipt is a `payment` record.
// As a payee it checks each payer's receipt against what it is owed and raises an alarm when a
// payment is missing or short. Off by default.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { RealClock } from '../clock/clock.js';
import type { EventBus } from '../events/events.js';
import type { Service, ServiceContext } from '../services/service.js';
import { durableTransaction } from '../store/database.js';
import type { Store } from '../store/store.js';
import { enqueueRecord, recordId } from '../uplink/record.js';
import type { PaymentConfig } from './config.js';
import { addressOfPublicKey, IotaPayments, type Transfer } from './iota-payment.js';
import { netObligations, paymentsOf, type IntervalResult } from './netting.js';

export interface PaymentRoster {
  /** IOTA nanos per minor currency unit, fixed by the roster. */
  rateNanosPerMinor: number;
  /** When set, every payer pays its net position to this IOTA address instead of the sellers. */
  clearingAccount?: string;
  members: ReadonlyArray<{ gatewayId: string; publicKey: string }>;
}

/** What the market provides: the roster and the block's final results of a period. */
export interface PaymentInputs {
  roster(): PaymentRoster;
  results(fromMs: number, toMs: number): ReadonlyArray<IntervalResult>;
  /** The payers' receipts for a period as they reached this gateway; checked `graceMs` after the period. */
  receipts?(periodStartMs: number): ReadonlyArray<{ payer: string; digest: string }>;
}

export interface PaymentLedger {
  readonly address: string;
  pay(transfers: ReadonlyArray<Transfer>): ReturnType<IotaPayments['pay']>;
  received(digest: string, address: string): ReturnType<IotaPayments['received']>;
}

export interface PaymentServiceOptions {
  config: PaymentConfig;
  seed: Uint8Array;
  inputs: PaymentInputs;
  gatewayId?: string;
  ledger?: PaymentLedger;
  ioClock?: Clock;
}

export interface PaymentFinding {
  payer: string;
  code: 'payment-missing' | 'payment-short' | 'payment-ok';
  expectedNanos: bigint;
  receivedNanos: bigint;
}

export class PaymentService implements Service {
  readonly name = 'payment';
  private store!: Store;
  private clock!: Clock;
  private events: EventBus | null = null;
  private gatewayId = '';
  private readonly ledger: PaymentLedger | null;
  private readonly ioClock: Clock;
  private timers: Array<{ clock: Clock; handle: TimerHandle }> = [];
  private unpaid = new Set<number>();
  private lastError: string | null = null;

  constructor(private readonly options: PaymentServiceOptions) {
    this.ioClock = options.ioClock ?? new RealClock();
    this.ledger = options.ledger ?? (options.config.nodeUrl ? new IotaPayments(options.config.nodeUrl, options.seed, options.config.gasBudget) : null);
  }

  start(ctx: Pick<ServiceContext, 'clock' | 'store' | 'status'> & { events?: EventBus; config?: ServiceContext['config'] }): void {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.events = ctx.events ?? null;
    this.gatewayId = this.options.gatewayId ?? ctx.config?.gateway.id ?? '';
    if (!this.gatewayId) throw new Error('payment: no gateway id (config gateway.id)');
    ctx.status.provide(this.name, () => ({ enabled: this.options.config.enabled, unpaidPeriods: [...this.unpaid].map((ms) => new Date(ms).toISOString()), lastError: this.lastError }));
    if (!this.options.config.enabled) return;
    const { periodMs } = this.options.config;
    // Wake at each period boundary of the gateway's clock and pay the period that just ended.
    const untilNext = periodMs - (ctx.clock.now() % periodMs);
    const periodEnded = (): void => {
      const period = this.clock.now() - (this.clock.now() % periodMs) - periodMs;
      void this.payPeriod(period);
      const receipts = this.options.inputs.receipts?.bind(this.options.inputs);
      if (receipts) this.timers.push({ clock: ctx.clock, handle: ctx.clock.setTimeout(() => void this.checkReceived(period, receipts(period)), this.options.config.graceMs) });
    };
    const first = ctx.clock.setTimeout(() => {
      periodEnded();
      this.timers.push({ clock: ctx.clock, handle: ctx.clock.setInterval(periodEnded, periodMs) });
    }, untilNext);
    this.timers.push({ clock: ctx.clock, handle: first });
    this.timers.push({ clock: this.ioClock, handle: this.ioClock.setInterval(() => void this.retryUnpaid(), this.options.config.retryMs) });
  }

  stop(): void {
    for (const t of this.timers) t.clock.clear(t.handle);
    this.timers = [];
  }

  /** The transfers this gateway owes for the period starting at `periodStartMs` (deterministic). */
  transfersFor(periodStartMs: number): Array<Transfer & { payee: string; amountMinor: number }> {
    const roster = this.options.inputs.roster();
    const results = this.options.inputs.results(periodStartMs, periodStartMs + this.options.config.periodMs);
    const keyOf = new Map(roster.members.map((m) => [m.gatewayId, m.publicKey]));
    return paymentsOf(this.gatewayId, results, roster.clearingAccount).flatMap((o) => {
      const address = roster.clearingAccount ?? (keyOf.has(o.payee) ? addressOfPublicKey(keyOf.get(o.payee) as string) : null);
      if (!address) return [];
      return [{ payee: o.payee, address, amountMinor: o.amountMinor, amountNanos: BigInt(o.amountMinor) * BigInt(roster.rateNanosPerMinor) }];
    });
  }

  /** Pays the period once: a period whose payment record exists is not paid again. */
  async payPeriod(periodStartMs: number): Promise<'paid' | 'nothing-owed' | 'already-paid' | 'failed'> {
    const id = recordId('payment', this.gatewayId, periodStartMs);
    if (this.store.db.prepare('SELECT 1 FROM outbox WHERE id = ?').get(id)) return 'already-paid';
    const transfers = this.transfersFor(periodStartMs);
    if (transfers.length === 0) return 'nothing-owed';
    if (!this.ledger) {
      this.unpaid.add(periodStartMs);
      this.lastError = 'no IOTA node configured (payment.nodeUrl)';
      return 'failed';
    }
    const r = await this.ledger.pay(transfers);
    if (!r.ok) {
      this.unpaid.add(periodStartMs);
      this.lastError = `${r.error.kind}: ${r.error.detail}`;
      return 'failed';
    }
    this.unpaid.delete(periodStartMs);
    const roster = this.options.inputs.roster();
    durableTransaction(this.store.db, () =>
      enqueueRecord(
        this.store,
        {
          id,
          kind: 'payment',
          gatewayId: this.gatewayId,
          createdMs: this.clock.now(),
          payload: { periodStartMs, periodMs: this.options.config.periodMs, rateNanosPerMinor: roster.rateNanosPerMinor, from: this.ledger?.address, payees: transfers.map((t) => ({ gatewayId: t.payee, address: t.address, amountMinor: t.amountMinor, amountNanos: t.amountNanos.toString() })), digest: r.value.digest, checkpoint: r.value.checkpoint },
        },
        this.options.seed,
      ),
    );
    return 'paid';
  }

  private async retryUnpaid(): Promise<void> {
    for (const p of [...this.unpaid].sort((a, b) => a - b)) if ((await this.payPeriod(p)) === 'failed') return;
  }

  /**
   * As a payee: compares what each payer owes this gateway for the period with what its
   * receipt's transaction paid to this gateway's address, and raises an alarm when missing or short.
   */
  async checkReceived(periodStartMs: number, receipts: ReadonlyArray<{ payer: string; digest: string }>): Promise<PaymentFinding[]> {
    const roster = this.options.inputs.roster();
    if (roster.clearingAccount || !this.ledger) return [];
    const me = roster.members.find((m) => m.gatewayId === this.gatewayId);
    if (!me) return [];
    const myAddress = addressOfPublicKey(me.publicKey);
    const owed = netObligations(this.options.inputs.results(periodStartMs, periodStartMs + this.options.config.periodMs)).filter((o) => o.payee === this.gatewayId);
    const findings: PaymentFinding[] = [];
    for (const o of owed) {
      const expectedNanos = BigInt(o.amountMinor) * BigInt(roster.rateNanosPerMinor);
      const receipt = receipts.find((r) => r.payer === o.payer);
      let receivedNanos = 0n;
      if (receipt) {
        const got = await this.ledger.received(receipt.digest, myAddress);
        if (got.ok) receivedNanos = got.value;
      }
      const code = !receipt || receivedNanos === 0n ? 'payment-missing' : receivedNanos < expectedNanos ? 'payment-short' : 'payment-ok';
      findings.push({ payer: o.payer, code, expectedNanos, receivedNanos });
      if (code !== 'payment-ok') {
        this.events?.emit('alarm', { code, severity: 'warning', message: `${o.payer} ${code === 'payment-missing' ? 'has not paid' : 'paid short'} for the period from ${new Date(periodStartMs).toISOString()}: expected ${expectedNanos} nanos, received ${receivedNanos}`, atMs: this.clock.now(), details: { payer: o.payer, periodStartMs, expectedNanos: expectedNanos.toString(), receivedNanos: receivedNanos.toString() } });
      }
    }
    return findings;
  }
}
