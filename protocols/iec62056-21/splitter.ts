// Cuts an IEC 62056-21 byte stream into readouts: from '/' (or a bare STX) to the BCC after
// ETX, or, for mode D pushes without STX, to the line end after the '!' line. A '/' at the
// start of a line before the end means the rest was lost: the partial readout is dropped.
import type { SplitterStats, StreamSplitter } from '../stream/splitter.js';
import { DEFAULT_IEC_MAX_BYTES } from './readout.js';
import { EOT, ETX, STX } from './messages.js';

const LF = 0x0a;
const SLASH = 0x2f;
const BANG = 0x21;

export interface IecSplitter extends StreamSplitter<Uint8Array> {
  /** At end of input: hands out a push readout whose '!' line came without a line end. */
  end(): Uint8Array[];
}

export function createIecSplitter(options: { maxBufferBytes?: number } = {}): IecSplitter {
  const max = options.maxBufferBytes ?? DEFAULT_IEC_MAX_BYTES;
  const buf = new Uint8Array(max);
  let len = 0;
  let inFrame = false;
  let sawStx = false;
  let etxSeen = false;
  let bangLine = false;
  let prev = LF;
  const stats: SplitterStats = { frames: 0, discardedBytes: 0, overflows: 0 };

  const start = (b: number): void => {
    buf[0] = b;
    len = 1;
    inFrame = true;
    sawStx = b === STX;
    etxSeen = false;
    bangLine = false;
  };
  const take = (out: Uint8Array[]): void => {
    out.push(buf.slice(0, len));
    stats.frames++;
    len = 0;
    inFrame = false;
  };

  return {
    push(chunk: Uint8Array): Uint8Array[] {
      const out: Uint8Array[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i] as number;
        if (!inFrame) {
          if (b === SLASH || b === STX) start(b);
          else stats.discardedBytes++;
        } else if (b === SLASH && prev === LF && !sawStx) {
          stats.discardedBytes += len;
          start(b);
        } else if (len >= max) {
          stats.discardedBytes += len + 1;
          stats.overflows++;
          len = 0;
          inFrame = false;
        } else {
          buf[len++] = b;
          if (etxSeen) take(out); // this byte is the BCC
          else if (sawStx && (b === ETX || b === EOT)) etxSeen = true;
          else if (b === STX) sawStx = true;
          else if (!sawStx && b === BANG && prev === LF) bangLine = true;
          else if (bangLine && b === LF) take(out);
        }
        prev = b;
      }
      return out;
    },
    end(): Uint8Array[] {
      const out: Uint8Array[] = [];
      if (inFrame && bangLine) take(out);
      return out;
    },
    get buffered(): number {
      return inFrame ? len : 0;
    },
    stats,
    reset(): void {
      len = 0;
      inFrame = false;
      prev = LF;
      stats.frames = 0;
      stats.discardedBytes = 0;
      stats.overflows = 0;
    },
  };
}
