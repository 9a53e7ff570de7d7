// Modbus TCP server of our own on node:net. modbus-serial's ServerTCP answers through a
// zero-delay timer (about 1 ms per request) and serves one unit per port; this one answers in
// the same tick, batches the answers to one chunk into one write, serves several unit ids on a
// port, and keeps pipelined requests on one connection in order.
import net from 'node:net';
import type { Clock } from '../../core/clock.js';
import { decodeMbapRequest, encodeMbapResponse, mbapFrameLength } from '../../protocols/modbus/mbap.js';
import type { ModbusDevice } from '../devices/modbus-device.js';

export interface ModbusTcpServerOptions {
  clock: Clock;
  /** Loopback by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface ModbusTcpServerStats {
  connections: number;
  requests: number;
  answered: number;
  /** Requests a fault swallowed (no answer) or whose connection a fault dropped. */
  unanswered: number;
  /** Frames that were not Modbus (bad header) and cost the client its connection. */
  rejectedFrames: number;
}

const GATEWAY_TARGET_FAILED = 0x0b;
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_DATA_VALUE = 3;

export class ModbusTcpServer {
  private readonly devices = new Map<number, ModbusDevice>();
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private address: { host: string; port: number } | undefined;
  readonly stats: ModbusTcpServerStats = { connections: 0, requests: 0, answered: 0, unanswered: 0, rejectedFrames: 0 };

  constructor(private readonly options: ModbusTcpServerOptions) {}

  /** Serves `device` under its unit id; before or after `listen`. */
  add(device: ModbusDevice): void {
    if (this.devices.has(device.unitId)) throw new Error(`unit id ${device.unitId} is taken on this server`);
    this.devices.set(device.unitId, device);
    if (this.address) device.attach({ transport: 'modbus-tcp', ...this.address, unitId: device.unitId });
  }

  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.serve(socket));
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        const port = (server.address() as net.AddressInfo).port;
        this.server = server;
        this.address = { host, port };
        for (const d of this.devices.values()) d.attach({ transport: 'modbus-tcp', host, port, unitId: d.unitId });
        resolve({ host, port });
      });
    });
  }

  get port(): number {
    if (!this.address) throw new Error('ModbusTcpServer: not listening');
    return this.address.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The device a request for `unitId` goes to; a lone device also takes 0 and 255 (broadcast / "any"). */
  private route(unitId: number): ModbusDevice | undefined {
    const exact = this.devices.get(unitId);
    if (exact) return exact;
    if (this.devices.size === 1 && (unitId === 0 || unitId === 255)) return this.devices.values().next().value;
    return undefined;
  }

  private serve(socket: net.Socket): void {
    this.stats.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const out: Uint8Array[] = [];
      let offset = 0;
      for (;;) {
        const rest = pending.subarray(offset);
        const length = mbapFrameLength(rest);
        if (length === undefined || (length !== null && rest.length < length)) break;
        if (length === null) {
          this.stats.rejectedFrames++;
          socket.destroy();
          return;
        }
        const answer = this.answer(rest.subarray(0, length), socket);
        offset += length;
        if (answer === 'dropped') return;
        if (answer) out.push(answer);
      }
      pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
      if (out.length === 1) socket.write(out[0] as Uint8Array);
      else if (out.length > 1) socket.write(Buffer.concat(out));
    });
  }

  /** The answer to write now, nothing (no answer, or later), or 'dropped'. */
  private answer(frame: Uint8Array, socket: net.Socket): Uint8Array | undefined | 'dropped' {
    this.stats.requests++;
    const transactionId = ((frame[0] as number) << 8) | (frame[1] as number);
    const unitId = frame[6] as number;
    const device = this.route(unitId);
    if (!device) return this.encode(transactionId, unitId, { kind: 'exception', functionCode: (frame[7] ?? 0) & 0x7f, exceptionCode: GATEWAY_TARGET_FAILED });
    const faults = device.faults;
    if (faults.has('drop-connection')) {
      this.stats.unanswered++;
      socket.destroy();
      return 'dropped';
    }
    if (faults.has('no-answer')) {
      this.stats.unanswered++;
      return undefined;
    }
    const decoded = decodeMbapRequest(frame);
    const response = decoded.ok
      ? device.handle(decoded.value.request)
      : {
          kind: 'exception' as const,
          functionCode: (frame[7] ?? 0) & 0x7f,
          exceptionCode: decoded.error.kind === 'unexpected-function' ? ILLEGAL_FUNCTION : ILLEGAL_DATA_VALUE,
        };
    const bytes = this.encode(transactionId, unitId, response);
    const late = faults.get('late-answer');
    if (late && late.delayMs > 0) {
      this.options.clock.setTimeout(() => {
        if (!socket.destroyed) socket.write(bytes);
      }, late.delayMs);
      return undefined;
    }
    return bytes;
  }

  private encode(transactionId: number, unitId: number, response: Parameters<typeof encodeMbapResponse>[2]): Uint8Array {
    this.stats.answered++;
    return encodeMbapResponse(transactionId, unitId, response);
  }
}
