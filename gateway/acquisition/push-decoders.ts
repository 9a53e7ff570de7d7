// The push protocols as PushDecoders for gateway/bus/push-port.ts.
import { decodeP1Telegram, createP1Splitter } from '../../protocols/dsmr/index.js';
import { createHanReader, type HanReaderOptions } from '../../protocols/han/index.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { PushDecoder, PushedFrame } from '../bus/push-port.js';

function pushed(v: { values: PushedFrame['values']; meterTimeMs?: number | undefined; meterId?: string | undefined; model?: string | undefined; warnings?: readonly string[] | undefined }): PushedFrame {
  const f: PushedFrame = { values: v.values };
  if (v.meterTimeMs !== undefined) f.meterTimeMs = v.meterTimeMs;
  if (v.meterId !== undefined) f.meterId = v.meterId;
  if (v.model !== undefined) f.model = v.model;
  if (v.warnings !== undefined && v.warnings.length > 0) f.warnings = v.warnings;
  return f;
}

/** HAN frames with the device's keys and options (country, scaler overrides, meter time zone: see han-options.ts). */
export function hanDecoder(options: HanReaderOptions = {}): PushDecoder {
  const reader = createHanReader(options);
  return {
    push: (chunk) => reader.push(chunk).map((r): Result<PushedFrame, string> => (r.result.ok ? ok(pushed(r.result.value)) : r.result)),
  };
}

export function p1Decoder(timeZone?: string): PushDecoder {
  const splitter = createP1Splitter();
  return {
    push: (chunk) =>
      splitter.push(chunk).map((telegram): Result<PushedFrame, string> => {
        const r = decodeP1Telegram(telegram, timeZone ? { timeZone } : {});
        return r.ok ? ok(pushed(r.value)) : fail(r.error.kind, r.error.detail);
      }),
  };
}
