// An IEC 62056-21 meter answering mode C readouts on a pty: '/?address!' → identification,
// ACK V Z Y → the data message (STX … ETX BCC) built by protocols/iec62056-21 from the truth.
// Between requests it is silent; it forgets a half-done sign-on after a while, as meters do.
// A pty has no real baud rate: the switch to Z is tracked, not carried out on the wire.
import type { TimerHandle } from '../../core/clock.js';
import { dataSetsFromValues, decodeAckOptionSelect, decodeSignOnRequest, encodeIdentification, encodeIecReadout } from '../../protocols/iec62056-21/index.js';
import type { QuantityValues } from '../../core/quantities.js';
import type { OpenPtyPairOptions } from '../transports/pty-pair.js';
import { charTimeMs } from '../../core/serial-timing.js';
import { GarbageInjector, PtyLine } from '../transports/serial-line.js';
import { FaultSwitch, ReportedValues } from './faults.js';
import type { DeviceContext, DeviceIdentity } from './simulated-device.js';

export interface IecMeterOptions {
  /** Mode C baud character offered in the identification ('5' = 9600). */
  baudChar?: string;
  /** Answer only '/?address!' with this address (and '/?!'). */
  address?: string;
  /** Time before answering a request or ACK (the standard asks 200 ms–1.5 s; tests use less). */
  reactionMs?: number;
  /**
   * Wait after the ACK before the data message: the client switches its baud rate meanwhile
   * (and a serialport baud change flushes its input). The standard's minimum, 200 ms, by default.
   */
  switchMs?: number;
  /** How long the meter waits for the ACK before it forgets the sign-on. */
  ackTimeoutMs?: number;
  pty?: OpenPtyPairOptions;
}

/** Where the simulated meter can be reached; the sign-on line is 300 baud 7E1. */
export interface IecEndpoint {
  transport: 'iec62056-21';
  path: string;
  baudRate: 300;
  dataBits: 7;
  parity: 'even';
}

type MeterState = 'idle' | 'ack-wait';

/** The data message with its BCC changed (the crc-error fault). */
function corruptBcc(message: Uint8Array): Uint8Array {
  const out = Uint8Array.from(message);
  out[out.length - 1] = (out[out.length - 1] as number) ^ 0x55;
  return out;
}

export class IecMeter {
  readonly identity: DeviceIdentity;
  readonly faults = new FaultSwitch();
  private readonly reported: ReportedValues;
  private readonly garbage: GarbageInjector;
  private state: MeterState = 'idle';
  private input = '';
  private ackTimer: TimerHandle | undefined;
  private readonly replies = new Set<TimerHandle>();
  /** Baud rate agreed in the last ACK (what a real meter would switch to). */
  agreedBaud = 300;
  requestsSeen = 0;
  readoutsSent = 0;

  private constructor(
    private readonly ctx: DeviceContext,
    private readonly line: PtyLine,
    private readonly options: IecMeterOptions,
  ) {
    this.identity = ctx.identity;
    this.reported = new ReportedValues(ctx.truth, this.faults);
    this.garbage = new GarbageInjector(ctx.clock, () => [this.faults], (b) => line.write(b), () => this.state === 'idle', ctx.identity.deviceId);
    this.faults.onChange(() => this.garbage.update());
    line.onData((chunk) => this.onData(chunk));
  }

  static async open(ctx: DeviceContext, options: IecMeterOptions = {}): Promise<IecMeter> {
    const line = await PtyLine.open({ baudRate: 300, dataBits: 7, parity: 'even', ...(options.pty ? { pty: options.pty } : {}) });
    return new IecMeter(ctx, line, options);
  }

  get clientPath(): string {
    return this.line.clientPath;
  }

  endpoint(): IecEndpoint {
    return { transport: 'iec62056-21', path: this.clientPath, baudRate: 300, dataBits: 7, parity: 'even' };
  }

  reportedValues(): QuantityValues {
    return this.reported.read();
  }

  /** FLAG id from the manufacturer's letters, model cut to the 32 characters an identification holds. */
  private identificationFields(): { manufacturerId: string; baudChar: string; identification: string } {
    const letters = (this.identity.manufacturer ?? '').replace(/[^A-Za-z]/g, '');
    return {
      manufacturerId: letters.length >= 3 ? letters.slice(0, 3).toUpperCase() : 'NAB',
      baudChar: this.options.baudChar ?? '5',
      identification: this.identity.model.replace(/[^\x20-\x7e]/g, '').slice(0, 32),
    };
  }

  private identificationLine(): string {
    return encodeIdentification(this.identificationFields());
  }

  private onData(chunk: Buffer): void {
    this.input += chunk.toString('latin1');
    for (;;) {
      const nl = this.input.indexOf('\n');
      if (nl < 0) break;
      const line = this.input.slice(0, nl + 1);
      this.input = this.input.slice(nl + 1);
      this.onLine(line);
    }
    if (this.input.length > 256) this.input = this.input.slice(-256); // noise without line ends
  }

  private onLine(raw: string): void {
    // A request may follow noise on the same line: take it from its '/?'.
    const start = raw.lastIndexOf('/?');
    const request = start >= 0 ? decodeSignOnRequest(raw.slice(start)) : undefined;
    if (request?.ok) {
      const addr = request.value.deviceAddress;
      if (addr !== undefined && addr !== this.options.address) return;
      this.requestsSeen++;
      if (this.faults.has('no-answer')) return;
      this.reply(this.identificationLine(), () => {
        this.state = 'ack-wait';
        this.ctx.clock.clear(this.ackTimer);
        this.ackTimer = this.ctx.clock.setTimeout(() => (this.state = 'idle'), this.options.ackTimeoutMs ?? 2000);
      });
      return;
    }
    if (this.state !== 'ack-wait') return;
    const ack = decodeAckOptionSelect(raw.slice(Math.max(0, raw.lastIndexOf('\x06'))));
    if (!ack.ok || ack.value.modeChar !== '0') return;
    this.state = 'idle';
    this.ctx.clock.clear(this.ackTimer);
    const z = Number(ack.value.baudChar);
    this.agreedBaud = [300, 600, 1200, 2400, 4800, 9600, 19200][z] ?? 300;
    const id = this.identificationLine();
    const whole = encodeIecReadout({
      identification: this.identificationFields(),
      dataSets: dataSetsFromValues(this.reported.read(), this.identity.meterId),
    });
    // The identification went out already; the data message is what follows it.
    let message: Uint8Array = whole.slice(id.length);
    if (this.faults.has('crc-error')) message = corruptBcc(message);
    // A pty delivers the ACK at once; on a wire its last bit comes a line time after the first.
    const ackLineMs = raw.length * charTimeMs(this.line.settings);
    this.reply(message, () => this.readoutsSent++, ackLineMs + Math.max(this.options.switchMs ?? 200, this.options.reactionMs ?? 200));
  }

  private reply(bytes: string | Uint8Array, after: () => void, reactionMs = this.options.reactionMs ?? 200): void {
    const delay = reactionMs + (this.faults.get('late-answer')?.delayMs ?? 0);
    const handle = this.ctx.clock.setTimeout(() => {
      this.replies.delete(handle);
      this.line.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
      after();
    }, delay);
    this.replies.add(handle);
  }

  async close(): Promise<void> {
    this.ctx.clock.clear(this.ackTimer);
    for (const h of this.replies) this.ctx.clock.clear(h);
    this.replies.clear();
    this.garbage.stop();
    await this.line.close();
  }
}
