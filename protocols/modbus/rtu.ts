// Modbus RTU framing: unit id + PDU + CRC-16/MODBUS (low byte first). The same frames travel
// over TCP as "RTU over TCP" (a serial gateway that forwards bytes), so nothing here assumes a
// serial line; frame ends on a stream come from the length helpers below.
import { crc16Modbus } from '../checksums/crc16-modbus.js';
import {
  assertPduFits,
  decodeRequestPdu,
  decodeResponsePdu,
  matchResponse,
  modbusFail,
  requestPduLength,
  responsePduLength,
  writeRequestPdu,
  writeResponsePdu,
  type ModbusRequest,
  type ModbusResponse,
  type ModbusResult,
} from './pdu.js';

/** Longest RTU frame the spec allows (unit + 253-byte PDU + CRC). */
export const MAX_RTU_FRAME = 256;
export const RTU_EXCEPTION_LENGTH = 5;

export interface RtuRequestFrame {
  unitId: number;
  request: ModbusRequest;
}

export interface RtuResponseFrame {
  unitId: number;
  response: ModbusResponse;
}

function appendCrc(frame: Uint8Array): Uint8Array {
  const crc = crc16Modbus(frame, 0, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >>> 8;
  return frame;
}

function checkUnit(unitId: number): void {
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw new RangeError(`unit id ${unitId} outside 0..255`);
}

export function encodeRtuRequest(unitId: number, req: ModbusRequest): Uint8Array {
  checkUnit(unitId);
  const frame = new Uint8Array(3 + requestPduLength(req));
  frame[0] = unitId;
  writeRequestPdu(req, frame, 1);
  return appendCrc(frame);
}

export function encodeRtuResponse(unitId: number, resp: ModbusResponse): Uint8Array {
  checkUnit(unitId);
  const pduLength = responsePduLength(resp);
  assertPduFits(pduLength);
  const frame = new Uint8Array(3 + pduLength);
  frame[0] = unitId;
  writeResponsePdu(resp, frame, 1);
  return appendCrc(frame);
}

function checkFrame(frame: Uint8Array): ModbusResult<null> {
  if (frame.length < 4) return modbusFail('truncated', `RTU frame of ${frame.length} bytes (minimum 4)`);
  if (frame.length > MAX_RTU_FRAME) return modbusFail('length-mismatch', `RTU frame of ${frame.length} bytes (maximum ${MAX_RTU_FRAME})`);
  const crc = crc16Modbus(frame, 0, frame.length - 2);
  const given = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
  if (crc !== given) return modbusFail('crc', `CRC ${hex4(given)} on the wire, computed ${hex4(crc)}`);
  return { ok: true, value: null };
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Decodes one whole RTU request frame (the simulator's side). */
export function decodeRtuRequest(frame: Uint8Array): ModbusResult<RtuRequestFrame> {
  const check = checkFrame(frame);
  if (!check.ok) return check;
  const pdu = decodeRequestPdu(frame, 1, frame.length - 2);
  if (!pdu.ok) return pdu;
  return { ok: true, value: { unitId: frame[0]!, request: pdu.value } };
}

/**
 * Decodes one whole RTU response frame (the gateway's side). With `expect`, the answer must
 * come from that unit and answer that request; an exception answer is then an `exception`
 * rejection carrying the device's code. Without it, exception answers decode as values.
 */
export function decodeRtuResponse(
  frame: Uint8Array,
  expect?: { unitId?: number; request?: ModbusRequest },
): ModbusResult<RtuResponseFrame> {
  const check = checkFrame(frame);
  if (!check.ok) return check;
  const unitId = frame[0]!;
  if (expect?.unitId !== undefined && unitId !== expect.unitId)
    return modbusFail('unit-mismatch', `answer from unit ${unitId}, asked unit ${expect.unitId}`);
  const pdu = decodeResponsePdu(frame, 1, frame.length - 2);
  if (!pdu.ok) return pdu;
  if (expect?.request) {
    const matched = matchResponse(expect.request, pdu.value);
    if (!matched.ok) return matched;
  }
  return { ok: true, value: { unitId, response: pdu.value } };
}

/**
 * Length of the normal RTU answer to `req`, for spotting the frame end on a serial stream;
 * an exception answer is always RTU_EXCEPTION_LENGTH bytes. Undefined for function 43, whose
 * answer length only shows in its bytes (use rtuResponseFrameLength).
 */
export function expectedRtuResponseLength(req: ModbusRequest): number | undefined {
  switch (req.kind) {
    case 'read':
      return 5 + 2 * req.quantity;
    case 'write-single':
    case 'write-multiple':
      return 8;
    case 'device-id':
      return undefined;
  }
}

/**
 * Total length of the RTU response that starts at `bytes[0]`, from the bytes received so far;
 * undefined while more bytes are needed to tell; null when the function code is unknown.
 */
export function rtuResponseFrameLength(bytes: Uint8Array): number | undefined | null {
  if (bytes.length < 2) return undefined;
  const fc = bytes[1]!;
  if (fc & 0x80) return RTU_EXCEPTION_LENGTH;
  switch (fc) {
    case 3:
    case 4:
      return bytes.length < 3 ? undefined : 5 + bytes[2]!;
    case 6:
    case 16:
      return 8;
    case 43: {
      if (bytes.length < 8) return undefined;
      let o = 8;
      for (let i = 0; i < bytes[7]!; i++) {
        if (o + 2 > bytes.length) return undefined;
        o += 2 + bytes[o + 1]!;
        if (o > MAX_RTU_FRAME) return null;
      }
      return o + 2;
    }
    default:
      return null;
  }
}

/** As rtuResponseFrameLength, for a request stream (the simulator on a serial line). */
export function rtuRequestFrameLength(bytes: Uint8Array): number | undefined | null {
  if (bytes.length < 2) return undefined;
  switch (bytes[1]!) {
    case 3:
    case 4:
    case 6:
      return 8;
    case 16:
      return bytes.length < 7 ? undefined : 9 + bytes[6]!;
    case 43:
      return 7;
    default:
      return null;
  }
}
