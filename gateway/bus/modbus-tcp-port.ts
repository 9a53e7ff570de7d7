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
import { StreamPort } from './stream-port.js';

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

export class ModbusTcpPort extends StreamPort implements ModbusPort {
  readonly id: string;
  readonly interFrameMs = 0;
  protected readonly link: ReconnectingLink;
  private transactionId = 0;

  constructor(private readonly options: ModbusTcpPortOptions) {
    super(options.onReject);
    this.id = options.id;
    const clock = options.clock ?? new RealClock();
    this.link = new ReconnectingLink(
      (cb) => openSocket(options.host, options.port, options.connectTimeoutMs ?? 3000, clock, cb),
      (chunk) => this.stream.onData(chunk),
      { clock },
    );
    this.link.on('lost', (reason: string) => this.stream.fail(new BusError('transport', `${options.host}:${options.port}: ${reason}`)));
  }

  async exchange(unitId: number, request: ModbusRequest, signal: AbortSignal): Promise<ModbusResponse> {
    await this.ensureOpen(`${this.options.host}:${this.options.port}`);
    const rtu = this.options.rtuOverTcp === true;
    const tid = (this.transactionId = (this.transactionId + 1) & 0xffff);
    const frame = rtu ? encodeRtuRequest(unitId, request) : encodeMbapRequest(tid, unitId, request);
    // A TCP stream that lost its framing is started afresh.
    const answer = await this.send(() => this.link.write(frame), rtu ? rtuResponseFrameLength : mbapFrameLength, signal, true);
    return this.accept(rtu ? decodeRtuResponse(answer, { unitId, request }) : decodeMbapResponse(answer, { transactionId: tid, unitId, request })).response;
  }
}
