// `nabo decode han`: a capture from a HAN port (hex dump or raw bytes, one or many frames, or
// an LLC-only dump) → every frame decoded with units, meter id, model and clock, and every
// rejected frame with its reason. Exit 1 when nothing decodes.
import type { Command } from 'commander';
import { createHanReader, decodeHanInformation, type HanFrame, type HanReadout } from '../../../protocols/han/index.js';
import { isTimeZone } from '../../../core/time-zone.js';
import { toHex } from '../../../protocols/hex.js';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { EXIT_FAILED, formatTable, printJson, resolveFormat, UsageError } from '../output.js';
import { readCapture } from './input.js';

interface HanCliOptions {
  format?: string;
  key?: string;
  authKey?: string;
  timeZone: string;
  stuffing?: boolean;
  country?: string;
}

function parseKey(text: string | undefined, flag: string): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(clean)) throw new UsageError(`${flag} must be 16 bytes as 32 hex digits`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function register(decode: Command): void {
  decode
    .command('han')
    .description('decode HAN port frames (HDLC + DLMS/COSEM push: Aidon, Kaifa, Kamstrup lists; AES-GCM with a key)')
    .argument('[file]', 'capture: hex dump (any spacing) or raw bytes; - or nothing for stdin')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .option('--key <hex>', 'encryption key (GUEK), 32 hex digits, for ciphered meters')
    .option('--auth-key <hex>', 'authentication key (GAK), 32 hex digits; checks the GCM tag')
    .option('--time-zone <zone>', 'IANA zone of the meter clock', 'Europe/Oslo')
    .option('--stuffing', 'the capture is byte-stuffed (0x7D escapes; converters only, meters do not)')
    .option('--country <cc>', "the meter's country, for lists scaled by country (Kamstrup: NO 10 Wh per count, else 1 Wh)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ nabo decode han docs/examples/han-kaifa.hex --format table\n  $ echo "7E A0 27 01 02 01 10 5A 87 E6 E7 00 0F 40 00 00 00 09 0C 07 E6 0A 10 07 15 00 12 FF 80 00 00 02 01 06 00 00 0D 5F A1 2E 7E" | nabo decode han -\n  $ nabo decode han docs/examples/han-encrypted.hex --key 00112233445566778899AABBCCDDEEFF --auth-key 0F0E0D0C0B0A09080706050403020100\n',
    )
    .action((file: string | undefined, opts: HanCliOptions) => {
      if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'table') {
        throw new UsageError(`--format must be json or table, not '${opts.format}'`);
      }
      if (!isTimeZone(opts.timeZone)) throw new UsageError(`--time-zone: unknown zone '${opts.timeZone}'`);
      const options = {
        encryptionKey: parseKey(opts.key, '--key'),
        authenticationKey: parseKey(opts.authKey, '--auth-key'),
        timeZone: opts.timeZone,
        byteStuffing: opts.stuffing === true,
        ...(opts.country !== undefined ? { country: opts.country.toUpperCase() } : {}),
      };
      if (opts.country !== undefined && !/^[A-Za-z]{2}$/.test(opts.country)) throw new UsageError(`--country must be a two-letter country code, not '${opts.country}'`);
      const { bytes } = readCapture(file);
      let readouts: HanReadout[];
      if (bytes[0] === 0xe6 && bytes[1] === 0xe7 && bytes[2] === 0x00) {
        // An LLC-only dump (the information field without HDLC), as some readers print them.
        readouts = [{ result: decodeHanInformation(bytes, options), bytes }];
      } else {
        const reader = createHanReader(options);
        readouts = [...reader.push(bytes), ...reader.flush()];
      }
      if (resolveFormat(opts.format) === 'json') printJson(toJson(readouts));
      else process.stdout.write(toTable(readouts));
      if (!readouts.some((r) => r.result.ok)) {
        if (readouts.length === 0) process.stderr.write('nabo decode han: no HDLC frame found in the input\n');
        process.exitCode = EXIT_FAILED;
      }
    });
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function frameJson(f: HanFrame): Record<string, unknown> {
  return {
    layout: f.layout,
    list: f.list,
    manufacturer: f.manufacturer ?? null,
    meterId: f.meterId ?? null,
    model: f.model ?? null,
    listVersion: f.listVersion ?? null,
    meterTime: iso(f.meterTimeMs),
    meterClock: f.meterClock ?? null,
    encrypted: f.encrypted,
    ...(f.encrypted ? { authenticated: f.authenticated ?? false, systemTitle: f.systemTitle ?? null } : {}),
    values: Object.fromEntries(Object.entries(f.values).map(([q, v]) => [q, { value: v, unit: unitOf(q as Quantity) }])),
    warnings: f.warnings ?? [],
    items: f.items,
  };
}

function toJson(readouts: HanReadout[]): unknown {
  const frames = readouts.map((r, i) =>
    r.result.ok
      ? { index: i + 1, ok: true, ...frameJson(r.result.value) }
      : { index: i + 1, ok: false, kind: r.result.error.kind, detail: r.result.error.detail, bytes: toHex(r.bytes.subarray(0, 64)), byteCount: r.bytes.length },
  );
  return { decoded: frames.filter((f) => f.ok).length, rejected: frames.filter((f) => !f.ok).length, frames };
}

function toTable(readouts: HanReadout[]): string {
  const out: string[] = [];
  if (readouts.length === 0) return 'no HDLC frame found\n';
  readouts.forEach((r, i) => {
    if (!r.result.ok) {
      const detail = r.result.error.detail;
      // An unknown layout comes with its items dumped: one per line, for working the layout out.
      const dump = r.result.error.kind === 'layout' ? /^(unknown list layout, not decoded: [^:]+): (.*)$/.exec(detail) : null;
      if (dump) out.push(`frame ${i + 1}: rejected (layout): ${dump[1]}\n${(dump[2] as string).split('; ').map((item) => `  ${item}\n`).join('')}\n`);
      else out.push(`frame ${i + 1}: rejected (${r.result.error.kind}): ${detail}\n\n`);
      return;
    }
    const f = r.result.value;
    const who = [f.manufacturer, f.model].filter(Boolean).join(' ') || 'unknown meter';
    out.push(`frame ${i + 1}: ${f.layout} list ${f.list}, ${who}${f.meterId ? `, meter id ${f.meterId}` : ''}${f.encrypted ? `, ciphered${f.authenticated ? ' (authenticated)' : ''}` : ''}\n`);
    if (f.meterTimeMs !== undefined) out.push(`meter time ${iso(f.meterTimeMs)} (clock shows ${f.meterClock})\n`);
    for (const w of f.warnings ?? []) out.push(`warning: ${w}\n`);
    const rows = Object.entries(f.values).map(([q, v]) => [q, v, unitOf(q as Quantity)]);
    out.push(rows.length > 0 ? formatTable(['quantity', 'value', 'unit'], rows) : 'no values\n');
    out.push('\n');
  });
  const ok = readouts.filter((r) => r.result.ok).length;
  out.push(`${ok} decoded, ${readouts.length - ok} rejected\n`);
  return out.join('');
}
