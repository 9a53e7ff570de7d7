// Writes docs/meter-formats.md from the HAN layouts, the P1 variants and the OBIS maps the
// decoders use, so the page cannot drift from the data (a test compares the checked-in page
// with this output). Run: npx tsx scripts/gen-meter-formats-doc.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unitOf } from '../core/quantities.js';
import { KAIFA_POSITIONS, kaifaScaler } from '../protocols/han/layouts/kaifa.js';
import { kamstrupScaler } from '../protocols/han/layouts/kamstrup.js';
import { LIST_TABLES } from '../protocols/han/layouts/obis-list.js';
import { POSITIONAL_LAYOUTS, type Position } from '../protocols/han/layouts/positional.js';
import { NET_PAIRS, OBIS_QUANTITIES } from '../protocols/han/obis.js';
import { P1_VARIANTS } from '../protocols/dsmr/variants.js';
import { OBIS_DIRECT, OBIS_NET } from '../protocols/iec62056-21/obis-quantities.js';
import { HAN_COUNTRIES } from '../gateway/acquisition/han-options.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|');
const scaled = (scaler: number, unit: string): string => (scaler === 0 ? unit || '1' : `10^${scaler} ${unit}`.trim());
const KAMSTRUP_CODES = ['1.7.0', '2.7.0', '3.7.0', '4.7.0', '31.7.0', '51.7.0', '71.7.0', '32.7.0', '52.7.0', '72.7.0', '13.7.0', '1.8.0', '2.8.0', '3.8.0', '4.8.0'];

function quantityOfCde(cde: string): string {
  const q = OBIS_QUANTITIES[cde]?.quantity ?? NET_PAIRS.find((p) => p.importCde === cde || p.exportCde === cde)?.quantity;
  return q === undefined ? '' : `\`${q}\``;
}

function positionText(p: Position): string {
  if (p === null) return 'not documented (kept raw)';
  if ('role' in p) return p.role;
  const cde = p.obis.split(':')[1]?.split('.').slice(0, 3).join('.') ?? p.obis;
  const unit = OBIS_QUANTITIES[cde]?.unit ?? '';
  return `${p.obis} (${scaled(p.scaler, unit)})`;
}

function hanSection(): string[] {
  const out: string[] = [
    '## HAN (DLMS/COSEM push over HDLC or M-Bus)',
    '',
    'A frame is decoded by the first layout that recognises it from what it carries; a frame no',
    'layout recognises is rejected as `layout` with its items dumped, never decoded by a guess.',
    'Every decoded frame is checked for plausibility (power factor within ±1, grid voltages and',
    'frequency, P and Q against V·I); what looks like a wrong scaler is reported as a warning.',
    'A device may override any scaler (`scalers`, by C.D.E or full OBIS code) and name its',
    "country (`country`), which picks a list's country variant.",
    '',
    '### HAN options in the gateway config',
    '',
    'Set per HAN device under `han:`; `nabo config check` names the path of a bad one and exits 2.',
    'The meter clock is read in `gateway.timeZone`.',
    '',
    '```yaml',
    'devices:',
    '  - id: ams-meter',
    '    bus: han',
    '    model: han',
    '    role: grid-meter',
    '    han:',
    '      country: SE          # Kamstrup lists count 1 Wh here (10 Wh per count in NO, the default)',
    "      scalers:             # value = raw × 10^scaler, replacing the frame's or the layout's",
    "        '31.7.0': -3       # C.D.E: every channel's L1 current (a CT meter sending mA)",
    "        '1-1:32.7.0.255': -1  # or one item by its full code",
    '```',
    '',
    '| option | values | effect |',
    '|---|---|---|',
    `| \`country\` | ${HAN_COUNTRIES.join(', ')} | picks a list's country variant: Kamstrup energy in 10 Wh per count for NO (or no country), 1 Wh elsewhere |`,
    '| `scalers` | C.D.E or A-B:C.D.E.F → whole number −9..9 | replaces the scaler of the matching items; a wrong one shows as a plausibility warning on the frame (`nabo check`, `warnings`) |',
    '',
    '| order | layout | recognised by | scalers and units |',
    '|---|---|---|---|',
    '| 1 | `aidon` | an array of {OBIS, value, scaler_unit} structures (Aidon NO and SE) | from the frame |',
    '| 2 | `kamstrup` | a structure: list version text, then OBIS code / value pairs | the Kamstrup table below |',
    '| 3 | `kaifa` | a structure of values by position whose first item starts `KFM` | the Kaifa table below |',
    '| 4 | `obis-list` | OBIS codes in the frame: pairs, structures, or a capture-object list pushed with the values | from the frame, else the list table named by its version or its capture objects; else left raw with a warning |',
    '| 5 | positional id | a structure whose item count and identification texts match a layout below | from the layout |',
    '',
    '### Kamstrup (Kamstrup_V0001), by country',
    '',
    '| OBIS C.D.E | quantity | Norway (default) | elsewhere (SE, DK, CH, …) |',
    '|---|---|---|---|',
  ];
  for (const c of KAMSTRUP_CODES) {
    const unit = OBIS_QUANTITIES[c]?.unit ?? '';
    out.push(`| ${c} | ${quantityOfCde(c)} | ${scaled(kamstrupScaler(c, 'NO'), unit)} | ${scaled(kamstrupScaler(c, 'SE'), unit)} |`);
  }
  out.push('', 'The clock is local standard time all year (no DST).', '', '### Kaifa (KFM_001), positions by item count', '');
  out.push('| items | positions |', '|---|---|');
  for (const [n, codes] of Object.entries(KAIFA_POSITIONS)) {
    const text = codes.map((code) => {
      const cde = code.split(':')[1]?.split('.').slice(0, 3).join('.') as string;
      const unit = OBIS_QUANTITIES[cde]?.unit;
      return unit === undefined ? code : `${code} (${scaled(kaifaScaler(code), unit)})`;
    });
    out.push(`| ${n} | ${cell(text.join(', '))} |`);
  }
  out.push('', '### Lists with OBIS codes but no scaler_unit', '', '| maker | recognised by | source |', '|---|---|---|');
  for (const t of LIST_TABLES) {
    const by = t.version ? `list version \`${t.version.source}\`` : `capture objects ${t.codes?.join(', ')}`;
    out.push(`| ${t.manufacturer} | ${cell(by)} | ${cell(t.source)} |`);
  }
  out.push('', '### Positional layouts', '');
  for (const l of POSITIONAL_LAYOUTS) {
    const texts = Object.entries(l.texts).map(([at, re]) => `item ${at} matches \`${re.source}\``);
    out.push(`#### \`${l.id}\``, '', `${l.manufacturer} ${l.model}, ${l.country}. Source: ${l.source}.`, '');
    out.push(`Recognised by: ${l.count} items; ${texts.join('; ')}${l.integers ? `; integers at ${l.integers.join(', ')}` : ''}.`, '');
    out.push('| position | meaning |', '|---|---|');
    l.positions.forEach((p, i) => out.push(`| ${i} | ${cell(positionText(p))} |`));
    out.push('');
  }
  out.push('### OBIS codes mapped to quantities (HAN)', '', '| C.D.E | quantity | unit |', '|---|---|---|');
  for (const [c, q] of Object.entries(OBIS_QUANTITIES)) out.push(`| ${c} | \`${q.quantity}\` | ${q.unit || '1'} |`);
  for (const p of NET_PAIRS) out.push(`| ${p.importCde} − ${p.exportCde} | \`${p.quantity}\` | ${unitOf(p.quantity)} |`);
  return out;
}

function p1Section(): string[] {
  const out = [
    '## DSMR P1 variants',
    '',
    'One decoder reads them all: any unit of the right dimension is accepted and normalised',
    '(Wh or kWh, W or kW, varh or kvarh, m3); a unit of the wrong dimension is rejected.',
    '',
    '| variant | countries | identification lines | version line | CRC | units | equipment id | real telegrams in the fixtures |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const v of P1_VARIANTS) {
    out.push(`| ${cell(v.name)} | ${v.countries} | ${cell(v.headers.map((h) => `\`${h}\``).join(', '))} | ${cell(v.versionLine)} | ${cell(v.crc)} | ${cell(v.units)} | ${cell(v.equipmentId)} | ${cell(v.evidence.map((e) => `\`${e}\``).join(', '))} |`);
  }
  return out;
}

function iecSection(): string[] {
  const out = [
    '## IEC 62056-21 readouts',
    '',
    'Modes A–C (STX … ETX BCC) and mode D pushes. The BCC is checked wherever the readout has',
    'one. Accepted from real meters and reported as warnings on the readout:',
    '',
    "- `!` on the same line as the last data set;",
    '- mode A readouts without ETX and BCC (`bccChecked: false`);',
    '- an identification line with a space where the baud rate character belongs (mode A, 300 Bd);',
    '- a value with an empty unit (`(001234.5*)`), read in the unit meters print for it;',
    '- noise between data sets (a line without brackets) or between the last data set and `!`, skipped and named;',
    '- DEL bytes (0x7F) an optical head sends around a readout, and the echo of our request and of our',
    '  acknowledgement/option select (`ACK 0 5 0 CR LF` before the STX, as an Iskra MT174 head returns it).',
    '',
    'A BCC that does not match is a rejection (`bcc-mismatch`). Only text known to have been edited',
    'after the meter sent it (a published capture whose serial was anonymised) may be decoded with',
    "`bccMismatch: 'decode-unchecked'`: it then reads with `bccChecked: false` and the mismatch in its",
    'warnings. Bytes off a port are never read that way.',
    '',
    'E = 255 (not used) on instantaneous values means the same as E = 0: `1.7.255` is `1.7.0`.',
    'A signed total under 1.7 (EasyMeter) is split into import and export; a signed per-phase power',
    'under 36/56/76.7.0 (eBZ DD3) is read as it is.',
    '',
    '### OBIS codes mapped to quantities (P1 and IEC 62056-21)',
    '',
    '| C.D.E | quantity | unit |',
    '|---|---|---|',
  ];
  for (const [c, q] of Object.entries(OBIS_DIRECT)) out.push(`| ${c} | \`${q}\` | ${unitOf(q) || '1'} |`);
  for (const [q, plus, minus] of OBIS_NET) out.push(`| ${plus} − ${minus} | \`${q}\` | ${unitOf(q)} |`);
  out.push('| 1.8.0 (else Σ 1.8.x) | `energyImportWh` | Wh |', '| 2.8.0 (else Σ 2.8.x) | `energyExportWh` | Wh |');
  out.push('| 3.8.0 (else Σ 3.8.x) | `reactiveEnergyImportVarh` | varh |', '| 4.8.0 (else Σ 4.8.x) | `reactiveEnergyExportVarh` | varh |');
  return out;
}

export function renderMeterFormatsDoc(): string {
  const lines = [
    '# Meter formats: HAN layouts, P1 variants, IEC 62056-21',
    '',
    '<!-- Generated by scripts/gen-meter-formats-doc.ts from protocols/han, protocols/dsmr and protocols/iec62056-21. Do not edit. -->',
    '',
    'What the push and readout decoders read, generated from the data they use. Real captures',
    'behind every layout and variant are in `test/fixtures/conformance` and `test/fixtures/captures`',
    '(provenance in their README files).',
    '',
    ...hanSection(),
    '',
    ...p1Section(),
    '',
    ...iecSection(),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

export const METER_FORMATS_DOC_PATH = fileURLToPath(new URL('../docs/meter-formats.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(METER_FORMATS_DOC_PATH, renderMeterFormatsDoc());
  process.stderr.write(`wrote ${METER_FORMATS_DOC_PATH}\n`);
}
