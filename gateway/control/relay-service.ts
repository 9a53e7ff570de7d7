// Relays for flexible loads (a water heater) as a service: every control period each relay gets
// what control wants (an injected rule, or the surplus rule of relay-decision.ts), kept inside
// its minimum on and off times and its switches per hour, and switched through johnny-five on
// the Firmata board. The board's pin state is read back each period: a relay that does not
// report its commanded state within its read-back time raises 'relay-stuck'. Stale meters put
// a relay in its fail-safe state; a held relay (`nabo control hold <relay>`) goes to its
// fail-safe state (the state the load runs in without nabo) and is left alone.
import type { TimerHandle } from '../../core/clock.js';
import type { Result } from '../../core/result.js';
import type { LatestReading } from '../acquisition/acquisition.js';
import type { Service, ServiceContext } from '../services/service.js';
import { readHolds } from './holds.js';
import { relayBoardBus, type RelayConfig } from './relay-config.js';
import { decideRelay, surplusWant, type RelayBlock, type RelayWant } from './relay-decision.js';

/** The board as the relay service uses it; gateway/bus/firmata-port.ts's FirmataPort is one. */
export interface RelayBoard {
  readonly connected: boolean;
  addRelayPin(pin: number): void;
  setRelay(pin: number, on: boolean): Result<void>;
  readRelay(pin: number): Promise<Result<boolean>>;
}

export interface RelayServiceOptions {
  relays: readonly RelayConfig[];
  /** The running acquisition's Firmata board by bus id. */
  board: (busId: string) => RelayBoard | undefined;
  latest: () => readonly LatestReading[];
  /** What control wants for a relay now; undefined keeps the state. Without it: the surplus rule. */
  want?: (atMs: number, relay: RelayConfig) => RelayWant | undefined;
  /** Default 10 s (clock time). */
  periodMs?: number;
  /** A grid reading older than this puts the relays in fail-safe (default 30 s). */
  staleAfterMs?: number;
  /** The connection's cap (main fuse or the DSO's), W: no load is switched on past it, and one on goes off. */
  connectionCapW?: number;
}

type Mode = 'auto' | 'held' | 'safe' | 'unavailable';

interface RelayState {
  config: RelayConfig;
  busId: string | undefined;
  mode: Mode;
  /** The state nabo last commanded; undefined until the board first reported the pin. */
  isOn: boolean | undefined;
  changedAtMs: number;
  switchTimesMs: number[];
  readBack: boolean | undefined;
  disagreeSinceMs: number | null;
  stuck: boolean;
  blockedBy: RelayBlock | null;
  /** Switches refused by a guard, counted by reason. */
  blocked: Record<RelayBlock, number>;
  switches: number;
  detail: string | null;
}

const HOUR_MS = 3_600_000;

export class RelayService implements Service {
  readonly name = 'relays';
  private readonly relays = new Map<string, RelayState>();
  private running: Promise<void> | undefined;
  private ctx: ServiceContext | undefined;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: RelayServiceOptions) {}

  start(ctx: ServiceContext): void {
    this.ctx = ctx;
    const startedMs = ctx.clock.now();
    for (const r of this.options.relays) {
      const busId = relayBoardBus(r, ctx.config);
      // nabo cannot know when the load last switched before it started: the minimum times count from now.
      this.relays.set(r.id, { config: r, busId, mode: 'auto', isOn: undefined, changedAtMs: startedMs, switchTimesMs: [], readBack: undefined, disagreeSinceMs: null, stuck: false, blockedBy: null, blocked: { 'min-on': 0, 'min-off': 0, 'switch-limit': 0, 'connection-cap': 0 }, switches: 0, detail: null });
    }
    if (this.relays.size === 0) return;
    this.timer = ctx.clock.setInterval(() => {
      // One round at a time: a slow board must not stack queries.
      if (this.running) return;
      this.running = this.round(ctx).finally(() => (this.running = undefined));
    }, this.options.periodMs ?? 10_000);
    ctx.status.provide('relays', () => this.status());
  }

  /** Resolves when the round under way (if any) is done: tests step the clock, then wait on it. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  status(): Array<Record<string, unknown>> {
    return [...this.relays.values()].map((r) => ({
      relayId: r.config.id,
      mode: r.mode,
      on: r.isOn ?? null,
      readBack: r.readBack ?? null,
      since: new Date(r.changedAtMs).toISOString(),
      switchesLastHour: r.switchTimesMs.length,
      switches: r.switches,
      blockedBy: r.blockedBy,
      blocked: { ...r.blocked },
      stuck: r.stuck,
      detail: r.detail,
    }));
  }

  /** One control round for every relay. */
  async round(ctx: ServiceContext): Promise<void> {
    const holds = readHolds(ctx.config.gateway.dataDir);
    if (!holds.ok) ctx.log.warn(holds.error);
    for (const r of this.relays.values()) {
      // A damaged holds file holds everything: nobody can tell what the installer meant.
      await this.steer(ctx, r, holds.ok ? r.config.id in holds.holds : true);
    }
  }

  private async steer(ctx: ServiceContext, r: RelayState, held: boolean): Promise<void> {
    const now = ctx.clock.now();
    const board = r.busId ? this.options.board(r.busId) : undefined;
    if (!board || !board.connected) {
      r.mode = 'unavailable';
      r.detail = r.busId ? `board '${r.busId}' is not connected` : `'${r.config.device}' is not a Firmata board`;
      // A board that comes back has reset its outputs: judge the read-back afresh then.
      r.disagreeSinceMs = null;
      return;
    }
    // Every round, so a board the acquisition built after this service started gets its relays too.
    board.addRelayPin(r.config.pin);
    r.switchTimesMs = r.switchTimesMs.filter((t) => now - t < HOUR_MS);
    const read = await board.readRelay(r.config.pin);
    if (!read.ok) {
      r.detail = `read-back failed: ${read.error.detail}`;
      return;
    }
    r.readBack = read.value;
    // The first time the board answers, nabo takes over from the state the relay is in.
    r.isOn ??= read.value;
    this.checkReadBack(ctx, r, board, now);

    const failSafe: RelayWant = r.config.failSafe;
    let want: RelayWant | undefined;
    let gridW: number | undefined;
    if (held) {
      this.enter(ctx, r, 'held', 'held by an installer or owner (nabo control hold): left in its fail-safe state');
      want = failSafe;
    } else {
      const grid = this.gridReading(ctx);
      const staleAfterMs = this.options.staleAfterMs ?? 30_000;
      gridW = grid?.values.powerW;
      if (!grid || gridW === undefined || now - grid.atMs > staleAfterMs) {
        gridW = undefined;
        this.enter(ctx, r, 'safe', `measurements are stale or missing: relay goes to its fail-safe state (${failSafe})`);
        want = failSafe;
      } else {
        this.enter(ctx, r, 'auto', null);
        want = this.options.want ? this.options.want(now, r.config) : surplusWant(gridW, r.isOn, r.config.loadW);
      }
    }
    const decision = decideRelay({
      relay: r.config,
      nowMs: now,
      isOn: r.isOn,
      changedAtMs: r.changedAtMs,
      switchTimesMs: r.switchTimesMs,
      want,
      ...(gridW !== undefined ? { gridW } : {}),
      ...(this.options.connectionCapW !== undefined ? { connectionCapW: this.options.connectionCapW } : {}),
    });
    if ('stay' in decision) {
      r.blockedBy = decision.blockedBy ?? null;
      if (decision.blockedBy) r.blocked[decision.blockedBy]++;
      return;
    }
    const wrote = board.setRelay(r.config.pin, decision.switchTo);
    if (!wrote.ok) {
      r.detail = `switch failed: ${wrote.error.detail}`;
      return;
    }
    r.isOn = decision.switchTo;
    r.changedAtMs = now;
    r.switchTimesMs.push(now);
    r.switches++;
    r.blockedBy = null;
    ctx.log.info({ relayId: r.config.id, on: r.isOn }, `relay ${r.config.id} switched ${r.isOn ? 'on' : 'off'}`);
  }

  /**
   * The board must drive the pin as commanded. A pin that disagrees is written again (a board
   * that reset drops its outputs); one that still disagrees after the read-back time is stuck.
   */
  private checkReadBack(ctx: ServiceContext, r: RelayState, board: RelayBoard, now: number): void {
    if (r.readBack === r.isOn) {
      r.disagreeSinceMs = null;
      if (r.stuck) {
        r.stuck = false;
        ctx.events.emit('alarm', { code: 'relay-stuck', severity: 'info', message: `${r.config.id} follows its command again`, atMs: now, deviceId: r.config.id, cleared: true });
      }
      return;
    }
    // Disagreement counts from the command when it is the newest thing that happened.
    r.disagreeSinceMs ??= Math.max(r.changedAtMs, now - (this.options.periodMs ?? 10_000));
    board.setRelay(r.config.pin, r.isOn === true);
    if (!r.stuck && now - r.disagreeSinceMs >= r.config.readBackTimeoutMs) {
      r.stuck = true;
      ctx.events.emit('alarm', {
        code: 'relay-stuck',
        severity: 'warning',
        message: `${r.config.id} (pin ${r.config.pin} of ${r.busId}) reads ${r.readBack ? 'on' : 'off'} but was switched ${r.isOn ? 'on' : 'off'} at ${new Date(r.changedAtMs).toISOString()}`,
        atMs: now,
        deviceId: r.config.id,
        details: { pin: r.config.pin, commandedOn: r.isOn, readBackOn: r.readBack },
      });
    }
  }

  private enter(ctx: ServiceContext, r: RelayState, mode: Mode, why: string | null): void {
    if (r.mode === mode) return;
    if (mode === 'safe') ctx.events.emit('alarm', { code: 'control-safe-mode', severity: 'warning', message: `${r.config.id}: ${why}`, atMs: ctx.clock.now(), deviceId: r.config.id });
    if (why) ctx.log.warn({ relayId: r.config.id }, why);
    r.mode = mode;
    r.detail = why;
  }

  private gridReading(ctx: ServiceContext): LatestReading | undefined {
    const gridId = ctx.config.devices.find((d) => d.role === 'grid-meter')?.id;
    return gridId === undefined ? undefined : this.options.latest().find((x) => x.deviceId === gridId);
  }

  async stop(): Promise<void> {
    this.ctx?.clock.clear(this.timer);
    this.timer = undefined;
    await this.running;
    // Leave every relay in its fail-safe state: nabo no longer watches the load.
    for (const r of this.relays.values()) {
      const board = r.busId ? this.options.board(r.busId) : undefined;
      if (board?.connected && r.isOn !== undefined && r.isOn !== (r.config.failSafe === 'on')) {
        const wrote = board.setRelay(r.config.pin, r.config.failSafe === 'on');
        if (!wrote.ok) this.ctx?.log.warn({ relayId: r.config.id }, `could not leave the relay in its fail-safe state: ${wrote.error.detail}`);
      }
    }
    this.relays.clear();
  }
}
