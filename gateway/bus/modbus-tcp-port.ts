// A Modbus TCP endpoint (MBAP), or a serial gateway that carries RTU frames over TCP. Our own
// client on node:net rather than modbus-serial's, so every rejected frame is counted by its
// kind (protocols/modbus) and the reconnect policy is the bus's, not the library's.
import { Socket } from 'node:net';
import { decodeMbapResponse, encodeMbapRequest, mbapFrameLength } from '../../protocols/modbus/mbap.js';
import { decodeRtuResponse, encodeRtuRequest, rtuResponseFrameLength } from '../../protocols/modbus/rtu.js';
import type { ModbusRequest, ModbusResponse } from '../../protocols/modbus/pdu.js';
import { RealClock, type Clock } from '../clock/clock.js';
import type { ModbusPort } from './modbus-port.js';
import { ReconnectingLink, type LinkCallbacks, type LinkHandle } from './reconnecting-link.js';
import { BusError } from './request-queue.js';
import { StreamExchange } from './stream-exchange.js';

export interface ModbusTcpPortOptions {
  id: string;
  host: string;
  port: number;
  rtuOverTcp?: boolean;
  connectTimeoutMs?: number;
  clock?: Clock;
  /** Counts rejected answers by kind (crc, length-mismatch, …). */
  onReject?: (kind: string, detail: string) => void;
}

function openSocket(host: string, port: number, timeoutMs: number, clock: Clock, cb: LinkCallbacks): Promise<LinkHandle> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setNoDelay(true);
    let settled = false;
    const timer = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      clock.clear(timer);
      socket.setKeepAlive(true, 10_000);
      resolve({ write: (b) => socket.write(b), close: () => socket.destroy() });
    });
    socket.on('data', (d: Buffer) => cb.onData(d));
    socket.on('error', (err) => {
      if (!settled) {
        settled = true;
        clock.clear(timer);
        reject(err);
      }
      cb.onLost(err.message);
    });
    socket.on('close', () => cb.onLost('connection closed'));
    socket.connect(port, host);
  });
}

export class ModbusTcpPort implements ModbusPort {
  readonly id: string;
  readonly interFrameMs = 0;
  private readonly link: ReconnectingLink;
  private readonly stream = new StreamExchange();
  private transactionId = 0;

  constructor(private readonly options: ModbusTcpPortOptions) {
    this.id = options.id;
    const clock = options.clock ?? new RealClock();
    this.link = new ReconnectingLink(
      (cb) => openSocket(options.host, options.port, options.connectTimeoutMs ?? 3000, clock, cb),
      (chunk) => this.stream.onData(chunk),
      { clock },
    );
    this.link.on('lost', (reason: string) => this.stream.fail(new BusError('transport', `${options.host}:${options.port}: ${reason}`)));
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get reconnects(): number {
    return this.link.reconnects;
  }

  get strayBytes(): number {
    return this.stream.strayBytes;
  }

  open(): Promise<void> {
    return this.link.open();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  async exchange(unitId: number, request: ModbusRequest, signal: AbortSignal): Promise<ModbusResponse> {
    if (!this.link.connected) {
      // One immediate attempt; the link keeps retrying in the background either way.
      await this.link.open().catch((err: Error) => {
        throw new BusError('transport', `${this.options.host}:${this.options.port} not connected: ${err.message}`);
      });
    }
    const rtu = this.options.rtuOverTcp === true;
    const tid = (this.transactionId = (this.transactionId + 1) & 0xffff);
    const frame = rtu ? encodeRtuRequest(unitId, request) : encodeMbapRequest(tid, unitId, request);
    let answer: Uint8Array;
    try {
      answer = await this.stream.exchange(() => this.link.write(frame), rtu ? rtuResponseFrameLength : mbapFrameLength, signal);
    } catch (err) {
      if (err instanceof BusError) throw err;
      if ((err as { kind?: string }).kind === 'garbage') {
        this.options.onReject?.('garbage', (err as Error).message);
        // The stream has lost its framing: start it afresh.
        this.link.drop('garbage on the stream');
        throw new BusError('protocol', (err as Error).message);
      }
      throw err;
    }
    const decoded = rtu ? decodeRtuResponse(answer, { unitId, request }) : decodeMbapResponse(answer, { transactionId: tid, unitId, request });
    if (!decoded.ok) {
      this.options.onReject?.(decoded.error.kind, decoded.error.detail);
      throw new BusError(decoded.error.kind === 'exception' ? 'exception' : 'protocol', `${decoded.error.kind}: ${decoded.error.detail}`);
    }
    return decoded.value.response;
  }
}
