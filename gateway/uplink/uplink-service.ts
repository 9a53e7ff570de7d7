// The uplink: sends the outbox to the operator's broker over its own MQTT 5 connection. A
// record is delivered only when the operator says it stored it (an application ack on
// .../ack), never on the broker's PUBACK, because a broker that accepted a message can still
// lose it before the operator's database has it. Records go out in seq order with a bounded
// window in flight; unacked ones are resent after a timeout and after every reconnect, and
// reconnects back off with jitter so a fleet coming back after an outage does not stampede.
import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { Backoff } from '../bus/backoff.js';
import { RealClock } from '../clock/clock.js';
import type { EventBus } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { Store } from '../store/store.js';
import type { UplinkConfig } from './config.js';
import { OutboxState } from './outbox-state.js';
import { isRecordKind } from './record.js';
import { ackTopic, parseAckMessage, recordsTopic } from './wire.js';

export interface UplinkServiceOptions {
  config: UplinkConfig;
  /** Defaults to the config's gateway.id; it is also the MQTT username unless the config names one. */
  gatewayId?: string;
  /** Timers for I/O (ack timeouts, back-off, polling) run on real time even in a simulated day. */
  ioClock?: Clock;
  /** How often to look for newly enqueued records (ms of ioClock). */
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
  random?: () => number;
}

interface InFlight {
  seq: number;
  sentMs: number;
}

export interface UplinkStatus {
  connected: boolean;
  backlog: { count: number; oldestMs: number | null; oldestAt: string | null };
  inFlight: number;
  sent: number;
  resent: number;
  delivered: number;
  refused: number;
  refusedByReason: Record<string, number>;
  storeErrors: number;
  reconnects: number;
  lastError: string | null;
}

export class UplinkService implements Service {
  readonly name = 'uplink';
  private client: MqttClient | null = null;
  private ctxClock!: Clock;
  private ioClock: Clock;
  private log: Logger | null = null;
  private store!: Store;
  private state!: OutboxState;
  private gatewayId = '';
  private readonly inFlight = new Map<string, InFlight>();
  private lastSentSeq = 0;
  private connected = false;
  private stopped = true;
  private timers: TimerHandle[] = [];
  private reconnectTimer: TimerHandle | undefined;
  private readonly backoff: Backoff;
  private readonly counters = { sent: 0, resent: 0, delivered: 0, refused: 0, reconnects: 0 };
  private readonly refusedByReason: Record<string, number> = {};
  private lastError: string | null = null;
  private pumping = false;
  private events: EventBus | null = null;
  private storeErrors = 0;
  private storeAlarmRaised = false;
  /** Resolvers waiting for the backlog to reach zero (tests, shutdown drains). */
  private drainWaiters: Array<() => void> = [];
  private readonly deliveredListeners = new Set<(count: number) => void>();

  constructor(private readonly options: UplinkServiceOptions) {
    this.ioClock = options.ioClock ?? new RealClock();
    this.backoff = new Backoff({ initialMs: options.config.reconnectMinMs, maxMs: options.config.reconnectMaxMs, jitter: 1, random: options.random });
  }

  start(ctx: Pick<ServiceContext, 'clock' | 'store' | 'status' | 'log'> & { config?: ServiceContext['config']; events?: EventBus }): void {
    this.events = ctx.events ?? null;
    this.ctxClock = ctx.clock;
    this.store = ctx.store;
    this.log = ctx.log;
    this.state = new OutboxState(ctx.store.db);
    this.gatewayId = this.options.gatewayId ?? ctx.config?.gateway.id ?? '';
    if (!this.gatewayId) throw new Error('uplink: no gateway id (config gateway.id)');
    this.stopped = false;
    ctx.status.provide(this.name, () => this.status());
    const { ackTimeoutMs } = this.options.config;
    this.timers.push(this.ioClock.setInterval(() => this.guarded(() => this.resendExpired()), Math.max(50, Math.floor(ackTimeoutMs / 4))));
    this.timers.push(this.ioClock.setInterval(() => this.guarded(() => this.pump()), this.options.pollMs ?? 500));
    this.connectNow();
  }

  /** Call after enqueueing to send without waiting for the next poll. */
  kick(): void {
    this.guarded(() => this.pump());
  }

  /**
   * Runs store work; a store error (a full disk, an I/O error) is counted and raised as an alarm
   * once, never thrown into a timer or the MQTT client. Unacked records stay pending and are
   * sent again, so nothing is lost; the alarm clears on the next store write that succeeds.
   */
  private guarded(fn: () => void): void {
    try {
      fn();
      if (this.storeAlarmRaised) {
        this.storeAlarmRaised = false;
        this.events?.emit('alarm', { code: 'uplink-store-error', severity: 'critical', message: 'the uplink writes to the store again', atMs: this.ctxClock.now(), cleared: true });
      }
    } catch (err) {
      this.storeErrors++;
      this.lastError = `store: ${(err as Error).message}`;
      this.log?.error({ err: (err as Error).message }, 'uplink: store write failed; records stay pending');
      if (!this.storeAlarmRaised) {
        this.storeAlarmRaised = true;
        this.events?.emit('alarm', { code: 'uplink-store-error', severity: 'critical', message: `the uplink cannot write to the store: ${(err as Error).message}`, atMs: this.ctxClock.now(), details: { code: (err as { code?: string }).code } });
      }
    }
  }

  status(): UplinkStatus {
    const backlog = this.state.backlog();
    return {
      connected: this.connected,
      backlog: { count: backlog.count, oldestMs: backlog.oldestMs, oldestAt: backlog.oldestMs === null ? null : new Date(backlog.oldestMs).toISOString() },
      inFlight: this.inFlight.size,
      ...this.counters,
      refusedByReason: { ...this.refusedByReason },
      storeErrors: this.storeErrors,
      lastError: this.lastError,
    };
  }

  /** Called after each ack message with the number of records it settled; returns the unsubscribe. */
  onDelivered(listener: (count: number) => void): () => void {
    this.deliveredListeners.add(listener);
    return () => this.deliveredListeners.delete(listener);
  }

  /** Resolves when nothing is pending (or after timeoutMs of real time, rejecting). */
  drained(timeoutMs: number): Promise<void> {
    if (this.state.backlog().count === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.ioClock.setTimeout(() => reject(new Error(`uplink: backlog of ${this.state.backlog().count} not drained in ${timeoutMs} ms`)), timeoutMs);
      this.drainWaiters.push(() => {
        this.ioClock.clear(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.ioClock.clear(t);
    this.timers = [];
    this.ioClock.clear(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    this.connected = false;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private clientOptions(): IClientOptions {
    const { config, env = process.env } = { config: this.options.config, env: this.options.env };
    const password = env[config.passwordEnv];
    return {
      protocolVersion: 5,
      // mqtt-packet's default pre-allocates 65 536 Buffers for packet ids (~8 MB of a 100 MB budget; bench:gateway).
      writeCache: false,
      clientId: `nabo-uplink-${this.gatewayId}`,
      clean: true,
      // We reconnect ourselves, with back-off and jitter.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      username: config.username ?? this.gatewayId,
      password: password === undefined ? undefined : password,
      ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
      cert: config.tls.certFile ? readFileSync(config.tls.certFile) : undefined,
      key: config.tls.keyFile ? readFileSync(config.tls.keyFile) : undefined,
      rejectUnauthorized: config.tls.rejectUnauthorized,
    };
  }

  private connectNow(): void {
    if (this.stopped) return;
    let client: MqttClient;
    try {
      client = connect(this.options.config.brokerUrl, this.clientOptions());
    } catch (err) {
      this.lastError = (err as Error).message;
      this.scheduleReconnect();
      return;
    }
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      client.subscribe(ackTopic(this.options.config.marketId, this.gatewayId), { qos: 1 }, (err) => {
        if (err) {
          this.lastError = `subscribe: ${err.message}`;
          client.end(true);
          return;
        }
        this.connected = true;
        this.backoff.reset();
        // Whatever was in flight on the old connection is sent again, from the oldest.
        this.inFlight.clear();
        this.lastSentSeq = 0;
        this.log?.info({ broker: this.options.config.brokerUrl }, 'uplink connected');
        this.guarded(() => this.pump());
      });
    });
    client.on('message', (_topic, payload) => this.guarded(() => this.onAck(payload)));
    client.on('error', (err) => {
      this.lastError = err.message;
      this.log?.warn({ err: err.message }, 'uplink connection error');
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.connected = false;
      this.client = null;
      client.removeAllListeners('message');
      client.end(true);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.ioClock.clear(this.reconnectTimer);
    const waitMs = this.backoff.next();
    this.counters.reconnects++;
    this.reconnectTimer = this.ioClock.setTimeout(() => this.connectNow(), waitMs);
  }

  private pump(): void {
    if (!this.connected || !this.client || this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      const client = this.client;
      const room = this.options.config.window - this.inFlight.size;
      if (room <= 0) return;
      const batch = this.store.outbox.pending(room, this.lastSentSeq);
      const topic = recordsTopic(this.options.config.marketId, this.gatewayId);
      const now = this.ioClock.now();
      const sent: string[] = [];
      for (const r of batch) {
        this.lastSentSeq = r.seq;
        // Other outbox entries (e.g. orders for the block broker) are not ours to send.
        if (!isRecordKind(r.kind) || this.inFlight.has(r.id)) continue;
        if (!r.payload.startsWith('{')) {
          this.state.refuse(r.id, 'local: the outbox entry is not a signed record', this.ctxClock.now());
          continue;
        }
        this.inFlight.set(r.id, { seq: r.seq, sentMs: now });
        this.publish(client, topic, r.seq, r.payload);
        this.counters.sent++;
        sent.push(r.id);
      }
      if (sent.length > 0) this.state.markAttempts(sent);
    } finally {
      this.pumping = false;
    }
    this.checkDrained();
  }

  private publish(client: MqttClient, topic: string, seq: number, envelopeText: string): void {
    // The outbox holds canonical JSON of the envelope, so it is spliced in as is.
    client.publish(topic, `{"records":[{"seq":${seq},"record":${envelopeText}}]}`, { qos: 1 }, (err) => {
      if (err) this.lastError = `publish: ${err.message}`;
    });
  }

  private resendExpired(): void {
    if (!this.connected || !this.client) return;
    const now = this.ioClock.now();
    const expired = [...this.inFlight.entries()].filter(([, f]) => now - f.sentMs >= this.options.config.ackTimeoutMs).sort((a, b) => a[1].seq - b[1].seq);
    if (expired.length === 0) return;
    const rows = this.state.payloads(expired.map(([id]) => id));
    const topic = recordsTopic(this.options.config.marketId, this.gatewayId);
    for (const [id, f] of expired) {
      const row = rows.get(id);
      if (!row || row.ackedMs !== null) {
        this.inFlight.delete(id);
        continue;
      }
      f.sentMs = now;
      this.publish(this.client, topic, f.seq, row.payload);
      this.counters.resent++;
    }
  }

  private onAck(bytes: Buffer): void {
    const parsed = parseAckMessage(bytes);
    if (!parsed.ok) {
      this.log?.warn({ reason: parsed.error.kind, detail: parsed.error.detail }, 'uplink: unreadable ack ignored');
      return;
    }
    const delivered: string[] = [];
    const refused: Array<{ id: string; reason: string }> = [];
    for (const a of parsed.value.acks) {
      if (a.status === 'refused') refused.push({ id: a.id, reason: a.reason ?? 'unspecified' });
      else delivered.push(a.id);
    }
    const nowMs = this.ctxClock.now();
    if (delivered.length > 0) this.counters.delivered += this.state.ack(delivered, nowMs);
    // Only once the ack is written does a record leave the window; if the write fails it stays
    // in flight, is resent after the timeout, and the operator's `duplicate` gives another try.
    for (const id of delivered) this.inFlight.delete(id);
    for (const r of refused) {
      const settled = this.state.refuse(r.id, r.reason, nowMs);
      this.inFlight.delete(r.id);
      if (settled) {
        this.counters.refused++;
        const reason = r.reason.split(':')[0] ?? r.reason;
        this.refusedByReason[reason] = (this.refusedByReason[reason] ?? 0) + 1;
        this.log?.error({ id: r.id, reason: r.reason }, 'operator refused a record');
      }
    }
    for (const l of this.deliveredListeners) l(delivered.length + refused.length);
    this.pump();
  }

  private checkDrained(): void {
    if (this.drainWaiters.length === 0 || this.state.backlog().count > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
