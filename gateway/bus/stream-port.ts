// What the Modbus ports on a byte stream share: a reconnecting link, one exchange at a time,
// and the mapping of what can go wrong onto BusError kinds, with every rejected answer counted.
import type { ModbusResult } from '../../protocols/modbus/pdu.js';
import type { ReconnectingLink } from './reconnecting-link.js';
import { BusError } from './request-queue.js';
import { StreamExchange, type FrameLength } from './stream-exchange.js';

export abstract class StreamPort {
  protected abstract readonly link: ReconnectingLink;
  protected readonly stream = new StreamExchange();

  constructor(private readonly onReject: ((kind: string, detail: string) => void) | undefined) {}

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

  /** One immediate attempt when the link is down; it keeps retrying in the background either way. */
  protected async ensureOpen(where: string): Promise<void> {
    if (this.link.verify()) return;
    await this.link.open().catch((err: Error) => {
      throw new BusError('transport', `${where} not open: ${err.message}`);
    });
  }

  /** Sends and waits for the answer frame; garbage on the stream is counted, and with `dropOnGarbage` the stream restarts. */
  protected async send(write: () => void, frameLength: FrameLength, signal: AbortSignal, dropOnGarbage: boolean): Promise<Uint8Array> {
    try {
      return await this.stream.exchange(write, frameLength, signal);
    } catch (err) {
      if (err instanceof BusError) throw err;
      if ((err as { kind?: string }).kind === 'garbage') {
        this.onReject?.('garbage', (err as Error).message);
        if (dropOnGarbage) this.link.drop('garbage on the stream');
        throw new BusError('protocol', (err as Error).message);
      }
      throw err;
    }
  }

  /** The decoded answer, or a counted rejection as a BusError ('exception' keeps the device's code in its message). */
  protected accept<T>(decoded: ModbusResult<T>): T {
    if (decoded.ok) return decoded.value;
    this.onReject?.(decoded.error.kind, decoded.error.detail);
    throw new BusError(decoded.error.kind === 'exception' ? 'exception' : 'protocol', `${decoded.error.kind}: ${decoded.error.detail}`);
  }
}
