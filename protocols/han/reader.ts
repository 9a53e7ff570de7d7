// A HAN port end to end: chunks in, one Result per frame (or per rejected run of bytes) out.
// Joins segmented HDLC frames (segmentation bit set on all but the last) before decoding.
import { fail, type Result } from '../../core/result.js';
import { GENERAL_BLOCK_TRANSFER, LLC_HEADER, parseGeneralBlock } from './apdu.js';
import { decodeHanInformation, type HanDecodeOptions } from './decode.js';
import type { HanErrorKind, HanFrame } from './han-frame.js';
import { parseHdlcFrame } from './hdlc.js';
import { createHanSplitter, type HanSplitter } from './splitter.js';
import type { SplitterStats } from '../stream/splitter.js';

export interface HanReadout {
  result: Result<HanFrame, HanErrorKind>;
  /** The frame (or the discarded bytes, or the last segment) this result is about. */
  bytes: Uint8Array;
}

export interface HanReaderOptions extends HanDecodeOptions {
  maxBufferBytes?: number;
  /** Upper bound on a reassembled message. Default 65 536 bytes. */
  maxMessageBytes?: number;
}

export interface HanReader {
  push(chunk: Uint8Array): HanReadout[];
  /** End of input: reports what is still held as rejected. */
  flush(): HanReadout[];
  readonly stats: SplitterStats;
}

export function createHanReader(options: HanReaderOptions = {}): HanReader {
  const out: HanReadout[] = [];
  // Rejections arrive by callback during a push, frames as its return value: each rejection
  // remembers how many frames came before it so the results keep stream order.
  const rejected: Array<{ before: number; readout: HanReadout }> = [];
  let framesSeen = 0;
  const splitter: HanSplitter = createHanSplitter({
    maxBufferBytes: options.maxBufferBytes,
    byteStuffing: options.byteStuffing,
    onReject: (r) => rejected.push({ before: splitter.stats.frames, readout: { result: fail(r.kind, `${r.byteCount} bytes discarded: ${r.detail}`), bytes: r.bytes } }),
  });
  const releaseRejected = (upTo: number): void => {
    while (rejected.length > 0 && (rejected[0] as { before: number }).before <= upTo) out.push((rejected.shift() as { readout: HanReadout }).readout);
  };
  const handleAll = (frames: Uint8Array[]): void => {
    for (const frame of frames) {
      releaseRejected(framesSeen);
      handle(frame);
      framesSeen++;
    }
    releaseRejected(Number.POSITIVE_INFINITY);
  };
  const maxMessage = options.maxMessageBytes ?? 65_536;
  const decodeOptions: HanDecodeOptions = { ...options, byteStuffing: false };
  let pending: { key: string; parts: Uint8Array[]; size: number } | undefined;
  // A general-block-transfer in progress: blocks arrive as whole frames, numbered from 1.
  let blocks: { next: number; parts: Uint8Array[]; size: number } | undefined;

  const joined = (parts: Uint8Array[], size: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array => {
    const whole = new Uint8Array(prefix.length + size);
    whole.set(prefix, 0);
    let at = prefix.length;
    for (const part of parts) {
      whole.set(part, at);
      at += part.length;
    }
    return whole;
  };

  /** True when the information field was a general-block-transfer block (handled here). */
  const handleBlock = (information: Uint8Array, frame: Uint8Array): boolean => {
    const llc = information[0] === 0xe6 && information[1] === 0xe7 && information[2] === 0x00;
    const apdu = llc ? information.subarray(3) : information;
    if (apdu[0] !== GENERAL_BLOCK_TRANSFER) return false;
    const b = parseGeneralBlock(apdu);
    if (!b.ok) {
      out.push({ result: b, bytes: frame });
      blocks = undefined;
      return true;
    }
    const { blockNumber, last, data } = b.value;
    if (blockNumber === 1) blocks = { next: 1, parts: [], size: 0 };
    if (!blocks || blockNumber !== blocks.next) {
      out.push({ result: fail('segment', `general-block-transfer block ${blockNumber} out of order (expected ${blocks?.next ?? 1})`), bytes: frame });
      blocks = undefined;
      return true;
    }
    blocks.parts.push(data);
    blocks.size += data.length;
    blocks.next++;
    if (blocks.size > maxMessage) {
      out.push({ result: fail('segment', `general-block-transfer exceeds ${maxMessage} bytes`), bytes: frame });
      blocks = undefined;
      return true;
    }
    if (last) {
      const whole = joined(blocks.parts, blocks.size, LLC_HEADER);
      blocks = undefined;
      out.push({ result: decodeHanInformation(whole, decodeOptions), bytes: frame });
    }
    return true;
  };

  const handle = (frame: Uint8Array): void => {
    const hdlc = parseHdlcFrame(frame);
    if (!hdlc.ok) {
      out.push({ result: hdlc, bytes: frame });
      return;
    }
    const f = hdlc.value;
    const key = `${f.destination}/${f.source}`;
    if (pending && pending.key !== key) {
      out.push({ result: fail('segment', 'segmented message cut off by a frame from another address'), bytes: frame });
      pending = undefined;
    }
    if (f.segmented || pending) {
      pending ??= { key, parts: [], size: 0 };
      pending.parts.push(f.information);
      pending.size += f.information.length;
      if (pending.size > maxMessage) {
        out.push({ result: fail('segment', `segmented message exceeds ${maxMessage} bytes`), bytes: frame });
        pending = undefined;
        return;
      }
      if (f.segmented) return;
      const whole = new Uint8Array(pending.size);
      let at = 0;
      for (const part of pending.parts) {
        whole.set(part, at);
        at += part.length;
      }
      pending = undefined;
      out.push({ result: decodeHanInformation(whole, decodeOptions), bytes: frame });
      return;
    }
    if (f.information.length === 0) {
      out.push({ result: fail('empty', 'frame without an information field'), bytes: frame });
      return;
    }
    if (handleBlock(f.information, frame)) return;
    if (blocks) {
      out.push({ result: fail('segment', 'general-block-transfer cut off by another frame'), bytes: frame });
      blocks = undefined;
    }
    out.push({ result: decodeHanInformation(f.information, decodeOptions), bytes: frame });
  };

  const drain = (): HanReadout[] => out.splice(0, out.length);

  return {
    push(chunk) {
      handleAll(splitter.push(chunk));
      return drain();
    },
    flush() {
      handleAll(splitter.flush());
      if (pending) {
        out.push({ result: fail('segment', 'input ended inside a segmented message'), bytes: pending.parts[pending.parts.length - 1] ?? new Uint8Array(0) });
        pending = undefined;
      }
      if (blocks) {
        out.push({ result: fail('segment', 'input ended inside a general-block-transfer'), bytes: new Uint8Array(0) });
        blocks = undefined;
      }
      return drain();
    },
    get stats() {
      return splitter.stats;
    },
  };
}
