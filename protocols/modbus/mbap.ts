// Modbus TCP framing: the MBAP header (transaction id, protocol id 0, length of unit id + PDU,
// unit id) before the PDU; no checksum, TCP carries it. The simulator's server decodes requests
// and encodes responses with these, the gateway the reverse.
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

export const MBAP_HEADER_LENGTH = 7;
/** Header + the largest PDU (253 bytes). */
export const MAX_MBAP_FRAME = 260;

export interface MbapRequestFrame {
  transactionId: number;
  unitId: number;
  request: ModbusRequest;
}

export interface MbapResponseFrame {
  transactionId: number;
  unitId: number;
  response: ModbusResponse;
}

function writeHeader(frame: Uint8Array, transactionId: number, unitId: number): void {
  if (!Number.isInteger(transactionId) || transactionId < 0 || transactionId > 0xffff)
    throw new RangeError(`transaction id ${transactionId} outside 0..65535`);
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw new RangeError(`unit id ${unitId} outside 0..255`);
  const length = frame.length - 6;
  frame[0] = transactionId >>> 8;
  frame[1] = transactionId & 0xff;
  frame[2] = 0;
  frame[3] = 0;
  frame[4] = length >>> 8;
  frame[5] = length & 0xff;
  frame[6] = unitId;
}

export function encodeMbapRequest(transactionId: number, unitId: number, req: ModbusRequest): Uint8Array {
  const frame = new Uint8Array(MBAP_HEADER_LENGTH + requestPduLength(req));
  writeRequestPdu(req, frame, MBAP_HEADER_LENGTH);
  writeHeader(frame, transactionId, unitId);
  return frame;
}

export function encodeMbapResponse(transactionId: number, unitId: number, resp: ModbusResponse): Uint8Array {
  const pduLength = responsePduLength(resp);
  assertPduFits(pduLength);
  const frame = new Uint8Array(MBAP_HEADER_LENGTH + pduLength);
  writeResponsePdu(resp, frame, MBAP_HEADER_LENGTH);
  writeHeader(frame, transactionId, unitId);
  return frame;
}

interface Header {
  transactionId: number;
  unitId: number;
}

function checkHeader(frame: Uint8Array): ModbusResult<Header> {
  if (frame.length < MBAP_HEADER_LENGTH + 1) return modbusFail('truncated', `MBAP frame of ${frame.length} bytes (minimum 8)`);
  const protocolId = (frame[2]! << 8) | frame[3]!;
  if (protocolId !== 0) return modbusFail('protocol-id', `protocol id ${protocolId} is not 0 (Modbus)`);
  const length = (frame[4]! << 8) | frame[5]!;
  if (length < 2 || length > MAX_MBAP_FRAME - 6) return modbusFail('illegal-value', `MBAP length ${length} outside 2..254`);
  if (frame.length < 6 + length) return modbusFail('truncated', `MBAP length ${length} but ${frame.length - 6} bytes follow`);
  if (frame.length > 6 + length) return modbusFail('length-mismatch', `MBAP length ${length} but ${frame.length - 6} bytes follow`);
  return { ok: true, value: { transactionId: (frame[0]! << 8) | frame[1]!, unitId: frame[6]! } };
}

export function decodeMbapRequest(frame: Uint8Array): ModbusResult<MbapRequestFrame> {
  const header = checkHeader(frame);
  if (!header.ok) return header;
  const pdu = decodeRequestPdu(frame, MBAP_HEADER_LENGTH, frame.length);
  if (!pdu.ok) return pdu;
  return { ok: true, value: { ...header.value, request: pdu.value } };
}

/**
 * Decodes one MBAP response. With `expect`, the transaction id and unit id must match and the
 * answer must fit the request; an exception answer is then an `exception` rejection.
 */
export function decodeMbapResponse(
  frame: Uint8Array,
  expect?: { transactionId?: number; unitId?: number; request?: ModbusRequest },
): ModbusResult<MbapResponseFrame> {
  const header = checkHeader(frame);
  if (!header.ok) return header;
  const { transactionId, unitId } = header.value;
  if (expect?.transactionId !== undefined && transactionId !== expect.transactionId)
    return modbusFail('transaction-mismatch', `transaction ${transactionId}, expected ${expect.transactionId}`);
  if (expect?.unitId !== undefined && unitId !== expect.unitId)
    return modbusFail('unit-mismatch', `answer from unit ${unitId}, asked unit ${expect.unitId}`);
  const pdu = decodeResponsePdu(frame, MBAP_HEADER_LENGTH, frame.length);
  if (!pdu.ok) return pdu;
  if (expect?.request) {
    const matched = matchResponse(expect.request, pdu.value);
    if (!matched.ok) return matched;
  }
  return { ok: true, value: { transactionId, unitId, response: pdu.value } };
}

/**
 * Total length of the MBAP frame starting at `bytes[0]`, for cutting a TCP stream into
 * frames: undefined until the 6-byte prefix is in, null when the header cannot be Modbus
 * (protocol id not 0 or length out of range), so the caller drops the connection.
 */
export function mbapFrameLength(bytes: Uint8Array): number | undefined | null {
  if (bytes.length < 6) return undefined;
  if (bytes[2] !== 0 || bytes[3] !== 0) return null;
  const length = (bytes[4]! << 8) | bytes[5]!;
  if (length < 2 || length > MAX_MBAP_FRAME - 6) return null;
  return 6 + length;
}
