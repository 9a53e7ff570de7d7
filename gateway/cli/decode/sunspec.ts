// `nabo decode sunspec`: a register dump → the SunSpec models it holds, decoded, with the
// normalised quantities and every problem with its reason.
import type { Command } from 'commander';
import { parseRegisterDump } from '../../../protocols/sunspec/dump.js';
import { mapReader, readSunSpecDevice, type SunSpecDevice } from '../../../protocols/sunspec/read-device.js';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { readSource } from './input.js';
import { EXIT_FAILED, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

export function register(decode: Command): void {
  decode
    .command('sunspec')
    .description('decode a SunSpec register dump: find the SunS marker, walk the model chain, decode every model')
    .argument('[file]', 'register dump (`address value` lines, decimal or 0x-hex, or JSON); - or nothing for stdin')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .option('--meter-sign <sign>', 'meter W sign: import-positive (SunSpec) or export-positive', 'import-positive')
    .addHelpText(
      'after',
      '\nExamples:\n  $ nabo decode sunspec docs/examples/sunspec-fronius-symo.txt --format table\n  $ echo \'{"40000": "0x5375", "40001": "0x6E53", "40002": 65535, "40003": 0}\' | nabo decode sunspec -\n',
    )
    .action((file: string | undefined, opts: { format?: string; meterSign: string }) => {
      if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'table') {
        throw new UsageError(`--format must be json or table, not '${opts.format}'`);
      }
      if (opts.meterSign !== 'import-positive' && opts.meterSign !== 'export-positive') {
        throw new UsageError(`--meter-sign must be import-positive or export-positive, not '${opts.meterSign}'`);
      }
      const parsed = parseRegisterDump(readSource(file).toString('utf8'));
      if (!parsed.ok) throw new UsageError(`not a register dump (${parsed.error.kind}): ${parsed.error.detail}`);
      const device = readSunSpecDevice(mapReader(parsed.value), { meterSign: opts.meterSign });
      if (resolveFormat(opts.format) === 'json') printJson(toJson(device));
      else process.stdout.write(toTable(device));
      if (device.models.length === 0) process.exitCode = EXIT_FAILED;
    });
}

function toJson(d: SunSpecDevice): unknown {
  return {
    baseAddress: d.baseAddress ?? null,
    complete: d.complete,
    identity: d.identity,
    quantities: Object.fromEntries(Object.entries(d.quantities).map(([q, v]) => [q, { value: v, unit: unitOf(q as Quantity) }])),
    models: d.models.map((m) => ({
      id: m.id,
      label: m.label,
      address: m.address,
      length: m.length,
      points: m.points,
      groups: m.groups,
      absent: m.absent,
    })),
    problems: d.problems,
  };
}

function show(v: { value: number | string; symbol?: string; flags?: string[] }): string {
  if (v.symbol !== undefined) return `${v.symbol} (${v.value})`;
  if (v.flags !== undefined) return v.flags.length === 0 ? 'none' : v.flags.join(' ');
  return String(v.value);
}

function toTable(d: SunSpecDevice): string {
  const out: string[] = [];
  out.push(`SunSpec base ${d.baseAddress ?? 'not found'}, ${d.models.length} model(s) decoded${d.complete ? '' : ', chain incomplete'}\n`);
  const id = Object.entries(d.identity);
  if (id.length > 0) out.push(id.map(([k, v]) => `${k}: ${v}`).join(', ') + '\n');
  for (const m of d.models) {
    out.push(`\nmodel ${m.id} ${m.label} at ${m.address} (length ${m.length})\n`);
    const rows: Array<Array<string | number>> = Object.entries(m.points).map(([name, v]) => [name, show(v), v.units ?? '']);
    m.groups.forEach((g, i) => {
      for (const [name, v] of Object.entries(g)) rows.push([`${m.groupName ?? 'group'}[${i}].${name}`, show(v), v.units ?? '']);
    });
    out.push(formatTable(['point', 'value', 'unit'], rows));
    if (m.absent.length > 0) out.push(`not implemented: ${m.absent.join(', ')}\n`);
  }
  const q = Object.entries(d.quantities);
  if (q.length > 0) {
    out.push('\nnormalised\n');
    out.push(formatTable(['quantity', 'value', 'unit'], q.map(([k, v]) => [k, v, unitOf(k as Quantity)])));
  }
  if (d.problems.length > 0) {
    out.push('\nproblems\n');
    out.push(formatTable(['kind', 'detail'], d.problems.map((p) => [p.kind, p.detail])));
  }
  return out.join('');
}
