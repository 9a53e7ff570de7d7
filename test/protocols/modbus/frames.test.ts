import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Modbus } from '../../../protocols/checksums/crc16-modbus.js';
import { decodeAsciiRequest, decodeAsciiResponse } from '../../../protocols/modbus/ascii.js';
import { decodeMbapRequest, decodeMbapResponse, encodeMbapRequest, encodeMbapResponse, mbapFrameLength } from '../../../protocols/modbus/mbap.js';
import { MODBUS_ERROR_KINDS, type ModbusRequest, type ModbusResponse } from '../../../protocols/modbus/pdu.js';
import {
  decodeRtuRequest,
  decodeRtuResponse,
  encodeRtuRequest,
  encodeRtuResponse,
  expectedRtuResponseLength,
  rtuRequestFrameLength,
  rtuResponseFrameLength,
} from '../../../protocols/modbus/rtu.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const words = (max: number) => fc.array(u16, { minLength: 1, maxLength: max }).map((a) => Uint16Array.from(a));

const requestArb: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc
    .record({ functionCode: fc.constantFrom(3 as const, 4 as const), address: fc.integer({ min: 0, max: 65000 }), quantity: fc.integer({ min: 1, max: 125 }) })
    .map((r) => ({ kind: 'read' as const, ...r })),
  fc.record({ address: u16, value: u16 }).map((r) => ({ kind: 'write-single' as const, functionCode: 6 as const, ...r })),
  fc.record({ address: u16, values: words(123) }).map((r) => ({ kind: 'write-multiple' as const, functionCode: 16 as const, ...r })),
  fc
    .record({ readDeviceIdCode: fc.integer({ min: 1, max: 4 }), objectId: fc.integer({ min: 0, max: 255 }) })
    .map((r) => ({ kind: 'device-id' as const, functionCode: 43 as const, ...r })),
);

const responseArb: fc.Arbitrary<ModbusResponse> = fc.oneof(
  fc.record({ functionCode: fc.constantFrom(3 as const, 4 as const), registers: words(125) }).map((r) => ({ kind: 'read' as const, ...r })),
  fc.record({ address: u16, value: u16 }).map((r) => ({ kind: 'write-single' as const, functionCode: 6 as const, ...r })),
  fc.record({ address: u16, quantity: fc.integer({ min: 1, max: 123 }) }).map((r) => ({ kind: 'write-multiple' as const, functionCode: 16 as const, ...r })),
  fc.record({ functionCode: fc.constantFrom(3, 4, 6, 16, 43), exceptionCode: fc.integer({ min: 1, max: 11 }) }).map((r) => ({ kind: 'exception' as const, ...r })),
  fc
    .record({
      conformityLevel: fc.constantFrom(1, 2, 3, 0x81),
      moreFollows: fc.boolean(),
      nextObjectId: fc.integer({ min: 0, max: 255 }),
      objects: fc.array(fc.record({ id: fc.integer({ min: 0, max: 255 }), value: fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) }), { maxLength: 5 }),
    })
    .map((r) => ({ kind: 'device-id' as const, functionCode: 43 as const, readDeviceIdCode: 1, ...r })),
);

const normalise = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v instanceof Uint16Array ? Array.from(v) : v)));

describe('RTU and MBAP codecs', () => {
  it('round-trips any request through RTU and MBAP', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 0, max: 255 }), u16, (req, unit, tid) => {
        const rtu = decodeRtuRequest(encodeRtuRequest(unit, req));
        expect(rtu.ok && normalise(rtu.value)).toEqual(normalise({ unitId: unit, request: req }));
        const mbap = decodeMbapRequest(encodeMbapRequest(tid, unit, req));
        expect(mbap.ok && normalise(mbap.value)).toEqual(normalise({ transactionId: tid, unitId: unit, request: req }));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any response through RTU and MBAP', () => {
    fc.assert(
      fc.property(responseArb, fc.integer({ min: 0, max: 255 }), u16, (resp, unit, tid) => {
        const rtu = decodeRtuResponse(encodeRtuResponse(unit, resp));
        expect(rtu.ok && normalise(rtu.value)).toEqual(normalise({ unitId: unit, response: resp }));
        const mbap = decodeMbapResponse(encodeMbapResponse(tid, unit, resp));
        expect(mbap.ok && normalise(mbap.value)).toEqual(normalise({ transactionId: tid, unitId: unit, response: resp }));
      }),
      { numRuns: 300 },
    );
  });

  it('predicts the RTU answer length of a request from the request and from the first bytes', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const frame = encodeRtuRequest(1, req);
        expect(rtuRequestFrameLength(frame.subarray(0, 7))).toBe(frame.length);
        if (req.kind === 'device-id') return;
        const resp: ModbusResponse =
          req.kind === 'read' ? { kind: 'read', functionCode: req.functionCode, registers: new Uint16Array(req.quantity) }
          : req.kind === 'write-single' ? { kind: 'write-single', functionCode: 6, address: req.address, value: req.value }
          : { kind: 'write-multiple', functionCode: 16, address: req.address, quantity: req.values.length };
        const answer = encodeRtuResponse(1, resp);
        expect(expectedRtuResponseLength(req)).toBe(answer.length);
        expect(rtuResponseFrameLength(answer.subarray(0, 3))).toBe(answer.length);
        expect(decodeRtuResponse(answer, { unitId: 1, request: req }).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('tells the length of a device identification answer once its objects are in', () => {
    const answer = encodeRtuResponse(7, {
      kind: 'device-id', functionCode: 43, readDeviceIdCode: 1, conformityLevel: 1, moreFollows: false, nextObjectId: 0,
      objects: [{ id: 0, value: 'Eastron' }, { id: 1, value: 'SDM630' }, { id: 2, value: '1.0' }],
    });
    expect(rtuResponseFrameLength(answer.subarray(0, 10))).toBeUndefined();
    expect(rtuResponseFrameLength(answer.subarray(0, answer.length - 2))).toBe(answer.length);
    expect(rtuResponseFrameLength(Uint8Array.of(1, 0x83))).toBe(5);
    expect(rtuResponseFrameLength(Uint8Array.of(1, 0x42, 0))).toBeNull();
  });

  it('rejects an answer with fewer registers than asked', () => {
    const req: ModbusRequest = { kind: 'read', functionCode: 4, address: 0, quantity: 4 };
    const answer = encodeRtuResponse(1, { kind: 'read', functionCode: 4, registers: new Uint16Array(2) });
    const r = decodeRtuResponse(answer, { unitId: 1, request: req });
    expect(!r.ok && r.error.kind).toBe('response-mismatch');
  });

  it('rejects an answer from another unit or to another function', () => {
    const req: ModbusRequest = { kind: 'read', functionCode: 4, address: 0, quantity: 2 };
    const fromTwo = encodeRtuResponse(2, { kind: 'read', functionCode: 4, registers: new Uint16Array(2) });
    const r1 = decodeRtuResponse(fromTwo, { unitId: 1, request: req });
    expect(!r1.ok && r1.error.kind).toBe('unit-mismatch');
    const holding = encodeRtuResponse(1, { kind: 'read', functionCode: 3, registers: new Uint16Array(2) });
    const r2 = decodeRtuResponse(holding, { unitId: 1, request: req });
    expect(!r2.ok && r2.error.kind).toBe('unexpected-function');
  });

  it('rejects an MBAP answer with another transaction id and a non-Modbus protocol id', () => {
    const req: ModbusRequest = { kind: 'read', functionCode: 3, address: 0, quantity: 1 };
    const answer = encodeMbapResponse(9, 1, { kind: 'read', functionCode: 3, registers: Uint16Array.of(5) });
    const r = decodeMbapResponse(answer, { transactionId: 8, request: req });
    expect(!r.ok && r.error.kind).toBe('transaction-mismatch');
    const bad = answer.slice();
    bad[3] = 1;
    const p = decodeMbapResponse(bad);
    expect(!p.ok && p.error.kind).toBe('protocol-id');
    expect(mbapFrameLength(bad)).toBeNull();
    expect(mbapFrameLength(answer.subarray(0, 6))).toBe(answer.length);
  });

  it('rejects a read request for zero or more than 125 registers', () => {
    const frame = encodeRtuRequest(1, { kind: 'read', functionCode: 3, address: 0, quantity: 1 });
    const mbap = encodeMbapRequest(1, 1, { kind: 'read', functionCode: 3, address: 0, quantity: 1 });
    mbap[10] = 0;
    mbap[11] = 126;
    const r = decodeMbapRequest(mbap);
    expect(!r.ok && r.error.kind).toBe('illegal-value');
    expect(decodeRtuRequest(frame).ok).toBe(true);
  });

  it('refuses to encode a read of 126 registers (a programming error)', () => {
    expect(() => encodeRtuRequest(1, { kind: 'read', functionCode: 3, address: 0, quantity: 126 })).toThrow(RangeError);
  });
});

describe('decoders on arbitrary bytes', () => {
  const decoders: Array<[string, (b: Uint8Array) => { ok: boolean; error?: { kind: string } }]> = [
    ['rtu request', decodeRtuRequest],
    ['rtu response', decodeRtuResponse],
    ['mbap request', decodeMbapRequest],
    ['mbap response', decodeMbapResponse],
    ['ascii request', (b) => decodeAsciiRequest(Buffer.from(b).toString('latin1'))],
    ['ascii response', (b) => decodeAsciiResponse(':' + Buffer.from(b).toString('hex') + '\r\n')],
  ];
  for (const [name, decode] of decoders) {
    it(`${name} never throws and only reports known error kinds`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const r = decode(bytes);
          if (!r.ok) expect(MODBUS_ERROR_KINDS).toContain(r.error!.kind);
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('RTU decoders never throw on random bodies that carry a valid CRC (reaching the PDU decoders)', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.constantFrom(3, 4, 6, 16, 43, 0x83), fc.uint8Array({ maxLength: 260 }), (unit, fcode, body) => {
        const frame = new Uint8Array(body.length + 4);
        frame[0] = unit;
        frame[1] = fcode;
        frame.set(body, 2);
        const crc = crc16Modbus(frame, 0, frame.length - 2);
        frame[frame.length - 2] = crc & 0xff;
        frame[frame.length - 1] = crc >>> 8;
        for (const r of [decodeRtuResponse(frame), decodeRtuRequest(frame)]) if (!r.ok) kinds.add(r.error.kind);
      }),
      { numRuns: 1000 },
    );
    expect(kinds.has('crc')).toBe(false);
  });
});

describe('corrupted frames from any valid frame', () => {
  it('rejects every single flipped bit of random RTU requests and responses', () => {
    fc.assert(
      fc.property(requestArb, responseArb, fc.nat(), (req, resp, pick) => {
        for (const [frame, decode] of [[encodeRtuRequest(1, req), decodeRtuRequest], [encodeRtuResponse(1, resp), decodeRtuResponse]] as const) {
          const bit = pick % (frame.length * 8);
          const copy = frame.slice();
          copy[bit >> 3]! ^= 1 << (bit & 7);
          expect(decode(copy).ok).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to encode a device identification answer longer than a PDU (a programming error)', () => {
    const objects = Array.from({ length: 5 }, (_, id) => ({ id, value: 'x'.repeat(60) }));
    expect(() => encodeRtuResponse(1, { kind: 'device-id', functionCode: 43, readDeviceIdCode: 1, conformityLevel: 1, moreFollows: false, nextObjectId: 0, objects })).toThrow(RangeError);
  });
});
