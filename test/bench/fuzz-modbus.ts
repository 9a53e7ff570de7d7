// Fuzzes every Modbus decoder with seeded inputs: random bytes, mutated valid frames (bit flips,
// dropped, inserted and cut bytes) and random bodies under a valid CRC. A decoder that throws is
// counted under byKind.threw, which must stay absent. Wired into `npm run bench:fuzz`.
import { crc16Modbus } from '../../protocols/checksums/crc16-modbus.js';
import { decodeAsciiRequest, decodeAsciiResponse, encodeAsciiFrame } from '../../protocols/modbus/ascii.js';
import { decodeMbapRequest, decodeMbapResponse, encodeMbapRequest, encodeMbapResponse } from '../../protocols/modbus/mbap.js';
import type { ModbusRequest, ModbusResponse } from '../../protocols/modbus/pdu.js';
import { decodeRtuRequest, decodeRtuResponse, encodeRtuRequest, encodeRtuResponse } from '../../protocols/modbus/rtu.js';
import { xorshift32, type FuzzRow } from './fuzz-kit.js';

const rng = xorshift32;

function validRequest(next: () => number): ModbusRequest {
  switch (next() % 4) {
    case 0:
      return { kind: 'read', functionCode: next() % 2 ? 3 : 4, address: next() % 60000, quantity: 1 + (next() % 125) };
    case 1:
      return { kind: 'write-single', functionCode: 6, address: next() & 0xffff, value: next() & 0xffff };
    case 2:
      return { kind: 'write-multiple', functionCode: 16, address: next() & 0xffff, values: Uint16Array.from({ length: 1 + (next() % 20) }, () => next() & 0xffff) };
    default:
      return { kind: 'device-id', functionCode: 43, readDeviceIdCode: 1 + (next() % 4), objectId: next() & 0xff };
  }
}

function validResponse(next: () => number): ModbusResponse {
  switch (next() % 4) {
    case 0:
      return { kind: 'read', functionCode: next() % 2 ? 3 : 4, registers: Uint16Array.from({ length: 1 + (next() % 125) }, () => next() & 0xffff) };
    case 1:
      return { kind: 'write-single', functionCode: 6, address: next() & 0xffff, value: next() & 0xffff };
    case 2:
      return { kind: 'exception', functionCode: [3, 4, 6, 16][next() % 4]!, exceptionCode: 1 + (next() % 11) };
    default:
      return {
        kind: 'device-id', functionCode: 43, readDeviceIdCode: 1, conformityLevel: 1, moreFollows: false, nextObjectId: 0,
        objects: [{ id: 0, value: 'Vendor' }, { id: 1, value: 'Model-' + (next() % 1000) }],
      };
  }
}

function mutate(frame: Uint8Array, next: () => number): Uint8Array {
  const b = Array.from(frame);
  const edits = 1 + (next() % 3);
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : next() % b.length;
    switch (next() % 4) {
      case 0:
        if (b.length) b[at] = b[at]! ^ (1 << (next() % 8));
        break;
      case 1:
        b.splice(at, 1);
        break;
      case 2:
        b.splice(at, 0, next() & 0xff);
        break;
      default:
        b.length = Math.min(b.length, at);
    }
  }
  return Uint8Array.from(b);
}

function withCrc(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  const crc = crc16Modbus(body);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}

type Decode = (bytes: Uint8Array) => { ok: boolean; error?: { kind: string } };

function run(decoder: string, cases: number, make: (next: () => number, i: number) => Uint8Array, decode: Decode, seed: number): FuzzRow {
  const next = rng(seed);
  const inputs = Array.from({ length: cases }, (_, i) => make(next, i));
  const row: FuzzRow = { decoder, cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
  const t0 = performance.now();
  for (const bytes of inputs) {
    let kind: string | undefined;
    try {
      const r = decode(bytes);
      if (r.ok) row.decoded++;
      else kind = r.error!.kind;
    } catch {
      kind = 'threw';
    }
    if (kind !== undefined) {
      row.rejected++;
      row.byKind[kind] = (row.byKind[kind] ?? 0) + 1;
    }
  }
  row.ms = Math.round((performance.now() - t0) * 10) / 10;
  return row;
}

/** One input in three is random bytes, one a mutated valid frame, one a random body under a valid CRC. */
function rtuInput(valid: (next: () => number) => Uint8Array) {
  return (next: () => number, i: number): Uint8Array => {
    if (i % 3 === 0) return Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
    if (i % 3 === 1) return mutate(valid(next), next);
    return withCrc(Uint8Array.from({ length: 1 + (next() % 260) }, (_, k) => (k === 1 ? [3, 4, 6, 16, 43, 0x83][next() % 6]! : next() & 0xff)));
  };
}

function mbapInput(valid: (next: () => number) => Uint8Array) {
  return (next: () => number, i: number): Uint8Array => {
    if (i % 3 === 0) return Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
    if (i % 3 === 1) return mutate(valid(next), next);
    // Consistent header around a random PDU, so the PDU decoders see the garbage.
    const pdu = Uint8Array.from({ length: 1 + (next() % 253) }, (_, k) => (k === 0 ? [3, 4, 6, 16, 43, 0x83][next() % 6]! : next() & 0xff));
    const frame = new Uint8Array(7 + pdu.length);
    frame[4] = (pdu.length + 1) >>> 8;
    frame[5] = (pdu.length + 1) & 0xff;
    frame.set(pdu, 7);
    return frame;
  };
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

export function fuzzModbus(cases: number): FuzzRow[] {
  const rtuReq = (next: () => number) => encodeRtuRequest(next() & 0xff, validRequest(next));
  const rtuResp = (next: () => number) => encodeRtuResponse(next() & 0xff, validResponse(next));
  const mbapReq = (next: () => number) => encodeMbapRequest(next() & 0xffff, next() & 0xff, validRequest(next));
  const mbapResp = (next: () => number) => encodeMbapResponse(next() & 0xffff, next() & 0xff, validResponse(next));
  const asciiOf = (adu: Uint8Array) => Buffer.from(encodeAsciiFrame(adu.subarray(0, adu.length - 2)), 'latin1');
  return [
    run('modbus-rtu-request', cases, rtuInput(rtuReq), decodeRtuRequest, 1),
    run('modbus-rtu-response', cases, rtuInput(rtuResp), decodeRtuResponse, 2),
    run('modbus-mbap-request', cases, mbapInput(mbapReq), decodeMbapRequest, 3),
    run('modbus-mbap-response', cases, mbapInput(mbapResp), decodeMbapResponse, 4),
    run('modbus-ascii-request', cases, (next, i) => (i % 2 ? mutate(asciiOf(rtuReq(next)), next) : asciiOf(rtuReq(next))), (b) => decodeAsciiRequest(latin1(b)), 5),
    run('modbus-ascii-response', cases, (next, i) => (i % 2 ? mutate(asciiOf(rtuResp(next)), next) : asciiOf(rtuResp(next))), (b) => decodeAsciiResponse(latin1(b)), 6),
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const rows = fuzzModbus(Number(process.argv[2] ?? 100_000));
  for (const r of rows) process.stdout.write(`${r.decoder.padEnd(24)} ${String(r.cases).padStart(8)} ok ${String(r.decoded).padStart(7)} rejected ${String(r.rejected).padStart(7)} ${r.ms} ms ${JSON.stringify(r.byKind)}\n`);
  process.stdout.write(JSON.stringify(rows) + '\n');
}
