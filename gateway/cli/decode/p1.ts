// `nabo decode p1`: DSMR P1 telegrams pasted as text (one or several, garbage between them is
// skipped) or as a hex dump → each telegram decoded with units, meter id and meter time in
// UTC, and each rejected one with its reason. Exit 1 when nothing decodes.
import type { Command } from 'commander';
import { createP1Splitter, decodeP1Ciphered, decodeP1Telegram, type P1Telegram } from '../../../protocols/dsmr/index.js';
import type { Result } from '../../../core/result.js';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { EXIT_FAILED, formatTable, printJson, resolveFormat, UsageError } from '../output.js';
import { readCapture } from './input.js';

interface P1CliOptions {
  format?: string;
  timeZone: string;
  requireCrc?: boolean;
  key?: string;
  authKey?: string;
}

function parseKey(text: string | undefined, flag: string): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(clean)) throw new UsageError(`${flag} must be 16 bytes as 32 hex digits`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

interface Decoded {
  result: Result<P1Telegram, string>;
  bytes: Uint8Array;
}

function checkZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UsageError(`--time-zone: unknown zone '${zone}'`);
  }
}

export function register(decode: Command): void {
  decode
    .command('p1')
    .description('decode DSMR P1 telegrams (NL DSMR 2.2–5.0, BE e-MUCS, Nordic and Irish P1)')
    .argument('[file]', 'capture: telegram text or a hex dump; - or nothing for stdin')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .option('--time-zone <zone>', 'IANA zone of the meter clock', 'Europe/Amsterdam')
    .option('--require-crc', 'reject telegrams without a CRC (DSMR 2.2/3.0 send none)')
    .option('--key <hex>', 'encryption key, 32 hex digits: the input is one ciphered frame (Luxembourg Smarty, T210-D-r)')
    .option('--auth-key <hex>', 'authentication key, 32 hex digits; checks the GCM tag')
    .addHelpText('after', '\nExamples:\n  $ nabo decode p1 docs/examples/p1-iskra-dsmr5.txt --format table\n  $ cat /dev/ttyUSB0 | head -c 2000 | nabo decode p1 -\n  $ nabo decode p1 docs/examples/p1-fluvius.txt --time-zone Europe/Brussels\n')
    .action((file: string | undefined, opts: P1CliOptions) => {
      if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'table') {
        throw new UsageError(`--format must be json or table, not '${opts.format}'`);
      }
      checkZone(opts.timeZone);
      const options = { timeZone: opts.timeZone, requireCrc: opts.requireCrc === true };
      const { bytes } = readCapture(file);
      const encryptionKey = parseKey(opts.key, '--key');
      const authenticationKey = parseKey(opts.authKey, '--auth-key');
      if (encryptionKey !== undefined) {
        // A ciphered frame is binary and carries no telegram framing: the whole input is one.
        const result = decodeP1Ciphered(bytes, { encryptionKey, ...(authenticationKey ? { authenticationKey } : {}) }, options);
        const one: Decoded[] = [{ result, bytes }];
        if (resolveFormat(opts.format) === 'json') printJson(toJson(one, 0));
        else process.stdout.write(toTable(one));
        if (!result.ok) process.exitCode = EXIT_FAILED;
        return;
      }
      const splitter = createP1Splitter();
      const frames = [...splitter.push(bytes), ...splitter.end()];
      // No telegram framing at all: decode the whole input once to say why.
      const decoded: Decoded[] = (frames.length > 0 ? frames : bytes.length > 0 ? [bytes] : []).map((f) => ({ result: decodeP1Telegram(f, options), bytes: f }));
      if (resolveFormat(opts.format) === 'json') printJson(toJson(decoded, splitter.stats.discardedBytes));
      else process.stdout.write(toTable(decoded));
      if (!decoded.some((d) => d.result.ok)) {
        if (decoded.length === 0) process.stderr.write('nabo decode p1: the input is empty\n');
        process.exitCode = EXIT_FAILED;
      }
    });
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function telegramJson(t: P1Telegram): Record<string, unknown> {
  return {
    header: t.header,
    manufacturerId: t.manufacturerId,
    version: t.version ?? null,
    crc: t.crc ?? null,
    meterId: t.meterId ?? null,
    meterTime: iso(t.meterTimeMs),
    activeTariff: t.activeTariff ?? null,
    values: Object.fromEntries(Object.entries(t.values).map(([q, v]) => [q, { value: v, unit: unitOf(q as Quantity) }])),
    energyByTariffWh: t.energyByTariffWh,
    gasTime: iso(t.gasTimeMs),
    mbus: t.mbus.map((m) => ({ ...m, capturedAt: iso(m.capturedAtMs) })),
    powerFailures: { ...t.powerFailures, log: t.powerFailures.log.map((f) => ({ ...f, end: iso(f.endMs) })) },
    textMessage: t.textMessage ?? null,
    objects: t.objects,
  };
}

function toJson(decoded: Decoded[], discardedBytes: number): unknown {
  const telegrams = decoded.map((d, i) =>
    d.result.ok
      ? { index: i + 1, ok: true, ...telegramJson(d.result.value) }
      : { index: i + 1, ok: false, kind: d.result.error.kind, detail: d.result.error.detail, start: Buffer.from(d.bytes.subarray(0, 40)).toString('latin1'), byteCount: d.bytes.length },
  );
  return { decoded: telegrams.filter((t) => t.ok).length, rejected: telegrams.filter((t) => !t.ok).length, discardedBytes, telegrams };
}

function toTable(decoded: Decoded[]): string {
  if (decoded.length === 0) return 'no telegram found\n';
  const out: string[] = [];
  decoded.forEach((d, i) => {
    if (!d.result.ok) {
      out.push(`telegram ${i + 1}: rejected (${d.result.error.kind}): ${d.result.error.detail}\n\n`);
      return;
    }
    const t = d.result.value;
    const version = t.version === undefined ? 'P1' : t.version === 'e-mucs' ? 'e-MUCS' : t.version === '2.2' ? 'DSMR 2.2/3.0' : `DSMR ${t.version}`;
    out.push(`telegram ${i + 1}: ${version} /${t.header}${t.meterId ? `, meter id ${t.meterId}` : ''}${t.crc ? `, CRC ${t.crc} ok` : ', no CRC'}\n`);
    if (t.meterTimeMs !== undefined) out.push(`meter time ${iso(t.meterTimeMs)}\n`);
    const rows: Array<Array<string | number>> = Object.entries(t.values).map(([q, v]) => [q, v, unitOf(q as Quantity)]);
    for (const [tariff, wh] of Object.entries(t.energyByTariffWh.import)) rows.push([`  import tariff ${tariff}`, wh, 'Wh']);
    for (const [tariff, wh] of Object.entries(t.energyByTariffWh.export)) rows.push([`  export tariff ${tariff}`, wh, 'Wh']);
    out.push(rows.length > 0 ? formatTable(['quantity', 'value', 'unit'], rows) : 'no values\n');
    for (const m of t.mbus) {
      out.push(`M-Bus ${m.channel}${m.deviceType !== undefined ? ` (type ${m.deviceType})` : ''}: ${m.valueText}${m.capturedAtMs !== undefined ? ` at ${iso(m.capturedAtMs)}` : ''}\n`);
    }
    if (t.textMessage) out.push(`message: ${t.textMessage}\n`);
    out.push('\n');
  });
  const ok = decoded.filter((d) => d.result.ok).length;
  out.push(`${ok} decoded, ${decoded.length - ok} rejected\n`);
  return out.join('');
}
