// npm run bench:fuzz [cases] — every decoder of outside bytes fed random and mutated inputs
// (100 000 per decoder by default): none may throw; the table says how many decoded, how many
// were rejected and by which kinds, and the time spent decoding.
import { fuzzDevices } from './fuzz-devices.js';
import { fuzzHan } from './fuzz-han.js';
import { fuzzModbus } from './fuzz-modbus.js';
import { fuzzSunSpec } from './fuzz-sunspec.js';
import { fuzzText } from './fuzz-text.js';

interface Row {
  decoder: string;
  cases: number;
  decoded: number;
  rejected: number;
  byKind: Record<string, number>;
  ms: number;
}

const cases = Number(process.argv[2] ?? 100_000);
const rows: Row[] = [];
const failures: Array<{ family: string; error: string }> = [];
for (const [family, run] of [
  ['han', fuzzHan],
  ['dsmr/iec62056/s0', fuzzText],
  ['modbus', fuzzModbus],
  ['sunspec', fuzzSunSpec],
  ['device definitions', fuzzDevices],
] as Array<[string, (n: number) => Row[]]>) {
  try {
    rows.push(...run(cases));
  } catch (err) {
    // A decoder that throws on bad input is the failure this bench exists to find.
    failures.push({ family, error: (err as Error).stack ?? String(err) });
  }
}
const header = ['decoder', 'cases', 'decoded', 'rejected', 'µs/case', 'top rejection kinds'];
const cells = rows.map((r) => [
  r.decoder,
  String(r.cases),
  String(r.decoded),
  String(r.rejected),
  ((r.ms * 1000) / r.cases).toFixed(1),
  Object.entries(r.byKind)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${n}`)
    .join(', '),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
console.log(header.map((h, i) => h.padEnd(widths[i] ?? 0)).join('  '));
for (const c of cells) console.log(c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  '));
for (const f of failures) console.log(`THREW in ${f.family}: ${f.error}`);
console.log(JSON.stringify({ bench: 'fuzz', casesPerDecoder: cases, rows, failures }));
process.exit(failures.length > 0 ? 1 : 0);
