// A serial port on which a meter pushes frames on its own (HAN, DSMR P1): bytes go through the
// protocol's splitter and decoder; every frame becomes a reading or a counted rejection.
// The port is reopened with back-off when it goes away (USB adapter unplugged).
import { existsSync } from 'node:fs';
import type { QuantityValues } from '../../core/quantities.js';
import type { Result } from '../../core/result.js';
import { RealClock, type Clock } from '../clock/clock.js';
import { openSerialLine, type SerialLineOptions } from './modbus-rtu-port.js';
import { ReconnectingLink } from './reconnecting-link.js';

export interface PushedFrame {
  values: QuantityValues;
  /**
   * Marks on the frame's values that a consumer must not store as a plain measurement:
   * 's0-saturated' = the pulse output ran at its limit, so the energy may lag the truth.
   */
  flags?: readonly string[];
  meterTimeMs?: number;
  meterId?: string;
  model?: string;
  /** What the decoder found odd about the frame's values (a HAN scaler that looks wrong). */
  warnings?: readonly string[];
}

/** A protocol's stream decoder: chunks in, one result per frame or rejected run out. */
export interface PushDecoder {
  push(chunk: Uint8Array): Array<Result<PushedFrame, string>>;
}

export interface PushPortOptions extends SerialLineOptions {
  id: string;
  decoder: PushDecoder;
  clock?: Clock;
  onFrame(frame: PushedFrame): void;
  onReject(kind: string, detail: string): void;
}

export class PushPort {
  readonly id: string;
  private readonly link: ReconnectingLink;
  frames = 0;
  rejected = 0;

  constructor(private readonly options: PushPortOptions) {
    this.id = options.id;
    this.link = new ReconnectingLink(
      (cb) => openSerialLine(options, cb),
      (chunk) => this.onChunk(chunk),
      { clock: options.clock ?? new RealClock(), stillThere: () => existsSync(options.path) },
    );
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get reconnects(): number {
    return this.link.reconnects;
  }

  open(): Promise<void> {
    return this.link.open();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private onChunk(chunk: Uint8Array): void {
    for (const r of this.options.decoder.push(chunk)) {
      if (r.ok) {
        this.frames++;
        this.options.onFrame(r.value);
      } else {
        this.rejected++;
        this.options.onReject(r.error.kind, r.error.detail);
      }
    }
  }
}
