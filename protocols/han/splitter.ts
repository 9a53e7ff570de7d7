// Byte stream → whole, validated HDLC frames. HAN meters do not byte-stuff, so a frame is
// found by its flag, its length field and its checksums, not by the next 0x7E (0x7E occurs
// inside the information field). A candidate that fails costs one byte: the scan resumes at
// the next 0x7E, so a real frame after garbage or a lost byte is found again. Flags may be
// shared between frames or repeated.
import type { SplitterStats, StreamSplitter } from '../stream/splitter.js';
import { crc16X25Matches } from '../checksums/crc16-x25.js';
import type { HanErrorKind } from './han-frame.js';
import { HDLC_FLAG, HDLC_MAX_LENGTH, HDLC_MIN_LENGTH, hdlcHeaderLength, parseHdlcFrame, unstuff } from './hdlc.js';

/** Bytes thrown away, with the reason the first candidate among them failed. */
export interface HanRejection {
  kind: Extract<HanErrorKind, 'framing' | 'length' | 'hcs' | 'fcs'>;
  detail: string;
  /** Number of bytes discarded in this run. */
  byteCount: number;
  /** The first bytes of the run (at most one maximal frame). */
  bytes: Uint8Array;
}

export interface HanSplitterOptions {
  /** Bound on held bytes; at least one maximal frame (2049 bytes). Default 8192. */
  maxBufferBytes?: number;
  /** Frames are 0x7D-escaped (converters only); frames are handed out unescaped. */
  byteStuffing?: boolean;
  /** Told about every run of discarded bytes that held a frame-like start (or any garbage). */
  onReject?: (rejection: HanRejection) => void;
}

export interface HanSplitter extends StreamSplitter<Uint8Array> {
  /** End of input: candidates still waiting for bytes are given up; returns frames found meanwhile. */
  flush(): Uint8Array[];
}

const MAX_FRAME = HDLC_MAX_LENGTH + 2;

// `depth`: how far a failed candidate got (format, length, HCS, closing flag, FCS); a run of
// discarded bytes is reported with the reason of its deepest candidate, the likeliest frame.
type Check = { status: 'more' } | { status: 'bad'; kind: HanRejection['kind']; detail: string; depth?: number } | { status: 'frame'; end: number };

export function createHanSplitter(options: HanSplitterOptions = {}): HanSplitter {
  const max = Math.max(options.maxBufferBytes ?? 8192, MAX_FRAME + 1);
  let buf = new Uint8Array(max);
  let len = 0;
  const stats: SplitterStats = { frames: 0, discardedBytes: 0, overflows: 0 };
  let run: { kind: HanRejection['kind']; detail: string; depth: number; count: number; bytes: number[] } | undefined;

  const discard = (from: number, to: number, kind: HanRejection['kind'], detail: string, depth = 0): void => {
    stats.discardedBytes += to - from;
    if (!run) run = { kind, detail, depth, count: 0, bytes: [] };
    else if (depth > run.depth) Object.assign(run, { kind, detail, depth });
    run.count += to - from;
    for (let i = from; i < to && run.bytes.length < MAX_FRAME; i++) run.bytes.push(buf[i] as number);
  };
  const endRun = (): void => {
    if (run && options.onReject) options.onReject({ kind: run.kind, detail: run.detail, byteCount: run.count, bytes: Uint8Array.from(run.bytes) });
    run = undefined;
  };

  // Length-delimited candidate at p (buf[p] is a flag).
  const checkAt = (p: number, final: boolean): Check => {
    const more = (why: string): Check => (final ? { status: 'bad', kind: 'length', detail: `stream ended inside a frame (${why})`, depth: 2 } : { status: 'more' });
    if (p + 3 > len) return more('header');
    const f0 = buf[p + 1] as number;
    if (f0 >> 4 !== 0xa) return { status: 'bad', kind: 'framing', detail: `byte 0x${f0.toString(16)} after the flag is not frame format type 3` };
    const length = ((f0 & 7) << 8) | (buf[p + 2] as number);
    if (length < HDLC_MIN_LENGTH) return { status: 'bad', kind: 'length', detail: `length field ${length} is below the minimum ${HDLC_MIN_LENGTH}`, depth: 1 };
    const header = hdlcHeaderLength(buf, p, Math.min(len, p + 1 + length));
    if (header === undefined) return p + 1 + Math.min(length, 10) > len ? more('addresses') : { status: 'bad', kind: 'framing', detail: 'address field without an end bit', depth: 1 };
    if (header + 2 > length) return { status: 'bad', kind: 'length', detail: 'length field shorter than the header', depth: 1 };
    if (header + 2 < length) {
      if (header + 4 > length - 2) return { status: 'bad', kind: 'length', detail: 'information field shorter than its HCS', depth: 1 };
      if (p + 1 + header + 2 > len) return more('HCS');
      if (!crc16X25Matches(buf, p + 1, p + 1 + header)) return { status: 'bad', kind: 'hcs', detail: 'header checksum does not match', depth: 2 };
    }
    if (p + length + 2 > len) return more(`${length} bytes announced`);
    if (buf[p + length + 1] !== HDLC_FLAG) return { status: 'bad', kind: 'framing', detail: `no closing flag after the ${length} bytes the length field announces`, depth: 3 };
    if (!crc16X25Matches(buf, p + 1, p + length - 1)) return { status: 'bad', kind: 'fcs', detail: 'frame checksum does not match', depth: 4 };
    return { status: 'frame', end: p + length + 2 };
  };

  // Flag-delimited candidate at p for stuffed streams.
  const checkStuffedAt = (p: number, final: boolean): Check => {
    const close = buf.indexOf(HDLC_FLAG, p + 1);
    if (close < 0 || close >= len) return final ? { status: 'bad', kind: 'length', detail: 'stream ended inside a frame' } : { status: 'more' };
    if (close - p - 1 > 2 * MAX_FRAME) return { status: 'bad', kind: 'length', detail: 'frame longer than the length field allows' };
    const body = unstuff(buf.subarray(p + 1, close));
    if (!body.ok) return { status: 'bad', kind: body.error.kind, detail: body.error.detail };
    const parsed = parseHdlcFrame(Uint8Array.from([HDLC_FLAG, ...body.value, HDLC_FLAG]));
    if (!parsed.ok) return { status: 'bad', kind: parsed.error.kind, detail: parsed.error.detail };
    return { status: 'frame', end: close + 1 };
  };

  const scan = (final: boolean): Uint8Array[] => {
    const frames: Uint8Array[] = [];
    let p = 0;
    while (p < len) {
      if (buf[p] !== HDLC_FLAG) {
        let next = buf.indexOf(HDLC_FLAG, p);
        if (next < 0 || next >= len) next = len;
        discard(p, next, 'framing', 'bytes outside a frame');
        p = next;
        continue;
      }
      if (p + 1 < len && buf[p + 1] === HDLC_FLAG) {
        p++; // repeated flags between frames are fill, not garbage
        continue;
      }
      if (p + 1 >= len && !final) break;
      if (p + 1 >= len) {
        p++; // a lone closing flag at the end
        continue;
      }
      const c = options.byteStuffing ? checkStuffedAt(p, final) : checkAt(p, final);
      if (c.status === 'more') break;
      if (c.status === 'bad') {
        if (options.byteStuffing) {
          const close = buf.indexOf(HDLC_FLAG, p + 1);
          const to = close < 0 || close >= len ? len : close;
          discard(p, to, c.kind, c.detail, c.depth);
          p = to;
        } else {
          discard(p, p + 1, c.kind, c.detail, c.depth);
          p++;
        }
        continue;
      }
      endRun();
      if (options.byteStuffing) {
        const body = unstuff(buf.subarray(p + 1, c.end - 1));
        frames.push(Uint8Array.from([HDLC_FLAG, ...(body.ok ? body.value : []), HDLC_FLAG]));
      } else frames.push(buf.slice(p, c.end));
      stats.frames++;
      p = c.end - 1; // the closing flag may open the next frame
    }
    buf.copyWithin(0, p, len);
    len -= p;
    if (final) {
      endRun();
      len = 0;
    }
    return frames;
  };

  return {
    push(chunk: Uint8Array): Uint8Array[] {
      const out: Uint8Array[] = [];
      let at = 0;
      while (at < chunk.length) {
        if (len === max) {
          // Only reachable with a stuffed stream that never closes: cut the oldest bytes.
          stats.overflows++;
          discard(0, max - MAX_FRAME, 'length', 'buffer bound reached without a frame');
          buf.copyWithin(0, max - MAX_FRAME, len);
          len = MAX_FRAME;
        }
        const n = Math.min(chunk.length - at, max - len);
        buf.set(chunk.subarray(at, at + n), len);
        len += n;
        at += n;
        out.push(...scan(false));
      }
      return out;
    },
    flush(): Uint8Array[] {
      return scan(true);
    },
    get buffered(): number {
      return len;
    },
    get stats(): SplitterStats {
      return { ...stats };
    },
    reset(): void {
      len = 0;
      run = undefined;
      buf = new Uint8Array(max);
    },
  };
}
