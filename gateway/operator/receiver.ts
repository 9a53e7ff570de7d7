// `nabo operator`'s receiver: one MQTT 5 connection with a shared subscription, so several
// receivers split the gateways' records between them. Each record is verified, then stored in
// a batch (one durable transaction), and only after the commit is it acked to its gateway;
// a receiver that dies before the commit acks nothing and the gateway sends again.
import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { ackTopic, parseRecordsMessage, parseRecordsTopic, sharedRecordsFilter, type AckMessage } from '../uplink/wire.js';
import type { FinalityVerifier } from './finality.js';
import type { MemberDirectory } from './member-directory.js';
import type { OperatorStorage, Refusal } from './storage.js';
import { verifyIncoming, type VerifiedRecord } from './verify-record.js';

export interface ReceiverOptions {
  brokerUrl: string;
  storage: OperatorStorage;
  directory: MemberDirectory;
  finality: FinalityVerifier;
  /** Real-time clock for batching timers and timestamps. */
  clock: Clock;
  /** Shared-subscription group: receivers in one group split the load. */
  group?: string;
  clientId?: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  rejectUnauthorized?: boolean;
  /** Records stored per transaction at most. */
  maxBatch?: number;
  /** How long a record may wait for others to share its transaction. */
  batchDelayMs?: number;
  onError?: (err: Error) => void;
}

interface Pending {
  marketId: string;
  gatewayId: string;
  record: VerifiedRecord;
}

export interface ReceiverStats {
  connected: boolean;
  messages: number;
  received: number;
  stored: number;
  duplicates: number;
  refused: number;
  refusedByReason: Record<string, number>;
  storeErrors: number;
}

export class OperatorReceiver {
  private client: MqttClient | null = null;
  private queue: Pending[] = [];
  private refusals: Array<Refusal & { marketId: string }> = [];
  private flushTimer: TimerHandle | undefined;
  private flushing: Promise<void> | null = null;
  private connected = false;
  private readonly stats_: Omit<ReceiverStats, 'connected' | 'refusedByReason'> = { messages: 0, received: 0, stored: 0, duplicates: 0, refused: 0, storeErrors: 0 };
  private readonly refusedByReason: Record<string, number> = {};

  constructor(private readonly options: ReceiverOptions) {}

  stats(): ReceiverStats {
    return { connected: this.connected, ...this.stats_, refusedByReason: { ...this.refusedByReason } };
  }

  start(): Promise<void> {
    const o = this.options;
    const opts: IClientOptions = {
      protocolVersion: 5,
      clientId: o.clientId ?? `nabo-operator-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`,
      clean: true,
      reconnectPeriod: 1000,
      username: o.username,
      password: o.password,
      ca: o.caFile ? readFileSync(o.caFile) : undefined,
      cert: o.certFile ? readFileSync(o.certFile) : undefined,
      key: o.keyFile ? readFileSync(o.keyFile) : undefined,
      rejectUnauthorized: o.rejectUnauthorized ?? true,
    };
    const client = connect(o.brokerUrl, opts);
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => {
      this.connected = false;
    });
    client.on('error', (err) => o.onError?.(err));
    return new Promise((resolve, reject) => {
      const onFirstError = (err: Error): void => reject(err);
      client.once('error', onFirstError);
      client.on('connect', () => {
        client.subscribe(sharedRecordsFilter(o.group ?? 'nabo-operator'), { qos: 1 }, (err, granted) => {
          const g = granted?.[0];
          if (err || !g || g.qos > 2) {
            const e = err ?? new Error(`subscription refused by the broker (reason ${g?.qos ?? '?'})`);
            o.onError?.(e);
            reject(e);
            return;
          }
          this.connected = true;
          client.off('error', onFirstError);
          resolve();
        });
      });
    });
  }

  async stop(): Promise<void> {
    this.options.clock.clear(this.flushTimer);
    await this.flush();
    const c = this.client;
    this.client = null;
    this.connected = false;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private onMessage(topic: string, bytes: Buffer): void {
    this.stats_.messages++;
    const where = parseRecordsTopic(topic);
    if (!where) return;
    const msg = parseRecordsMessage(bytes);
    const now = this.options.clock.now();
    if (!msg.ok) {
      this.refuse({ marketId: where.marketId, gatewayId: where.gatewayId, recordId: null, reason: msg.error.kind, detail: msg.error.detail, atMs: now });
      return;
    }
    for (const item of msg.value.records) {
      this.stats_.received++;
      const v = verifyIncoming(item.record, where.gatewayId, this.options);
      if (!v.ok) {
        const id = (item.record as { payload?: { id?: unknown } } | null)?.payload?.id;
        this.refuse({ marketId: where.marketId, gatewayId: where.gatewayId, recordId: typeof id === 'string' ? id : null, reason: v.error.kind, detail: v.error.detail, atMs: now });
        continue;
      }
      this.queue.push({ marketId: where.marketId, gatewayId: where.gatewayId, record: v.value });
    }
    this.scheduleFlush();
  }

  private refuse(r: Refusal & { marketId: string }): void {
    this.stats_.refused++;
    this.refusedByReason[r.reason] = (this.refusedByReason[r.reason] ?? 0) + 1;
    this.refusals.push(r);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.queue.length >= (this.options.maxBatch ?? 500)) {
      this.options.clock.clear(this.flushTimer);
      this.flushTimer = undefined;
      void this.flush();
      return;
    }
    if (this.flushTimer) return;
    this.flushTimer = this.options.clock.setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.options.batchDelayMs ?? 5);
  }

  /** Stores what is queued, then acks it; one flush at a time, the next one picks up the rest. */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0 && this.refusals.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
    const refusals = this.refusals.splice(0);
    this.flushing = this.storeAndAck(batch, refusals).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
    if (this.queue.length > 0 || this.refusals.length > 0) this.scheduleFlush();
  }

  private async storeAndAck(batch: Pending[], refusals: Array<Refusal & { marketId: string }>): Promise<void> {
    const acks = new Map<string, AckMessage['acks']>();
    const ackFor = (marketId: string, gatewayId: string): AckMessage['acks'] => {
      const topic = ackTopic(marketId, gatewayId);
      let list = acks.get(topic);
      if (!list) acks.set(topic, (list = []));
      return list;
    };
    const conflicts: Array<Refusal & { marketId: string }> = [];
    if (batch.length > 0) {
      let outcomes;
      try {
        outcomes = await this.options.storage.insertBatch(
          batch.map((p) => p.record),
          this.options.clock.now(),
        );
      } catch (err) {
        // Nothing acked: the gateways send these again after their ack timeout.
        this.stats_.storeErrors++;
        this.options.onError?.(err as Error);
        return;
      }
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        const id = p.record.signed.payload.id;
        if (outcome === 'stored') this.stats_.stored++;
        if (outcome === 'duplicate') this.stats_.duplicates++;
        if (outcome === 'conflict') {
          conflicts.push({ marketId: p.marketId, gatewayId: p.gatewayId, recordId: id, reason: 'id-conflict', detail: 'another record is stored under this id', atMs: this.options.clock.now() });
          return;
        }
        ackFor(p.marketId, p.gatewayId).push({ id, status: outcome ?? 'stored' });
      });
    }
    for (const c of conflicts) {
      this.stats_.refused++;
      this.refusedByReason[c.reason] = (this.refusedByReason[c.reason] ?? 0) + 1;
    }
    const allRefusals = [...refusals, ...conflicts];
    if (allRefusals.length > 0) {
      await this.options.storage.noteRefusals(allRefusals).catch((err: Error) => this.options.onError?.(err));
      for (const r of allRefusals) if (r.recordId && r.gatewayId) ackFor(r.marketId, r.gatewayId).push({ id: r.recordId, status: 'refused', reason: `${r.reason}: ${r.detail}` });
    }
    const client = this.client;
    if (!client) return;
    for (const [topic, list] of acks) if (list.length > 0) client.publish(topic, JSON.stringify({ acks: list } satisfies AckMessage), { qos: 1 });
  }
}
