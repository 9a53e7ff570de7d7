// Push protocols (HAN, DSMR P1) arrive as arbitrary chunks of a byte stream. A splitter takes
// chunks in and hands whole frames out, resynchronising after garbage or a lost byte, with a
// bounded buffer: a stream that never yields a frame costs at most `maxBufferBytes` of memory.

export interface SplitterStats {
  /** Whole frames handed out. */
  frames: number;
  /** Bytes thrown away while looking for the start of a frame, or because of an overflow. */
  discardedBytes: number;
  /** Times the buffer hit its bound and was cut. */
  overflows: number;
}

export interface StreamSplitter<F = Uint8Array> {
  /** Feeds a chunk; returns the frames completed by it, in order. */
  push(chunk: Uint8Array): F[];
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
  readonly stats: SplitterStats;
  reset(): void;
}
