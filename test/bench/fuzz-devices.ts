// Fuzzes the device-definition decoder with random register answers for every definition
// (sign flags, opposite registers, scale factors, not-available values included), and the
// SunSpec curve decoder with random curve models. Nothing may throw; every value must be finite.
import { DEVICE_DEFINITIONS } from '../../protocols/devices/index.js';
import { decodeDeviceRegisters, type ReadBlock } from '../../protocols/modbus/device-decode.js';
import { planReads } from '../../protocols/modbus/planner.js';
import { tcpLine } from '../../protocols/modbus/line-time.js';
import { decodeCurves, decodeModel, modelDef } from '../../protocols/sunspec/index.js';
import { xorshift32, type FuzzRow } from './fuzz-kit.js';

const count = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

const plans = new Map<string, ReturnType<typeof planReads>>();

/** The planned reads of a definition, answered with random words (a quarter of them all-ones or 0x8000). */
export function randomAnswers(defIndex: number, next: () => number): ReadBlock[] {
  const def = DEVICE_DEFINITIONS[defIndex % DEVICE_DEFINITIONS.length]!;
  let plan = plans.get(def.id);
  if (!plan) plans.set(def.id, (plan = planReads(def, { line: tcpLine(5, 1000), groups: ['fast', 'slow', 'identity'] })));
  return plan.requests.map((r) => ({
    functionCode: r.functionCode,
    address: r.address,
    registers: Uint16Array.from({ length: r.quantity }, () => (next() % 4 === 0 ? [0xffff, 0x8000, 0x7fff, 0][next() % 4]! : next() & 0xffff)),
  }));
}

export function fuzzDevices(cases: number): FuzzRow[] {
  const rows: FuzzRow[] = [];
  {
    const next = xorshift32(0xde71);
    const row: FuzzRow = { decoder: 'device-definitions', cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < cases; i++) {
      const def = DEVICE_DEFINITIONS[i % DEVICE_DEFINITIONS.length]!;
      const blocks = randomAnswers(i, next);
      const t0 = performance.now();
      const r = decodeDeviceRegisters(def, blocks, { groups: ['fast', 'slow', 'identity'] });
      row.ms += performance.now() - t0;
      for (const [q, v] of Object.entries(r.values)) if (!Number.isFinite(v)) throw new Error(`${def.id}: ${q} = ${v}`);
      if (r.rejections.length === 0) row.decoded++;
      else {
        row.rejected++;
        count(row.byKind, r.rejections[0]!.reason);
      }
    }
    rows.push(row);
  }
  {
    const next = xorshift32(0xc0e7);
    const ids = [126, 129, 130, 131, 132];
    const row: FuzzRow = { decoder: 'sunspec-curves', cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < cases; i++) {
      const id = ids[next() % ids.length]!;
      const def = modelDef(id)!;
      const length = def.fixedLength + (def.repeating?.length ?? 0) * (next() % 4);
      const block = Array.from({ length }, () => next() & 0xffff);
      const t0 = performance.now();
      const m = decodeModel(id, block);
      const curves = m.ok ? decodeCurves(m.value) : [];
      row.ms += performance.now() - t0;
      if (m.ok && curves.every((c) => c.points.every((p) => p.x === null || Number.isFinite(p.x)))) row.decoded++;
      else {
        row.rejected++;
        count(row.byKind, m.ok ? 'not-finite' : m.error.kind);
      }
    }
    rows.push(row);
  }
  return rows;
}
