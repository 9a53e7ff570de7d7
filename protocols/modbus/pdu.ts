// Modbus PDUs (function code + data), shared by the RTU and MBAP framings. Functions 3, 4
// (read), 6 (write single), 16 (write multiple) and 43/14 (read device identification).
// Decoders work on a window of a buffer, return a result and never read outside the window.
import { exceptionName, modbusFail, type ModbusResult } from './errors.js';

export { EXCEPTION_NAMES, MODBUS_ERROR_KINDS, modbusFail, type ModbusError, type ModbusErrorKind, type ModbusResult } from './errors.js';

export type ReadFunctionCode = 3 | 4;
export type FunctionCode = ReadFunctionCode | 6 | 16 | 43;
export const SUPPORTED_FUNCTION_CODES: readonly FunctionCode[] = [3, 4, 6, 16, 43];
/** MEI type of "read device identification" under function 43. */
export const MEI_READ_DEVICE_ID = 0x0e;

/** Limits from the Modbus application protocol spec v1.1b3, §6. */
export const MAX_READ_REGISTERS = 125;
export const MAX_WRITE_REGISTERS = 123;
/** Largest PDU the serial line and MBAP allow (256-byte RTU frame less unit id and CRC). */
export const MAX_PDU_LENGTH = 253;

export type ModbusRequest =
  | { kind: 'read'; functionCode: ReadFunctionCode; address: number; quantity: number }
  | { kind: 'write-single'; functionCode: 6; address: number; value: number }
  | { kind: 'write-multiple'; functionCode: 16; address: number; values: Uint16Array }
  | { kind: 'device-id'; functionCode: 43; readDeviceIdCode: number; objectId: number };

export interface DeviceIdObject {
  id: number;
  value: string;
}

export type ModbusResponse =
  | { kind: 'read'; functionCode: ReadFunctionCode; registers: Uint16Array }
  | { kind: 'write-single'; functionCode: 6; address: number; value: number }
  | { kind: 'write-multiple'; functionCode: 16; address: number; quantity: number }
  | {
      kind: 'device-id';
      functionCode: 43;
      readDeviceIdCode: number;
      conformityLevel: number;
      moreFollows: boolean;
      nextObjectId: number;
      objects: DeviceIdObject[];
    }
  | { kind: 'exception'; functionCode: number; exceptionCode: number };

function assertU16(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} ${v} is not a 16-bit unsigned integer`);
}

export function requestPduLength(req: ModbusRequest): number {
  switch (req.kind) {
    case 'read':
    case 'write-single':
      return 5;
    case 'write-multiple':
      return 6 + 2 * req.values.length;
    case 'device-id':
      return 4;
  }
}

/** Writes the request PDU at `offset`; returns the offset after it. Throws on invalid input (our own values). */
export function writeRequestPdu(req: ModbusRequest, out: Uint8Array, offset: number): number {
  let o = offset;
  out[o++] = req.functionCode;
  switch (req.kind) {
    case 'read':
      assertU16('address', req.address);
      if (!Number.isInteger(req.quantity) || req.quantity < 1 || req.quantity > MAX_READ_REGISTERS)
        throw new RangeError(`read quantity ${req.quantity} outside 1..${MAX_READ_REGISTERS}`);
      if (req.address + req.quantity > 0x10000) throw new RangeError('read runs past address 65535');
      out[o++] = req.address >>> 8;
      out[o++] = req.address & 0xff;
      out[o++] = req.quantity >>> 8;
      out[o++] = req.quantity & 0xff;
      return o;
    case 'write-single':
      assertU16('address', req.address);
      assertU16('value', req.value);
      out[o++] = req.address >>> 8;
      out[o++] = req.address & 0xff;
      out[o++] = req.value >>> 8;
      out[o++] = req.value & 0xff;
      return o;
    case 'write-multiple': {
      assertU16('address', req.address);
      const n = req.values.length;
      if (n < 1 || n > MAX_WRITE_REGISTERS) throw new RangeError(`write quantity ${n} outside 1..${MAX_WRITE_REGISTERS}`);
      out[o++] = req.address >>> 8;
      out[o++] = req.address & 0xff;
      out[o++] = n >>> 8;
      out[o++] = n & 0xff;
      out[o++] = 2 * n;
      for (let i = 0; i < n; i++) {
        out[o++] = req.values[i]! >>> 8;
        out[o++] = req.values[i]! & 0xff;
      }
      return o;
    }
    case 'device-id':
      out[o++] = MEI_READ_DEVICE_ID;
      out[o++] = req.readDeviceIdCode & 0xff;
      out[o++] = req.objectId & 0xff;
      return o;
  }
}

export function responsePduLength(resp: ModbusResponse): number {
  switch (resp.kind) {
    case 'read':
      return 2 + 2 * resp.registers.length;
    case 'write-single':
    case 'write-multiple':
      return 5;
    case 'device-id':
      return 7 + resp.objects.reduce((n, obj) => n + 2 + Buffer.byteLength(obj.value, 'latin1'), 0);
    case 'exception':
      return 2;
  }
}

/** Throws when an encoder is handed a PDU the protocol cannot carry (a programming error). */
export function assertPduFits(length: number): void {
  if (length > MAX_PDU_LENGTH) throw new RangeError(`PDU of ${length} bytes exceeds ${MAX_PDU_LENGTH}`);
}

/** Writes the response PDU at `offset`; returns the offset after it. */
export function writeResponsePdu(resp: ModbusResponse, out: Uint8Array, offset: number): number {
  let o = offset;
  switch (resp.kind) {
    case 'read': {
      const n = resp.registers.length;
      if (n < 1 || n > MAX_READ_REGISTERS) throw new RangeError(`read response of ${n} registers outside 1..${MAX_READ_REGISTERS}`);
      out[o++] = resp.functionCode;
      out[o++] = 2 * n;
      for (let i = 0; i < n; i++) {
        const w = resp.registers[i]!;
        out[o++] = w >>> 8;
        out[o++] = w & 0xff;
      }
      return o;
    }
    case 'write-single':
      out[o++] = 6;
      out[o++] = resp.address >>> 8;
      out[o++] = resp.address & 0xff;
      out[o++] = resp.value >>> 8;
      out[o++] = resp.value & 0xff;
      return o;
    case 'write-multiple':
      out[o++] = 16;
      out[o++] = resp.address >>> 8;
      out[o++] = resp.address & 0xff;
      out[o++] = resp.quantity >>> 8;
      out[o++] = resp.quantity & 0xff;
      return o;
    case 'device-id':
      out[o++] = 43;
      out[o++] = MEI_READ_DEVICE_ID;
      out[o++] = resp.readDeviceIdCode;
      out[o++] = resp.conformityLevel;
      out[o++] = resp.moreFollows ? 0xff : 0;
      out[o++] = resp.nextObjectId;
      out[o++] = resp.objects.length;
      for (const obj of resp.objects) {
        const bytes = Buffer.from(obj.value, 'latin1');
        if (bytes.length > 255) throw new RangeError(`device id object ${obj.id} longer than 255 bytes`);
        out[o++] = obj.id;
        out[o++] = bytes.length;
        out.set(bytes, o);
        o += bytes.length;
      }
      return o;
    case 'exception':
      out[o++] = (resp.functionCode | 0x80) & 0xff;
      out[o++] = resp.exceptionCode;
      return o;
  }
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** Decodes the request PDU in `b[start, end)`. */
export function decodeRequestPdu(b: Uint8Array, start: number, end: number): ModbusResult<ModbusRequest> {
  const len = end - start;
  if (len < 1) return modbusFail('truncated', 'no function code');
  const fc = b[start]!;
  const exact = (n: number): ModbusResult<null> =>
    len < n ? modbusFail('truncated', `function ${fc} request needs ${n} PDU bytes, got ${len}`)
    : len > n ? modbusFail('length-mismatch', `function ${fc} request is ${n} PDU bytes, got ${len}`)
    : { ok: true, value: null };
  switch (fc) {
    case 3:
    case 4: {
      const check = exact(5);
      if (!check.ok) return check;
      const quantity = u16(b, start + 3);
      const address = u16(b, start + 1);
      if (quantity < 1 || quantity > MAX_READ_REGISTERS) return modbusFail('illegal-value', `read quantity ${quantity} outside 1..125`);
      return { ok: true, value: { kind: 'read', functionCode: fc, address, quantity } };
    }
    case 6: {
      const check = exact(5);
      if (!check.ok) return check;
      return { ok: true, value: { kind: 'write-single', functionCode: 6, address: u16(b, start + 1), value: u16(b, start + 3) } };
    }
    case 16: {
      if (len < 6) return modbusFail('truncated', `write-multiple request needs at least 6 PDU bytes, got ${len}`);
      const quantity = u16(b, start + 3);
      const byteCount = b[start + 5]!;
      if (quantity < 1 || quantity > MAX_WRITE_REGISTERS) return modbusFail('illegal-value', `write quantity ${quantity} outside 1..123`);
      if (byteCount !== 2 * quantity) return modbusFail('length-mismatch', `byte count ${byteCount} for ${quantity} registers`);
      const check = exact(6 + byteCount);
      if (!check.ok) return check;
      const values = new Uint16Array(quantity);
      for (let i = 0; i < quantity; i++) values[i] = u16(b, start + 6 + 2 * i);
      return { ok: true, value: { kind: 'write-multiple', functionCode: 16, address: u16(b, start + 1), values } };
    }
    case 43: {
      const check = exact(4);
      if (!check.ok) return check;
      if (b[start + 1] !== MEI_READ_DEVICE_ID) return modbusFail('unexpected-function', `MEI type ${b[start + 1]} is not read device identification`);
      const code = b[start + 2]!;
      if (code < 1 || code > 4) return modbusFail('illegal-value', `read device id code ${code} outside 1..4`);
      return { ok: true, value: { kind: 'device-id', functionCode: 43, readDeviceIdCode: code, objectId: b[start + 3]! } };
    }
    default:
      return modbusFail('unexpected-function', `function code ${fc} is not supported`);
  }
}

/** Decodes the response PDU in `b[start, end)`; an exception answer is a successful decode here. */
export function decodeResponsePdu(b: Uint8Array, start: number, end: number): ModbusResult<ModbusResponse> {
  const len = end - start;
  if (len < 2) return modbusFail('truncated', `response PDU of ${len} bytes`);
  const fc = b[start]!;
  if (fc & 0x80) {
    if (len !== 2) return modbusFail('length-mismatch', `exception PDU is 2 bytes, got ${len}`);
    return { ok: true, value: { kind: 'exception', functionCode: fc & 0x7f, exceptionCode: b[start + 1]! } };
  }
  switch (fc) {
    case 3:
    case 4: {
      const byteCount = b[start + 1]!;
      if (byteCount === 0 || byteCount % 2 !== 0 || byteCount > 2 * MAX_READ_REGISTERS)
        return modbusFail('illegal-value', `byte count ${byteCount} is not 2..250 and even`);
      if (len < 2 + byteCount) return modbusFail('truncated', `byte count ${byteCount} but only ${len - 2} data bytes`);
      if (len > 2 + byteCount) return modbusFail('length-mismatch', `byte count ${byteCount} but ${len - 2} data bytes`);
      const registers = new Uint16Array(byteCount / 2);
      for (let i = 0; i < registers.length; i++) registers[i] = u16(b, start + 2 + 2 * i);
      return { ok: true, value: { kind: 'read', functionCode: fc, registers } };
    }
    case 6:
    case 16: {
      if (len < 5) return modbusFail('truncated', `function ${fc} response needs 5 PDU bytes, got ${len}`);
      if (len > 5) return modbusFail('length-mismatch', `function ${fc} response is 5 PDU bytes, got ${len}`);
      const address = u16(b, start + 1);
      const second = u16(b, start + 3);
      return fc === 6
        ? { ok: true, value: { kind: 'write-single', functionCode: 6, address, value: second } }
        : { ok: true, value: { kind: 'write-multiple', functionCode: 16, address, quantity: second } };
    }
    case 43:
      return decodeDeviceIdPdu(b, start, end);
    default:
      return modbusFail('unexpected-function', `function code ${fc} is not supported`);
  }
}

function decodeDeviceIdPdu(b: Uint8Array, start: number, end: number): ModbusResult<ModbusResponse> {
  if (end - start < 7) return modbusFail('truncated', 'device identification header needs 7 bytes');
  if (b[start + 1] !== MEI_READ_DEVICE_ID) return modbusFail('unexpected-function', `MEI type ${b[start + 1]} is not read device identification`);
  const more = b[start + 4]!;
  if (more !== 0 && more !== 0xff) return modbusFail('illegal-value', `more-follows byte ${more} is neither 00 nor FF`);
  const count = b[start + 6]!;
  const objects: DeviceIdObject[] = [];
  let o = start + 7;
  for (let i = 0; i < count; i++) {
    if (o + 2 > end) return modbusFail('truncated', `object ${i} header runs past the frame`);
    const id = b[o]!;
    const n = b[o + 1]!;
    if (o + 2 + n > end) return modbusFail('truncated', `object ${id} value of ${n} bytes runs past the frame`);
    objects.push({ id, value: Buffer.from(b.buffer, b.byteOffset + o + 2, n).toString('latin1') });
    o += 2 + n;
  }
  if (o !== end) return modbusFail('length-mismatch', `${end - o} bytes after the last object`);
  return {
    ok: true,
    value: {
      kind: 'device-id',
      functionCode: 43,
      readDeviceIdCode: b[start + 2]!,
      conformityLevel: b[start + 3]!,
      moreFollows: more === 0xff,
      nextObjectId: b[start + 5]!,
      objects,
    },
  };
}

/**
 * Checks that a decoded response answers `req`: same function, right register count, echoed
 * address/value. Exception answers become an `exception` rejection with the device's code.
 */
export function matchResponse(req: ModbusRequest, resp: ModbusResponse): ModbusResult<ModbusResponse> {
  if (resp.kind === 'exception') {
    if (resp.functionCode !== req.functionCode)
      return modbusFail('unexpected-function', `exception for function ${resp.functionCode}, asked ${req.functionCode}`);
    const name = exceptionName(resp.exceptionCode);
    return modbusFail('exception', `exception ${resp.exceptionCode} (${name}) to function ${resp.functionCode}`, resp.exceptionCode);
  }
  if (resp.functionCode !== req.functionCode)
    return modbusFail('unexpected-function', `answer has function ${resp.functionCode}, asked ${req.functionCode}`);
  if (req.kind === 'read' && resp.kind === 'read' && resp.registers.length !== req.quantity)
    return modbusFail('response-mismatch', `asked ${req.quantity} registers, got ${resp.registers.length}`);
  if (req.kind === 'write-single' && resp.kind === 'write-single' && (resp.address !== req.address || resp.value !== req.value))
    return modbusFail('response-mismatch', 'write-single echo differs from the request');
  if (req.kind === 'write-multiple' && resp.kind === 'write-multiple' && (resp.address !== req.address || resp.quantity !== req.values.length))
    return modbusFail('response-mismatch', 'write-multiple echo differs from the request');
  return { ok: true, value: resp };
}
