// An IEC 62056-21 port (optical head or CL0 loop on a serial adapter): one mode C readout at
// a time, driven by the pure session of protocols/iec62056-21. The port carries out what the
// session asks (send, change baud, wait with a bound) and goes back to the sign-on baud rate
// after every readout, as the meter does. A lost adapter is reopened like every other port.
import { existsSync } from 'node:fs';
import { createModeCSession, type IecReadout, type IecSessionAction, type ModeCSession } from '../../protocols/iec62056-21/index.js';
import { RealClock, type Clock, type TimerHandle } from '../clock/clock.js';
import { openSerialLine, type SerialLineHandle, type SerialLineOptions } from './modbus-rtu-port.js';
import { ReconnectingLink } from './reconnecting-link.js';
import { BusError } from './request-queue.js';
import { bitsPerCharacter } from '../../core/serial-timing.js';

export interface IecPortOptions extends SerialLineOptions {
  id: string;
  /** Highest baud rate the head or adapter can do; the meter's offer is capped to it. */
  maxBaud?: number;
  /** Longest silence from the meter once what we sent has left the wire (the standard allows 1.5 s). */
  silenceTimeoutMs?: number;
  clock?: Clock;
  onReject?: (kind: string, detail: string) => void;
}

interface Running {
  session: ModeCSession;
  /** Actions are carried out in order; a baud change is awaited before the next chunk is fed. */
  chain: Promise<void>;
  timer: TimerHandle | undefined;
  /** The silence allowed while waiting, re-armed by every byte that comes in. */
  waitMs: number | undefined;
  /** Bytes sent since the last wait was armed, so the wait starts when they have left the wire. */
  pendingChars: number;
  resolve(r: IecReadout): void;
  reject(e: unknown): void;
}

export class IecPort {
  readonly id: string;
  private readonly link: ReconnectingLink;
  private readonly clock: Clock;
  private line: SerialLineHandle | undefined;
  private baud: number;
  private running: Running | undefined;
  /** When the bytes written last have left the wire at the rate they went out at (clock ms). */
  private sentUntilMs = 0;
  /** Settles when the readout before (and its return to the sign-on rate) is over. */
  private previous: Promise<void> = Promise.resolve();
  /** Readouts completed, rejected (bad BCC, bad identification, …) and timed out. */
  readonly counters = { readouts: 0, rejected: 0, timeouts: 0, strayBytes: 0 };
  readonly rejectedByKind: Record<string, number> = {};

  constructor(private readonly options: IecPortOptions) {
    this.id = options.id;
    this.clock = options.clock ?? new RealClock();
    this.baud = options.baudRate;
    this.link = new ReconnectingLink(
      async (cb) => {
        // Mode C starts at 7E1 unless the config says otherwise.
        const handle = await openSerialLine({ ...options, dataBits: options.dataBits ?? 7, parity: options.parity ?? 'even' }, cb);
        this.line = handle;
        this.baud = options.baudRate;
        return handle;
      },
      (chunk) => this.onChunk(chunk),
      { clock: this.clock, stillThere: () => existsSync(options.path) },
    );
    this.link.on('lost', (reason: string) => this.finish(new BusError('transport', `${options.path}: ${reason}`)));
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get reconnects(): number {
    return this.link.reconnects;
  }

  open(): Promise<void> {
    return this.link.open();
  }

  close(): Promise<void> {
    this.finish(new BusError('closed', `${this.options.path} closed`));
    return this.link.close();
  }

  /**
   * One complete readout; rejects with a BusError ('timeout', 'protocol', 'transport'). The
   * queue keeps one on the wire; one the queue gave up on still finishes its baud reset first.
   */
  async readout(signal: AbortSignal, options: { address?: string } = {}): Promise<IecReadout> {
    const before = this.previous;
    let release: () => void = () => undefined;
    this.previous = new Promise<void>((r) => (release = r));
    await before;
    try {
      if (!this.link.verify()) {
        await this.link.open().catch((err: Error) => {
          throw new BusError('transport', `${this.options.path} not open: ${err.message}`);
        });
      }
      signal.throwIfAborted();
      await this.setBaud(this.options.baudRate);
      const silence = this.options.silenceTimeoutMs ?? 1500;
      const session = createModeCSession({
        ...(options.address !== undefined ? { address: options.address } : {}),
        ...(this.options.maxBaud !== undefined ? { maxBaud: this.options.maxBaud } : {}),
        identificationTimeoutMs: silence,
        dataTimeoutMs: silence,
      });
      const done = new Promise<IecReadout>((resolve, reject) => {
        this.running = { session, chain: Promise.resolve(), timer: undefined, waitMs: undefined, pendingChars: 0, resolve, reject };
      });
      const onAbort = (): void => this.finish(signal.reason instanceof Error ? signal.reason : new BusError('timeout', 'readout aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.enqueue(() => session.start());
      try {
        const readout = await done;
        this.counters.readouts++;
        return readout;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } finally {
      // The meter falls back to the sign-on rate after a readout or a timeout; so do we.
      await this.setBaud(this.options.baudRate).catch(() => undefined);
      release();
    }
  }

  private async setBaud(baud: number): Promise<void> {
    if (baud === this.baud || !this.line || !this.link.connected) return;
    await this.line.setBaud(baud);
    this.baud = baud;
  }

  private onChunk(chunk: Uint8Array): void {
    const run = this.running;
    if (!run) {
      // A meter still talking after we gave up, or noise: nobody asked for it.
      this.counters.strayBytes += chunk.length;
      return;
    }
    if (run.waitMs !== undefined) this.arm(run, run.waitMs);
    this.enqueue(() => run.session.receive(chunk));
  }

  /** Feeds the session in order, carrying out its actions before the next input. */
  private enqueue(step: () => IecSessionAction[]): void {
    const run = this.running;
    if (!run) return;
    run.chain = run.chain
      .then(async () => {
        if (this.running !== run) return;
        for (const action of step()) {
          if (this.running !== run) return;
          await this.act(run, action);
        }
      })
      .catch((err: unknown) => this.finish(err instanceof BusError ? err : new BusError('transport', `${this.options.path}: ${(err as Error).message}`)));
  }

  private async act(run: Running, action: IecSessionAction): Promise<void> {
    switch (action.kind) {
      case 'send':
        this.link.write(action.bytes);
        run.pendingChars += action.bytes.length;
        this.sentUntilMs = this.clock.now() + this.lineMs(action.bytes.length);
        return;
      case 'set-baud': {
        // tcdrain waits for the wire on a UART but not on a pty, whose unread bytes the switch
        // would flush: wait out the ACK's own line time too (next to nothing after a real drain).
        const wait = this.sentUntilMs - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        await this.setBaud(action.baud);
        return;
      }
      case 'await': {
        // The wait starts when our bytes have left the wire at the current rate.
        const lineMs = this.lineMs(run.pendingChars);
        run.pendingChars = 0;
        run.waitMs = action.timeoutMs;
        this.arm(run, action.timeoutMs + lineMs);
        return;
      }
      case 'done':
        this.finish(undefined, action.readout);
        return;
      case 'failed': {
        const { kind, detail } = action.error;
        if (kind === 'timeout') {
          this.counters.timeouts++;
          this.finish(new BusError('timeout', `${this.options.path}: ${detail}`));
          return;
        }
        this.counters.rejected++;
        this.rejectedByKind[kind] = (this.rejectedByKind[kind] ?? 0) + 1;
        this.options.onReject?.(kind, detail);
        this.finish(new BusError('protocol', `${kind}: ${detail}`));
        return;
      }
    }
  }

  private lineMs(chars: number): number {
    return (chars * bitsPerCharacter(this.options) * 1000) / this.baud;
  }

  private arm(run: Running, ms: number): void {
    this.clock.clear(run.timer);
    run.timer = this.clock.setTimeout(() => this.enqueue(() => run.session.timeout()), ms);
  }

  private finish(err: unknown, readout?: IecReadout): void {
    const run = this.running;
    if (!run) return;
    this.running = undefined;
    this.clock.clear(run.timer);
    if (readout) run.resolve(readout);
    else run.reject(err);
  }
}
