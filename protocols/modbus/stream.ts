// Cuts a byte stream into Modbus frames: RTU over a serial line or a TCP socket (RTU-over-TCP
// gateways), and Modbus TCP. RTU has no length field, so the length comes from the function code
// and byte count; a candidate whose CRC fails costs one byte and the search goes on, which
// resynchronises after noise. The buffer is bounded (StreamSplitter contract).
import { hasValidModbusCrc } from '../checksums/crc16-modbus.js';
import type { SplitterStats, StreamSplitter } from '../stream/splitter.js';
import { mbapFrameLength } from './mbap.js';
import { MAX_RTU_FRAME, rtuRequestFrameLength, rtuResponseFrameLength } from './rtu.js';

abstract class ByteBuffer implements StreamSplitter {
  protected buf = new Uint8Array(0);
  readonly stats: SplitterStats = { frames: 0, discardedBytes: 0, overflows: 0 };

  constructor(private readonly maxBufferBytes: number) {}

  get buffered(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    const frames: Uint8Array[] = [];
    for (;;) {
      const step = this.next();
      if (step === 'wait') break;
      if (step === 'skip') {
        this.buf = this.buf.subarray(1);
        this.stats.discardedBytes++;
        continue;
      }
      frames.push(this.buf.slice(0, step));
      this.buf = this.buf.subarray(step);
      this.stats.frames++;
    }
    if (this.buf.length > this.maxBufferBytes) {
      this.stats.discardedBytes += this.buf.length;
      this.stats.overflows++;
      this.buf = new Uint8Array(0);
    }
    this.buf = this.buf.slice();
    return frames;
  }

  /** A whole frame's length at the buffer start, 'skip' to drop a byte, 'wait' for more. */
  protected abstract next(): number | 'skip' | 'wait';
}

export class RtuFrameSplitter extends ByteBuffer {
  constructor(
    private readonly role: 'request' | 'response',
    maxBufferBytes = 4 * MAX_RTU_FRAME,
  ) {
    super(maxBufferBytes);
  }

  protected next(): number | 'skip' | 'wait' {
    const length = this.role === 'request' ? rtuRequestFrameLength(this.buf) : rtuResponseFrameLength(this.buf);
    if (length === undefined) return 'wait';
    if (length === null || length < 4 || length > MAX_RTU_FRAME) return 'skip';
    if (this.buf.length < length) return 'wait';
    return hasValidModbusCrc(this.buf.subarray(0, length)) ? length : 'skip';
  }
}

export class MbapFrameSplitter extends ByteBuffer {
  constructor(maxBufferBytes = 4 * 260) {
    super(maxBufferBytes);
  }

  protected next(): number | 'skip' | 'wait' {
    const length = mbapFrameLength(this.buf);
    if (length === undefined) return 'wait';
    if (length === null) return 'skip';
    return this.buf.length < length ? 'wait' : length;
  }
}
