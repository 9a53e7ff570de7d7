// Line-time cost model for the read planner. Every request costs a fixed time plus a time per
// register read, so a plan's cost depends only on its request count and word count.
import { rtuSilenceMs } from '../../core/serial-timing.js';

export type LineModel =
  | {
      kind: 'rtu';
      baudRate: number;
      /** Bits per character: 10 for 8N1, 11 for 8E1 / 8O1 / 8N2. */
      bitsPerChar: number;
      /** Time the device takes between the end of a request and the start of its answer. */
      turnaroundMs: number;
    }
  | {
      kind: 'tcp';
      roundTripMs: number;
      /** Payload throughput of the link. */
      bytesPerMs: number;
      turnaroundMs: number;
    };

export type SerialFraming = '8N1' | '8E1' | '8O1' | '8N2';

export function rtuLine(baudRate: number, framing: SerialFraming = '8N1', turnaroundMs = 0): LineModel {
  return { kind: 'rtu', baudRate, bitsPerChar: framing === '8N1' ? 10 : 11, turnaroundMs };
}

export function tcpLine(roundTripMs: number, bytesPerMs = 1000, turnaroundMs = 0): LineModel {
  return { kind: 'tcp', roundTripMs, bytesPerMs, turnaroundMs };
}

export interface RequestCost {
  perRequestMs: number;
  perRegisterMs: number;
}

/** Bytes of a read request and of its answer's fixed part, by framing. */
const RTU_REQUEST_BYTES = 8;
const RTU_RESPONSE_FIXED_BYTES = 5;
const MBAP_REQUEST_BYTES = 12;
const MBAP_RESPONSE_FIXED_BYTES = 9;

/** Character time in ms, and the 3.5-character silence (fixed at 1.75 ms above 19200 baud, spec §2.5.1.1). */
export function rtuCharTimes(model: Extract<LineModel, { kind: 'rtu' }>): { charMs: number; silenceMs: number } {
  const charMs = (model.bitsPerChar * 1000) / model.baudRate;
  return { charMs, silenceMs: rtuSilenceMs(model.baudRate, charMs) };
}

export function requestCost(model: LineModel): RequestCost {
  if (model.kind === 'rtu') {
    const { charMs, silenceMs } = rtuCharTimes(model);
    // A silence after the request and one after the answer before the next request.
    return {
      perRequestMs: (RTU_REQUEST_BYTES + RTU_RESPONSE_FIXED_BYTES) * charMs + 2 * silenceMs + model.turnaroundMs,
      perRegisterMs: 2 * charMs,
    };
  }
  return {
    perRequestMs: model.roundTripMs + (MBAP_REQUEST_BYTES + MBAP_RESPONSE_FIXED_BYTES) / model.bytesPerMs + model.turnaroundMs,
    perRegisterMs: 2 / model.bytesPerMs,
  };
}

/** Time of a plan with `requests` reads totalling `words` registers. The planner and its tests use only this. */
export function planLineTimeMs(cost: RequestCost, requests: number, words: number): number {
  return requests * cost.perRequestMs + words * cost.perRegisterMs;
}

export function requestTimeMs(model: LineModel, quantity: number): number {
  return planLineTimeMs(requestCost(model), 1, quantity);
}
