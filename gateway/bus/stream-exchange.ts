// Request/answer exchanges over a byte stream (a TCP socket or a serial line): the answer is
// cut from the stream by a frame-length function of the protocol, bytes that arrive while no
// request waits are counted as stray and dropped, and an aborted exchange leaves no half frame
// behind for the next one.

/** Total frame length from the bytes so far; undefined = need more; null = cannot be a frame. */
export type FrameLength = (bytes: Uint8Array) => number | undefined | null;

interface Pending {
  frameLength: FrameLength;
  resolve(frame: Uint8Array): void;
  reject(err: Error): void;
}

export class StreamExchange {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  /** Bytes received outside any exchange, or after a frame inside one. */
  strayBytes = 0;

  /** Feed every received chunk here. */
  onData(chunk: Uint8Array): void {
    if (!this.pending) {
      this.strayBytes += chunk.length;
      return;
    }
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const p = this.pending;
    const n = p.frameLength(this.buffer);
    if (n === null) {
      this.pending = undefined;
      const bytes = this.buffer.length;
      this.buffer = Buffer.alloc(0);
      p.reject(Object.assign(new Error(`${bytes} bytes that do not start a frame`), { kind: 'garbage' }));
      return;
    }
    if (n === undefined || this.buffer.length < n) return;
    const frame = new Uint8Array(this.buffer.subarray(0, n));
    this.strayBytes += this.buffer.length - n;
    this.buffer = Buffer.alloc(0);
    this.pending = undefined;
    p.resolve(frame);
  }

  /** Sends through `write` and resolves with the next whole frame. */
  exchange(write: () => void, frameLength: FrameLength, signal: AbortSignal): Promise<Uint8Array> {
    if (this.pending) return Promise.reject(new Error('StreamExchange: an exchange is already in progress'));
    this.buffer = Buffer.alloc(0);
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending === entry) {
          this.pending = undefined;
          this.buffer = Buffer.alloc(0);
        }
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const entry: Pending = {
        frameLength,
        resolve: (f) => {
          signal.removeEventListener('abort', onAbort);
          resolve(f);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending = entry;
      try {
        write();
      } catch (err) {
        this.pending = undefined;
        entry.reject(err as Error);
      }
    });
  }

  /** The stream is gone: fail the waiting exchange. */
  fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    this.buffer = Buffer.alloc(0);
    p?.reject(err);
  }
}
