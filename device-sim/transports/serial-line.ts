// The device's end of a serial line: a socat pty pair with the device end opened through
// serialport (as the gateway opens real ports), plus line arithmetic (character times) and the
// garbage fault, which any serial device can show.
import { SerialPort } from 'serialport';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { FaultSwitch } from '../devices/faults.js';
import { openPtyPair, type OpenPtyPairOptions, type PtyPair } from './pty-pair.js';
import { charTimeMs, rtuSilenceMs } from '../../core/serial-timing.js';

export type Parity = 'none' | 'even' | 'odd';

export interface LineSettings {
  baudRate: number;
  parity?: Parity;
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
}

/** Modbus RTU inter-frame silence on this line (core/serial-timing). */
export function lineSilenceMs(s: LineSettings): number {
  return rtuSilenceMs(s.baudRate, charTimeMs(s));
}

export interface PtyLineOptions extends LineSettings {
  pty?: OpenPtyPairOptions;
}

/** A device on one end of a pty pair; the client gets `clientPath`. */
export class PtyLine {
  /** Errors the port reported (a write after the pty went away, …), the last one kept. */
  errors = 0;
  lastError: Error | undefined;

  private constructor(
    readonly pair: PtyPair,
    private readonly port: SerialPort,
    readonly settings: LineSettings,
  ) {
    // A device outlives its clients; a port error is counted, never an uncaught exception.
    port.on('error', (err: Error) => {
      this.errors++;
      this.lastError = err;
    });
  }

  static async open(options: PtyLineOptions): Promise<PtyLine> {
    const pair = await openPtyPair(options.pty);
    try {
      const port = await new Promise<SerialPort>((resolve, reject) => {
        const p: SerialPort = new SerialPort(
          {
            path: pair.devicePath,
            baudRate: options.baudRate,
            parity: options.parity ?? 'none',
            dataBits: options.dataBits ?? 8,
            stopBits: options.stopBits ?? 1,
          },
          (err) => (err ? reject(err) : resolve(p)),
        );
      });
      if (!pair.alive()) {
        // socat died before we opened its pty, whose number may already be someone else's.
        await new Promise<void>((resolve) => port.close(() => resolve()));
        throw new Error(`socat for ${pair.clientPath} exited before the device opened its end`);
      }
      return new PtyLine(pair, port, options);
    } catch (err) {
      await pair.close();
      throw err;
    }
  }

  get clientPath(): string {
    return this.pair.clientPath;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.port.on('data', listener);
  }

  write(bytes: Uint8Array): void {
    if (this.port.isOpen) this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }
}

/** A small seeded generator, so garbage bursts repeat from run to run. */
export function seededBytes(seedText: string): (n: number) => Uint8Array {
  let s = 2166136261;
  for (let i = 0; i < seedText.length; i++) s = Math.imul(s ^ seedText.charCodeAt(i), 16777619) >>> 0;
  if (s === 0) s = 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

/**
 * Writes bursts of random bytes on a line while any of the given devices has the garbage fault
 * set, skipping a burst while the line is busy with a frame (`isIdle`).
 */
export class GarbageInjector {
  private timer: TimerHandle | undefined;
  private everyMs = 0;
  private readonly random: (n: number) => Uint8Array;
  bursts = 0;

  constructor(
    private readonly clock: Clock,
    private readonly faults: () => Iterable<FaultSwitch>,
    private readonly write: (bytes: Uint8Array) => void,
    private readonly isIdle: () => boolean = () => true,
    seed = 'garbage',
  ) {
    this.random = seededBytes(seed);
  }

  /** Call when a fault changed; (re)arms or stops the bursts. */
  update(): void {
    let fault: { bytes: number; everyMs: number } | undefined;
    for (const f of this.faults()) fault = f.get('garbage') ?? fault;
    if (!fault) {
      this.clock.clear(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer && fault.everyMs === this.everyMs) return;
    this.clock.clear(this.timer);
    this.everyMs = fault.everyMs;
    this.timer = this.clock.setInterval(() => this.burst(), fault.everyMs);
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
  }

  private burst(): void {
    let bytes = 0;
    for (const f of this.faults()) bytes = Math.max(bytes, f.get('garbage')?.bytes ?? 0);
    if (bytes === 0 || !this.isIdle()) return;
    this.bursts++;
    this.write(this.random(bytes));
  }
}
