// Writes docs/devices.md from the device definitions, so the page cannot drift from the data
// (a test compares the checked-in page with this output). Run: npm run docs:devices
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEVICE_DEFINITIONS, SUNSPEC_DEFINITION } from '../protocols/devices/index.js';
import type { SunSpecDefinition } from '../protocols/devices/sunspec.js';
import { rtuLine } from '../protocols/modbus/line-time.js';
import { MODELS } from '../protocols/sunspec/models/index.js';
import { onePerRegisterLineTimeMs, planReads, spansFor } from '../protocols/modbus/planner.js';
import { registerWords, type DeviceCategory, type DeviceDefinition, type RegisterDef } from '../protocols/modbus/registers.js';

const hex = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(4, '0');
const cell = (s: string) => s.replace(/\|/g, '\\|');

function typeText(r: RegisterDef): string {
  const words = registerWords(r);
  const parts = [r.type === 'string' ? `string(${words})` : r.type];
  if (words > 1 && r.wordOrder === 'low-first') parts.push('low word first');
  if (r.byteOrder === 'little') parts.push('little-endian words');
  return parts.join(', ');
}

function quantityText(r: RegisterDef): string {
  if (!r.quantity) return '';
  if (r.signFrom) {
    const { register, mask, vendor } = r.signFrom;
    return `${r.quantity} (magnitude; ${vendor ?? 'direction'} when ${register} & 0x${mask.toString(16).toUpperCase()} is set)`;
  }
  if (r.opposite) return `${r.quantity} (this minus ${r.opposite})`;
  if (!r.positive) return r.quantity;
  return `${r.quantity} (vendor: + = ${r.positive}${(r.multiplier ?? 1) < 0 ? ', negated' : ''})`;
}

function scaleText(r: RegisterDef): string {
  const parts: string[] = [];
  // A negative multiplier from a sign convention is said in the quantity column.
  const m = r.positive && r.multiplier !== undefined ? Math.abs(r.multiplier) : r.multiplier;
  if (m !== undefined && m !== 1) parts.push(`× ${m}`);
  if (r.divisor !== undefined && r.divisor !== 1) parts.push(`÷ ${r.divisor}`);
  if (r.scaleFactor) parts.push(`× 10^${r.scaleFactor}`);
  return parts.join(' ') || '1';
}

const CATEGORY_TEXT: Record<DeviceCategory, string> = {
  meter: 'energy meter',
  'pv-inverter': 'PV inverter',
  'hybrid-inverter': 'hybrid inverter (PV and battery; grid values from its meter)',
  'battery-inverter': 'battery inverter',
  'energy-gateway': 'energy gateway (values of the whole system)',
};

function deviceSection(def: DeviceDefinition): string[] {
  const lines: string[] = [];
  lines.push(`## ${def.manufacturer} ${def.model}`, '');
  lines.push(`\`${def.id}\` — ${def.description}`, '');
  if (def.category && def.category !== 'meter') lines.push(`- Kind: ${CATEGORY_TEXT[def.category]}`);
  lines.push(`- Checked against: ${def.source.document}, ${def.source.version}`);
  for (const c of def.source.crossChecks ?? []) lines.push(`- Cross-checked with: ${c}`);
  for (const d of def.source.differences ?? []) lines.push(`- Difference: ${d}`);
  for (const n of def.source.notes ?? []) lines.push(`- Note: ${n}`);
  const serial = def.serialDefaults
    ? `, factory serial settings ${def.serialDefaults.baudRate} baud, parity ${def.serialDefaults.parity}, ${def.serialDefaults.stopBits} stop bit${def.serialDefaults.stopBits > 1 ? 's' : ''}`
    : '';
  lines.push(`- Transport: ${def.transports.map((t) => (t === 'rtu' ? 'Modbus RTU' : 'Modbus TCP')).join(', ')}${serial}${def.defaultUnitId !== undefined ? `, unit id ${def.defaultUnitId}` : ''}`);
  lines.push(`- Limits: at most ${def.limits.maxRegistersPerRequest} registers per request`);
  for (const f of def.limits.forbidden) lines.push(`- Forbidden: function ${f.functionCode}, ${hex(f.start)}–${hex(f.end - 1)}${f.reason ? ` (${f.reason})` : ''}`);
  if (def.identification?.length) {
    const values = (vs: readonly (number | string)[]) => vs.map((v) => (typeof v === 'number' ? `${v} (${'0x' + v.toString(16).toUpperCase()})` : `"${v}"`)).join(', ');
    const sig = def.identification.map((c) =>
      c.probe ? `one-word read of ${hex(c.probe.address)} (function ${c.probe.functionCode}) ∈ {${values(c.anyOf)}}` : `${c.register} ∈ {${values(c.anyOf)}}`,
    );
    lines.push(`- Identification: ${sig.join(' and ')}`);
  } else lines.push('- Identification: none (recognised by configuration only)');
  const line = rtuLine(9600, '8N1', 0);
  const groups = ['fast', 'slow', 'identity'] as const;
  const plan = planReads(def, { line, groups });
  const naive = onePerRegisterLineTimeMs(spansFor(def, { groups }), line);
  lines.push(
    `- Full read at 9600 8N1 (no turnaround): ${plan.requests.length} requests, ${plan.wordsRead} registers, ${plan.predictedLineTimeMs.toFixed(1)} ms planned vs ${naive.toFixed(1)} ms one request per register`,
  );
  lines.push('', '| register | address | fc | type | unit | quantity | scale | poll |', '|---|---|---|---|---|---|---|---|');
  const sorted = [...def.registers].sort((a, b) => a.functionCode - b.functionCode || a.address - b.address);
  for (const r of sorted) {
    const fixed = r.fixed === undefined ? '' : ` (${typeof r.fixed === 'number' ? `${r.fixed}, 0x${r.fixed.toString(16).toUpperCase()}` : `"${r.fixed}"`})`;
    const name = (r.description ? `${r.name} — ${r.description}` : r.name) + fixed;
    lines.push(
      `| ${cell(name)} | ${r.address} (${hex(r.address)}) | ${r.functionCode} | ${typeText(r)} | ${cell(r.unit ?? '')} | ${quantityText(r)} | ${scaleText(r)} | ${r.poll} |`,
    );
  }
  lines.push('');
  return lines;
}

/**
 * The generic SunSpec device has no fixed table: its registers come from discovery. Its
 * supported models are listed from the SunSpec tables themselves, so the page cannot drift.
 */
function sunspecSection(def: SunSpecDefinition): string[] {
  return [
    '## SunSpec devices (generic)',
    '',
    `\`${def.id}\` — any inverter, meter or battery that speaks SunSpec over Modbus.`,
    '',
    '- Registers: found at run time from the \'SunS\' marker and the model chain; the planner reads a discovered chain through `sunspecChainDefinition` (protocols/devices/sunspec.ts)',
    '- Limits: at most 125 registers per request unless the configuration says less',
    '- Supported models, transcribed from the official SunSpec model definitions (`protocols/sunspec/models/`):',
    '',
    '| model | label | fixed length | repeating group | source |',
    '|---|---|---|---|---|',
    ...def.supportedModels.map((m) => `| ${m.id} | ${cell(m.label)} | ${m.length} | ${m.repeating ? `${m.repeating.name} (${m.repeating.length})` : ''} | ${cell(MODELS.get(m.id)?.source ?? '')} |`),
    '',
  ];
}

export function renderDevicesDoc(defs: readonly DeviceDefinition[] = DEVICE_DEFINITIONS, sunspecDef: SunSpecDefinition = SUNSPEC_DEFINITION): string {
  const lines = [
    '# Supported Modbus devices',
    '',
    '<!-- Generated by scripts/gen-devices-doc.ts from protocols/devices/; do not edit by hand. -->',
    '',
    'Each device is a data file in `protocols/devices/`. Addresses are 0-based protocol addresses',
    '(a manual\'s 30001/40001 numbering minus the offset). Values are converted to the quantity\'s unit',
    '(kWh → Wh). "fc" is the Modbus function code: 3 holding, 4 input registers.',
    '',
    'A fleet file serves any of them in the simulator: `{ kind: modbus, model: <id> }` (device-sim/fleet/README.md).',
    '',
    'Meters that push or answer a readout (HAN lists by meter and country, DSMR P1 variants, IEC 62056-21',
    'readouts) are listed in [meter-formats.md](meter-formats.md).',
    '',
    '| id | manufacturer | model | kind | registers | transport | second sources |',
    '|---|---|---|---|---|---|---|',
    ...defs.map((d) => `| [${d.id}](#${anchor(d)}) | ${d.manufacturer} | ${cell(d.model)} | ${d.category ?? 'meter'} | ${d.registers.length} | ${d.transports.join(', ')} | ${d.source.crossChecks?.length ?? 0} |`),
    `| [${sunspecDef.id}](#sunspec-devices-generic) | SunSpec | any SunSpec Modbus device | any | by discovery | tcp, rtu | |`,
    '',
  ];
  for (const def of defs) lines.push(...deviceSection(def));
  lines.push(...sunspecSection(sunspecDef));
  return lines.join('\n').trimEnd() + '\n';
}

function anchor(def: Pick<DeviceDefinition, 'manufacturer' | 'model'>): string {
  return `${def.manufacturer} ${def.model}`.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-');
}

export const DEVICES_DOC_PATH = fileURLToPath(new URL('../docs/devices.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(DEVICES_DOC_PATH, renderDevicesDoc());
  process.stderr.write(`wrote ${DEVICES_DOC_PATH}\n`);
}
