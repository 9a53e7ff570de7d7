// Keeps a link (socket, serial port) open: when it drops or cannot be opened, it tries again
// with back-off and jitter until it is closed on purpose. A USB adapter unplugged and plugged
// back, or a restarted Modbus TCP server, recovers without restarting the gateway.
import { EventEmitter } from 'node:events';
import { RealClock, type Clock, type TimerHandle } from '../clock/clock.js';
import { Backoff } from './backoff.js';

export interface LinkHandle {
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface LinkCallbacks {
  onData(chunk: Uint8Array): void;
  /** The link went away (error or close), once. */
  onLost(reason: string): void;
}

/** Opens the underlying link; resolves when it is usable. */
export type LinkOpener = (callbacks: LinkCallbacks) => Promise<LinkHandle>;

export interface ReconnectingLinkOptions {
  clock?: Clock;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /**
   * A check that the link's device is still there (a serial adapter's path still exists),
   * run every `checkEveryMs` while up: a pty or USB adapter that vanished does not always make
   * the open port fail, so the link drops itself and reopens once the device is back.
   */
  stillThere?: () => boolean;
  checkEveryMs?: number;
}

export class ReconnectingLink extends EventEmitter {
  private handle: LinkHandle | undefined;
  private opening: Promise<void> | undefined;
  private retryTimer: TimerHandle | undefined;
  private closedOnPurpose = false;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  reconnects = 0;
  private everConnected = false;
  private checkTimer: TimerHandle | undefined;
  lastError: string | null = null;

  constructor(
    private readonly opener: LinkOpener,
    private readonly onData: (chunk: Uint8Array) => void,
    private readonly options: ReconnectingLinkOptions = {},
  ) {
    super();
    this.clock = options.clock ?? new RealClock();
    this.backoff = new Backoff({ initialMs: options.initialDelayMs ?? 500, maxMs: options.maxDelayMs ?? 30_000, ...(options.random ? { random: options.random } : {}) });
    const check = options.stillThere;
    if (check) {
      this.on('up', () => {
        this.clock.clear(this.checkTimer);
        this.checkTimer = this.clock.setInterval(() => {
          if (this.handle && !check()) this.drop('device disappeared');
        }, options.checkEveryMs ?? 1000);
      });
      this.on('lost', () => {
        this.clock.clear(this.checkTimer);
        this.checkTimer = undefined;
      });
    }
  }

  /** Runs the device check now; drops the link when the device is gone. Returns whether it is up. */
  verify(): boolean {
    if (this.handle && this.options.stillThere && !this.options.stillThere()) this.drop('device disappeared');
    return this.handle !== undefined;
  }

  get connected(): boolean {
    return this.handle !== undefined;
  }

  open(): Promise<void> {
    this.closedOnPurpose = false;
    if (this.handle) return Promise.resolve();
    if (this.opening) return this.opening;
    this.clock.clear(this.retryTimer);
    this.retryTimer = undefined;
    let lost = false;
    const attempt = this.opener({
      onData: (chunk) => this.onData(chunk),
      onLost: (reason) => {
        if (lost) return;
        lost = true;
        const wasUp = this.handle !== undefined;
        this.handle = undefined;
        this.lastError = reason;
        if (wasUp) this.emit('lost', reason);
        this.scheduleRetry();
      },
    }).then(
      (handle) => {
        this.opening = undefined;
        if (this.closedOnPurpose || lost) {
          handle.close();
          if (lost && !this.closedOnPurpose) throw new Error(this.lastError ?? 'link lost while opening');
          return;
        }
        this.handle = handle;
        this.backoff.reset();
        if (this.everConnected) this.reconnects++;
        this.everConnected = true;
        this.emit('up');
      },
      (err: unknown) => {
        this.opening = undefined;
        this.lastError = (err as Error).message;
        this.scheduleRetry();
        throw err;
      },
    );
    this.opening = attempt;
    return attempt;
  }

  write(bytes: Uint8Array): void {
    if (!this.handle) throw new Error('link is down');
    this.handle.write(bytes);
  }

  /** Drops the current link (e.g. after a protocol error that leaves the stream unusable); it reopens by itself. */
  drop(reason: string): void {
    const h = this.handle;
    if (!h) return;
    this.handle = undefined;
    this.lastError = reason;
    h.close();
    this.emit('lost', reason);
    this.scheduleRetry();
  }

  async close(): Promise<void> {
    this.closedOnPurpose = true;
    this.clock.clear(this.checkTimer);
    this.checkTimer = undefined;
    this.clock.clear(this.retryTimer);
    this.retryTimer = undefined;
    const h = this.handle;
    this.handle = undefined;
    h?.close();
    // An open still under way is closed when it completes (see open()); it is not awaited, as it
    // may never complete (a board that never answers its handshake).
  }

  private scheduleRetry(): void {
    if (this.closedOnPurpose || this.retryTimer) return;
    const delay = this.backoff.next();
    this.emit('retry', delay);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.open().catch(() => undefined);
    }, delay);
  }
}
