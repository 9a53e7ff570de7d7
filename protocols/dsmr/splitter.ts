// Cuts a P1 byte stream into telegrams: from a '/' to the line end after the '!' line (which
// holds the CRC). A '/' at the start of a line inside a telegram means the '!' was lost: the
// partial telegram is dropped and the new one starts there. Checking the CRC is the decoder's job.
import type { SplitterStats, StreamSplitter } from '../stream/splitter.js';
import { DEFAULT_P1_MAX_BYTES } from './telegram.js';

export interface P1SplitterOptions {
  /** Longest telegram kept; a longer run without an end is cut and counted as an overflow. */
  maxBufferBytes?: number;
}

export interface P1Splitter extends StreamSplitter<Uint8Array> {
  /** At end of input: hands out a telegram whose '!' line came without a final line end. */
  end(): Uint8Array[];
}

const LF = 0x0a;
const SLASH = 0x2f;
const BANG = 0x21;
/** '!' + 4 hex digits + CR: more than this after '!' without LF means the end line is broken. */
const MAX_END_LINE = 7;

export function createP1Splitter(options: P1SplitterOptions = {}): P1Splitter {
  const max = options.maxBufferBytes ?? DEFAULT_P1_MAX_BYTES;
  const buf = new Uint8Array(max);
  let len = 0;
  let inFrame = false;
  let bangAt = -1;
  let prev = LF;
  const stats: SplitterStats = { frames: 0, discardedBytes: 0, overflows: 0 };

  function startFrame(): void {
    buf[0] = SLASH;
    len = 1;
    inFrame = true;
    bangAt = -1;
  }

  function take(out: Uint8Array[]): void {
    out.push(buf.slice(0, len));
    stats.frames++;
    len = 0;
    inFrame = false;
    bangAt = -1;
  }

  return {
    push(chunk: Uint8Array): Uint8Array[] {
      const out: Uint8Array[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i] as number;
        if (!inFrame) {
          if (b === SLASH) startFrame();
          else stats.discardedBytes++;
        } else if (b === SLASH && (prev === LF || bangAt >= 0)) {
          // A new telegram begins: the current one either lost its '!' (dropped) or its last line end (handed out).
          if (bangAt >= 0) take(out);
          else stats.discardedBytes += len;
          startFrame();
        } else if (len >= max) {
          stats.discardedBytes += len + 1;
          stats.overflows++;
          len = 0;
          inFrame = false;
        } else {
          buf[len++] = b;
          if (b === BANG && prev === LF && bangAt < 0) bangAt = len - 1;
          else if (bangAt >= 0 && (b === LF || len - bangAt > MAX_END_LINE)) take(out);
        }
        prev = b;
      }
      return out;
    },
    end(): Uint8Array[] {
      const out: Uint8Array[] = [];
      if (inFrame && bangAt >= 0) take(out);
      return out;
    },
    get buffered(): number {
      return inFrame ? len : 0;
    },
    stats,
    reset(): void {
      len = 0;
      inFrame = false;
      bangAt = -1;
      prev = LF;
      stats.frames = 0;
      stats.discardedBytes = 0;
      stats.overflows = 0;
    },
  };
}
