import { describe, expect, it } from 'vitest';
import { crc16Modbus, hasValidModbusCrc } from '../../../protocols/checksums/crc16-modbus.js';
import { decodeAsciiFrame, decodeAsciiRequest, decodeAsciiResponse, encodeAsciiFrame, lrcModbus } from '../../../protocols/modbus/ascii.js';
import { decodeMbapRequest, decodeMbapResponse, encodeMbapRequest, encodeMbapResponse } from '../../../protocols/modbus/mbap.js';
import { decodeRtuRequest, decodeRtuResponse, encodeRtuRequest, encodeRtuResponse } from '../../../protocols/modbus/rtu.js';
import { hexBytes, loadConformance, toHexString } from './fixtures.js';

const frames = loadConformance('modbus-frames.json');
const rtu: any[] = frames.rtu_frames;

describe('CRC and LRC reference vectors', () => {
  for (const v of frames.crc_vectors as any[]) {
    it(`computes ${v.id}`, () => {
      const input = hexBytes(v.input_hex);
      if (v.id.startsWith('lrc')) {
        expect(lrcModbus(input)).toBe(parseInt(v.expected[0].value, 16));
      } else if (typeof v.expected[0].value === 'number') {
        expect(crc16Modbus(input)).toBe(v.expected[0].value);
      } else {
        // pymodbus states the CRC as the wire bytes read big-endian; the register is byte-swapped.
        expect(crc16Modbus(input)).toBe(parseInt(v.check.computed_register, 16));
        const wire = parseInt(v.expected[0].value, 16);
        expect(((crc16Modbus(input) & 0xff) << 8) | (crc16Modbus(input) >>> 8)).toBe(wire);
      }
    });
  }
});

describe('RTU frames from the conformance set', () => {
  for (const f of rtu) {
    const bytes = hexBytes(f.raw_hex);
    const d = f.decoded;
    it(`${f.id}: CRC verdict matches the record (${f.crc_check.crc_ok ? 'valid' : 'corrupt'})`, () => {
      expect(hasValidModbusCrc(bytes)).toBe(f.crc_check.crc_ok);
    });
    if (!f.crc_check.crc_ok) {
      it(`${f.id}: is rejected with kind crc`, () => {
        const r = decodeRtuResponse(bytes);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.kind).toBe('crc');
      });
      continue;
    }
    if (f.kind === 'request' || f.kind === 'write single register') {
      it(`${f.id}: decodes as a request and re-encodes to the same bytes`, () => {
        const r = decodeRtuRequest(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.unitId).toBe(d.unit_id);
        expect(r.value.request.functionCode).toBe(d.function_code);
        if (r.value.request.kind === 'read') {
          expect(r.value.request.address).toBe(d.start_address);
          expect(r.value.request.quantity).toBe(d.quantity);
        } else if (r.value.request.kind === 'write-single') {
          expect(r.value.request.address).toBe(d.address);
          expect(r.value.request.value).toBe(d.value);
        }
        expect(toHexString(encodeRtuRequest(r.value.unitId, r.value.request))).toBe(f.raw_hex);
      });
    } else if (f.kind === 'response') {
      it(`${f.id}: decodes ${d.registers_hex.length} registers and re-encodes to the same bytes`, () => {
        const r = decodeRtuResponse(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok || r.value.response.kind !== 'read') throw new Error('not a read response');
        expect(r.value.unitId).toBe(d.unit_id);
        expect(Array.from(r.value.response.registers, (w) => w.toString(16).toUpperCase().padStart(4, '0'))).toEqual(d.registers_hex);
        expect(toHexString(encodeRtuResponse(r.value.unitId, r.value.response))).toBe(f.raw_hex);
      });
    } else if (f.kind === 'exception') {
      it(`${f.id}: decodes exception ${d.exception_code} and rejects it against its request`, () => {
        const r = decodeRtuResponse(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok || r.value.response.kind !== 'exception') throw new Error('not an exception');
        expect(r.value.response.exceptionCode).toBe(d.exception_code);
        expect(r.value.response.functionCode | 0x80).toBe(d.function_code);
        expect(toHexString(encodeRtuResponse(d.unit_id, r.value.response))).toBe(f.raw_hex);
        const asked = decodeRtuResponse(bytes, {
          unitId: d.unit_id,
          request: { kind: 'read', functionCode: 3, address: 0, quantity: 1 },
        });
        expect(asked.ok).toBe(false);
        if (!asked.ok) {
          expect(asked.error.kind).toBe('exception');
          expect(asked.error.exceptionCode).toBe(d.exception_code);
        }
      });
    }
  }

  it('covers every RTU record of the set', () => {
    expect(rtu.length).toBe(22);
  });
});

describe('Modbus ASCII frames from the conformance set', () => {
  for (const f of frames.ascii_frames as any[]) {
    it(`${f.id}: LRC verdict is ${f.lrc_check.ok ? 'valid' : 'corrupt'}`, () => {
      const r = decodeAsciiFrame(f.raw_text);
      expect(r.ok).toBe(f.lrc_check.ok);
      if (r.ok) {
        expect(encodeAsciiFrame(r.value)).toBe(f.raw_text);
        const decoded = f.id.includes('-req') ? decodeAsciiRequest(f.raw_text) : decodeAsciiResponse(f.raw_text);
        expect(decoded.ok).toBe(true);
      } else {
        expect(r.error.kind).toBe('lrc');
      }
    });
  }
});

describe('Modbus TCP (MBAP) frames from the conformance set', () => {
  for (const f of frames.tcp_mbap_frames as any[]) {
    const bytes = hexBytes(f.raw_hex);
    const d = f.decoded;
    it(`${f.id}: decodes the header and PDU and re-encodes to the same bytes`, () => {
      if (f.id.endsWith('-req')) {
        const r = decodeMbapRequest(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.transactionId).toBe(d.transaction_id);
        expect(r.value.unitId).toBe(d.unit_id);
        expect(toHexString(encodeMbapRequest(r.value.transactionId, r.value.unitId, r.value.request))).toBe(f.raw_hex);
        expect(toHexString(encodeMbapRequest(0, 0, r.value.request)).slice(14)).toBe(d.pdu_hex);
      } else {
        const r = decodeMbapResponse(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.transactionId).toBe(d.transaction_id);
        expect(r.value.unitId).toBe(d.unit_id);
        expect(toHexString(encodeMbapResponse(r.value.transactionId, r.value.unitId, r.value.response))).toBe(f.raw_hex);
      }
    });
  }
});

describe('corrupted RTU frames', () => {
  const valid = rtu.filter((f) => f.crc_check.crc_ok);
  const decoderFor = (f: any) => (f.kind === 'request' || f.kind === 'write single register' ? decodeRtuRequest : decodeRtuResponse);

  it('rejects every single flipped bit of every valid frame', () => {
    let cases = 0;
    for (const f of valid) {
      const bytes = hexBytes(f.raw_hex);
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const copy = bytes.slice();
        copy[bit >> 3]! ^= 1 << (bit & 7);
        const r = decoderFor(f)(copy);
        expect(r.ok, `${f.id} bit ${bit}`).toBe(false);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it('rejects every frame with one byte dropped', () => {
    for (const f of valid) {
      const bytes = hexBytes(f.raw_hex);
      for (let i = 0; i < bytes.length; i++) {
        const copy = new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
        expect(decoderFor(f)(copy).ok, `${f.id} without byte ${i}`).toBe(false);
      }
    }
  });
});
