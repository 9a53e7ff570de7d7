// Modbus ASCII framing: ':' + hex of (unit id, PDU, LRC) + CR LF. Rare on meters, but cheap
// to support and some older RS-485 devices only speak it.
import { decodeRequestPdu, decodeResponsePdu, modbusFail, type ModbusRequest, type ModbusResponse, type ModbusResult } from './pdu.js';

/** LRC: two's complement of the 8-bit sum of the bytes. */
export function lrcModbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = Math.max(0, start); i < Math.min(end, bytes.length); i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** Wraps unit id + PDU bytes as an ASCII frame. */
export function encodeAsciiFrame(unitAndPdu: Uint8Array): string {
  const withLrc = new Uint8Array(unitAndPdu.length + 1);
  withLrc.set(unitAndPdu);
  withLrc[unitAndPdu.length] = lrcModbus(unitAndPdu);
  return ':' + Buffer.from(withLrc).toString('hex').toUpperCase() + '\r\n';
}

/** Unwraps an ASCII frame to unit id + PDU bytes after checking the LRC. */
export function decodeAsciiFrame(text: string): ModbusResult<Uint8Array> {
  if (text.length > 600) return modbusFail('length-mismatch', `ASCII frame of ${text.length} characters`);
  if (!text.startsWith(':')) return modbusFail('not-ascii', 'frame does not start with ":"');
  if (!text.endsWith('\r\n')) return modbusFail('truncated', 'frame does not end with CR LF');
  const body = text.slice(1, -2);
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(body)) return modbusFail('not-ascii', 'body is not pairs of hex digits');
  if (body.length < 6) return modbusFail('truncated', 'need unit id, function code and LRC');
  const bytes = Uint8Array.from(Buffer.from(body, 'hex'));
  const given = bytes[bytes.length - 1]!;
  const computed = lrcModbus(bytes, 0, bytes.length - 1);
  if (given !== computed) return modbusFail('lrc', `LRC ${given.toString(16)} on the wire, computed ${computed.toString(16)}`);
  return { ok: true, value: bytes.subarray(0, bytes.length - 1) };
}

export function decodeAsciiRequest(text: string): ModbusResult<{ unitId: number; request: ModbusRequest }> {
  const frame = decodeAsciiFrame(text);
  if (!frame.ok) return frame;
  const pdu = decodeRequestPdu(frame.value, 1, frame.value.length);
  return pdu.ok ? { ok: true, value: { unitId: frame.value[0]!, request: pdu.value } } : pdu;
}

export function decodeAsciiResponse(text: string): ModbusResult<{ unitId: number; response: ModbusResponse }> {
  const frame = decodeAsciiFrame(text);
  if (!frame.ok) return frame;
  const pdu = decodeResponsePdu(frame.value, 1, frame.value.length);
  return pdu.ok ? { ok: true, value: { unitId: frame.value[0]!, response: pdu.value } } : pdu;
}
