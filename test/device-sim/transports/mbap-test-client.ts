// A raw Modbus TCP client for tests: writes frames, hands back answers one by one, so tests can
// pipeline requests and see exactly what came back (or that the connection closed).
import net from 'node:net';
import { decodeMbapResponse, encodeMbapRequest, mbapFrameLength, type MbapResponseFrame } from '../../../protocols/modbus/mbap.js';
import type { ModbusRequest } from '../../../protocols/modbus/pdu.js';

export class MbapTestClient {
  private buffer = Buffer.alloc(0);
  private readonly frames: MbapResponseFrame[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const n = mbapFrameLength(this.buffer);
        if (typeof n !== 'number' || this.buffer.length < n) break;
        const decoded = decodeMbapResponse(this.buffer.subarray(0, n));
        if (!decoded.ok) throw new Error(`bad answer: ${decoded.error.detail}`);
        this.frames.push(decoded.value);
        this.buffer = this.buffer.subarray(n);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<MbapTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new MbapTestClient(socket)));
      socket.once('error', reject);
    });
  }

  send(transactionId: number, unitId: number, request: ModbusRequest): void {
    this.socket.write(encodeMbapRequest(transactionId, unitId, request));
  }

  /** The next answer; rejects if the connection closes first. */
  async next(): Promise<MbapResponseFrame> {
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.frames.shift() as MbapResponseFrame;
  }

  /** Resolves when the server closes the connection. */
  async whenClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  get received(): number {
    return this.frames.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
