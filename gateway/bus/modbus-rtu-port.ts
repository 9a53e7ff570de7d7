// A Modbus RTU line on a serial port (RS-485 adapter). Several unit ids share it; the bus's
// request queue keeps one request on the wire. The answer's end is found from its length
// (protocols/modbus), and 3.5 character times of silence are kept before every request.
// serialport 13 with our own framing instead of modbus-serial's RTU client, so CRC errors and
// stray bytes are counted by kind, and a lost adapter is reopened by the bus's own policy.
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { decodeRtuResponse, encodeRtuRequest, rtuResponseFrameLength } from '../../protocols/modbus/rtu.js';
import type { ModbusRequest, ModbusResponse } from '../../protocols/modbus/pdu.js';
import { RealClock, type Clock } from '../clock/clock.js';
import type { ModbusPort } from './modbus-port.js';
import { ReconnectingLink, type LinkCallbacks, type LinkHandle } from './reconnecting-link.js';
import { BusError } from './request-queue.js';
import { StreamPort } from './stream-port.js';
import { charTimeMs, rtuSilenceMs } from '../../core/serial-timing.js';

export interface SerialLineOptions {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

export interface ModbusRtuPortOptions extends SerialLineOptions {
  id: string;
  /** Extra silence between frames on top of 3.5 characters (slow devices). */
  interFrameDelayMs?: number;
  clock?: Clock;
  onReject?: (kind: string, detail: string) => void;
}

/** 3.5 character times (core/serial-timing) for this line. */
export function silenceMs(line: SerialLineOptions): number {
  return rtuSilenceMs(line.baudRate, charTimeMs(line));
}

/** Silences are real time on a real line, whatever clock the polls run on. */
const REAL_TIME = new RealClock();

/** An open serial line; its baud rate can change while open (IEC 62056-21 mode C switches after the ACK). */
export interface SerialLineHandle extends LinkHandle {
  setBaud(baudRate: number): Promise<void>;
}

export function openSerialLine(line: SerialLineOptions, cb: LinkCallbacks): Promise<SerialLineHandle> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({
      path: line.path,
      baudRate: line.baudRate,
      dataBits: line.dataBits ?? 8,
      parity: line.parity ?? 'none',
      stopBits: line.stopBits ?? 1,
      autoOpen: false,
    });
    port.on('data', (d: Buffer) => cb.onData(d));
    port.on('error', (err) => cb.onLost(err.message));
    port.on('close', () => cb.onLost('port closed'));
    port.open((err) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({
        write: (b) => {
          port.write(Buffer.from(b));
        },
        close: () => {
          if (port.isOpen) port.close(() => undefined);
        },
        // Drain first: what was written must leave at the old rate. The binding's update flushes
        // both queues, so a byte the far side sent before the switch is lost (meters wait ≥ 200 ms).
        setBaud: (baudRate) =>
          new Promise<void>((resolve2, reject2) => {
            if (!port.isOpen) {
              reject2(new Error('port closed'));
              return;
            }
            port.drain((e) => (e ? reject2(e) : port.update({ baudRate }, (e2) => (e2 ? reject2(e2) : resolve2()))));
          }),
      });
    });
  });
}

export class ModbusRtuPort extends StreamPort implements ModbusPort {
  readonly id: string;
  readonly interFrameMs: number;
  protected readonly link: ReconnectingLink;
  private readonly clock: Clock;
  private lastTrafficMs = 0;

  constructor(private readonly options: ModbusRtuPortOptions) {
    super(options.onReject);
    this.id = options.id;
    this.clock = options.clock ?? new RealClock();
    this.interFrameMs = silenceMs(options) + (options.interFrameDelayMs ?? 0);
    this.link = new ReconnectingLink(
      (cb) => openSerialLine(options, cb),
      (chunk) => {
        this.lastTrafficMs = performance.now();
        this.stream.onData(chunk);
      },
      { clock: this.clock, stillThere: () => existsSync(options.path) },
    );
    this.link.on('lost', (reason: string) => this.stream.fail(new BusError('transport', `${options.path}: ${reason}`)));
  }

  async exchange(unitId: number, request: ModbusRequest, signal: AbortSignal): Promise<ModbusResponse> {
    await this.ensureOpen(this.options.path);
    // Keep the line silent for 3.5 characters since the last byte seen (ours or theirs).
    const wait = this.lastTrafficMs + this.interFrameMs - performance.now();
    if (wait > 0) await REAL_TIME.sleep(wait, signal);
    const frame = encodeRtuRequest(unitId, request);
    const write = (): void => {
      this.link.write(frame);
      this.lastTrafficMs = performance.now();
    };
    // On a serial line garbage is noise: the next request starts a clean frame anyway.
    const answer = await this.send(write, rtuResponseFrameLength, signal, false);
    return this.accept(decodeRtuResponse(answer, { unitId, request })).response;
  }
}
