// `nabo decode iec62056`: IEC 62056-21 readouts (mode A/B/C with STX…ETX BCC, or mode D
// pushes such as Hager eHZ) and programming commands, pasted as text or a hex dump → data sets
// with units, normalised values and meter id; each rejected readout with its reason.
import type { Command } from 'commander';
import { createIecSplitter, decodeCommand, decodeIecReadout, formatDataSet, type IecReadout } from '../../../protocols/iec62056-21/index.js';
import type { Result } from '../../../core/result.js';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { EXIT_FAILED, formatTable, printJson, resolveFormat, UsageError } from '../output.js';
import { readCapture } from './input.js';

interface Decoded {
  result: Result<IecReadout, string>;
  bytes: Uint8Array;
}

export function register(decode: Command): void {
  decode
    .command('iec62056')
    .description('decode IEC 62056-21 readouts (modes A–D, e.g. Landis+Gyr, Hager eHZ) and programming commands')
    .argument('[file]', 'capture: readout text or a hex dump; - or nothing for stdin')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .option('--unchecked-bcc', 'decode a readout whose BCC does not match (text edited after the meter sent it, e.g. a published capture); the mismatch is named in its warnings')
    .addHelpText('after', '\nExamples:\n  $ nabo decode iec62056 docs/examples/iec-readout.txt --format table\n  $ printf "/HAG5eHZ010C_EHZ1vA02\\r\\n1-0:1.8.0*255(000001.2963)\\r\\n!\\r\\n" | nabo decode iec62056 -\n')
    .action((file: string | undefined, opts: { format?: string; uncheckedBcc?: boolean }) => {
      if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'table') {
        throw new UsageError(`--format must be json or table, not '${opts.format}'`);
      }
      const { bytes } = readCapture(file);
      if (bytes[0] === 0x01) {
        // A programming-mode command (SOH C D STX data ETX BCC).
        const c = decodeCommand(bytes);
        printJson(c.ok ? { ok: true, command: c.value } : { ok: false, kind: c.error.kind, detail: c.error.detail });
        if (!c.ok) process.exitCode = EXIT_FAILED;
        return;
      }
      const splitter = createIecSplitter();
      const frames = [...splitter.push(bytes), ...splitter.end()];
      const decoded: Decoded[] = (frames.length > 0 ? frames : bytes.length > 0 ? [bytes] : []).map((f) => ({ result: decodeIecReadout(f, opts.uncheckedBcc ? { bccMismatch: 'decode-unchecked' } : {}), bytes: f }));
      if (resolveFormat(opts.format) === 'json') printJson(toJson(decoded));
      else process.stdout.write(toTable(decoded));
      if (!decoded.some((d) => d.result.ok)) {
        if (decoded.length === 0) process.stderr.write('nabo decode iec62056: the input is empty\n');
        process.exitCode = EXIT_FAILED;
      }
    });
}

function toJson(decoded: Decoded[]): unknown {
  const readouts = decoded.map((d, i) => {
    if (!d.result.ok) {
      return { index: i + 1, ok: false, kind: d.result.error.kind, detail: d.result.error.detail, byteCount: d.bytes.length };
    }
    const r = d.result.value;
    return {
      index: i + 1,
      ok: true,
      identification: r.identification ?? null,
      framing: r.framing,
      bccChecked: r.bccChecked,
      warnings: r.warnings ?? [],
      meterId: r.meterId ?? null,
      values: Object.fromEntries(Object.entries(r.values).map(([q, v]) => [q, { value: v, unit: unitOf(q as Quantity) }])),
      energyByTariffWh: r.energyByTariffWh,
      dataSets: r.dataSets,
    };
  });
  return { decoded: readouts.filter((r) => r.ok).length, rejected: readouts.filter((r) => !r.ok).length, readouts };
}

function toTable(decoded: Decoded[]): string {
  if (decoded.length === 0) return 'no readout found\n';
  const out: string[] = [];
  decoded.forEach((d, i) => {
    if (!d.result.ok) {
      out.push(`readout ${i + 1}: rejected (${d.result.error.kind}): ${d.result.error.detail}\n\n`);
      return;
    }
    const r = d.result.value;
    const id = r.identification;
    out.push(
      `readout ${i + 1}: ${id ? `${id.manufacturerId} ${id.identification} (mode ${id.mode}, up to ${id.maxBaud} Bd)` : 'no identification'}, ${r.bccChecked ? 'BCC ok' : r.framing === 'push' ? 'push, no BCC' : 'no ETX and BCC, not checked'}${r.meterId ? `, meter id ${r.meterId}` : ''}\n`,
    );
    for (const w of r.warnings ?? []) out.push(`warning: ${w}\n`);
    const rows = Object.entries(r.values).map(([q, v]) => [q, v, unitOf(q as Quantity)]);
    if (rows.length > 0) out.push(formatTable(['quantity', 'value', 'unit'], rows));
    out.push(formatTable(['data set'], r.dataSets.map((s) => [formatDataSet(s)])));
    out.push('\n');
  });
  const ok = decoded.filter((d) => d.result.ok).length;
  out.push(`${ok} decoded, ${decoded.length - ok} rejected\n`);
  return out.join('');
}
