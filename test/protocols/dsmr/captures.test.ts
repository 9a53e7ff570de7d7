// Real P1 telegrams from public sources beyond the conformance set (test/fixtures/captures/
// p1-telegrams.json, provenance per entry), from the Netherlands (DSMR 2.2, 3.0, 5.0), Belgium
// (e-MUCS), Hungary, Austria (Wh units), Slovenia (no CRC), Norway, Sweden, Denmark and Poland:
// each decodes to the values its source asserts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeP1Telegram, type P1Telegram } from '../../../protocols/dsmr/index.js';
import type { Quantity } from '../../../core/quantities.js';

interface Asserted { name: string; obis?: string; value: unknown; unit?: string | null }
interface Capture { id: string; country: string; variant: string; manufacturer: string | null; meter_model: string | null; raw_text: string; asserted: Asserted[] }

const path = fileURLToPath(new URL('../../fixtures/captures/p1-telegrams.json', import.meta.url));
const CAPTURES: Capture[] = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Capture[] }).entries;

const FACTOR: Record<string, number> = { kWh: 1000, kW: 1000, kvarh: 1000, Wh: 1, W: 1, V: 1, A: 1, Hz: 1 };
const DIRECT: Record<string, Quantity> = {
  '1.8.0': 'energyImportWh', '2.8.0': 'energyExportWh', '3.8.0': 'reactiveEnergyImportVarh', '4.8.0': 'reactiveEnergyExportVarh',
  '1.7.0': 'powerImportW', '2.7.0': 'powerExportW', '32.7.0': 'voltageL1V', '52.7.0': 'voltageL2V', '72.7.0': 'voltageL3V',
  '31.7.0': 'currentL1A', '51.7.0': 'currentL2A', '71.7.0': 'currentL3A', '14.7.0': 'frequencyHz', '13.7.0': 'powerFactor',
};
const PHASE_NET: Record<string, [Quantity, string]> = { '21.7.0': ['powerL1W', '22.7.0'], '41.7.0': ['powerL2W', '42.7.0'], '61.7.0': ['powerL3W', '62.7.0'] };
/** DSMR ids are hex of ASCII; a hex string that is not printable ASCII stays as printed. */
const hexText = (hex: string): string => {
  const text = Buffer.from(hex, 'hex').toString('latin1');
  return hex.length % 2 === 0 && /^[\x20-\x7e]+$/.test(text) ? text : hex;
};

function decoded(c: Capture): P1Telegram {
  const r = decodeP1Telegram(c.raw_text);
  if (!r.ok) throw new Error(`${c.id}: ${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

/** The dsmr_parser assertions: one per object, value as the Decimal or string it compares with. */
function checkObject(t: P1Telegram, a: Asserted, all: Asserted[]): void {
  const num = (x: Asserted): number => Number(x.value) * (FACTOR[x.unit ?? ''] ?? 1);
  const obis = a.obis as string;
  if (a.name === 'EQUIPMENT_IDENTIFIER_GAS') return expect(t.mbus[0]?.equipmentId).toBe(hexText(a.value as string));
  if (a.name === 'EQUIPMENT_IDENTIFIER' || a.name === 'BELGIUM_EQUIPMENT_IDENTIFIER') return expect(t.meterId).toBe(hexText(a.value as string));
  // Hungary: 96.1.0 is the equipment serial number (our meter id), 42.0.0 the device name.
  if (a.name === 'EQUIPMENT_SERIAL_NUMBER') return expect(t.meterId).toBe(hexText(a.value as string));
  if (a.name === 'COSEM_LOGICAL_DEVICE_NAME') return expect(t.objects.find((o) => o.obis === '0-0:42.0.0')?.values[0]?.text).toBe(a.value);
  const tariff = /^([12])\.8\.([1-9])$/.exec(obis);
  if (tariff) {
    const side = tariff[1] === '1' ? 'import' : 'export';
    return expect(t.energyByTariffWh[side][tariff[2] as string]).toBeCloseTo(num(a), 6);
  }
  if (DIRECT[obis]) return expect(t.values[DIRECT[obis] as Quantity], a.name).toBeCloseTo(num(a), 6);
  const net = PHASE_NET[obis];
  if (net) {
    const minus = all.find((x) => x.obis === net[1]);
    return expect(t.values[net[0]], a.name).toBeCloseTo(num(a) - (minus ? num(minus) : 0), 6);
  }
  if (/^[246]2\.7\.0$/.test(obis)) return; // checked with its import side above
  throw new Error(`no check for ${a.name} (${obis})`);
}

interface Golden { activeImport: number; activeExport: number; l1v: number; l2v: number; l3v: number; l1a: number; l2a: number; l3a: number; importCounterKWh: number; meterId: string }

/** amsreader's GOLDEN row: W, V, A with 2 decimals, energy in kWh (from a float32). */
function checkGolden(t: P1Telegram, g: Golden): void {
  expect(t.values.powerImportW).toBeCloseTo(g.activeImport, 6);
  expect(t.values.powerExportW ?? 0).toBeCloseTo(g.activeExport, 6);
  const pairs: Array<[Quantity, number]> = [['voltageL1V', g.l1v], ['voltageL2V', g.l2v], ['voltageL3V', g.l3v], ['currentL1A', g.l1a], ['currentL2A', g.l2a], ['currentL3A', g.l3a]];
  for (const [q, x] of pairs) expect(Math.abs((t.values[q] ?? 0) - x), q).toBeLessThanOrEqual(0.0051);
  expect(Math.abs((t.values.energyImportWh ?? 0) - g.importCounterKWh * 1000)).toBeLessThanOrEqual(16);
  expect(t.meterId ?? '').toBe(g.meterId);
}

describe('P1 captures from public sources', () => {
  it('cover at least 6 P1 variants, none of them in the conformance set', () => {
    expect(new Set(CAPTURES.map((c) => `${c.country} ${c.variant}`)).size).toBeGreaterThanOrEqual(6);
    const conformance = readFileSync(fileURLToPath(new URL('../../fixtures/conformance/dsmr-telegrams.json', import.meta.url)), 'utf8');
    for (const c of CAPTURES) expect(conformance.includes(JSON.stringify(c.raw_text).slice(1, -1)), c.id).toBe(false);
  });

  for (const c of CAPTURES) {
    const rejected = c.asserted.find((a) => a.name === 'rejected');
    if (rejected) {
      it(`${c.id} (${c.country}) is rejected as ${String(rejected.value)}, as its source's decoder rejects it`, () => {
        const r = decodeP1Telegram(c.raw_text);
        expect(r.ok ? 'ok' : r.error.kind).toBe(rejected.value);
      });
      continue;
    }
    it(`${c.id} (${c.country}, ${c.variant}) decodes to the values its source asserts`, () => {
      const t = decoded(c);
      for (const a of c.asserted) {
        if (a.name === 'golden') checkGolden(t, a.value as Golden);
        else if (a.name === 'printed') checkObject(t, { ...a, name: `printed ${a.obis}` }, c.asserted);
        else if (a.name === 'object count') expect(t.objects).toHaveLength(a.value as number);
        else if (a.name === 'mbus') {
          for (const m of a.value as Array<{ channel: number; deviceType: number; equipmentIdHex: string | null; reading: string }>) {
            const r = t.mbus.find((x) => x.channel === m.channel);
            expect(r?.deviceType).toBe(m.deviceType);
            expect(r?.equipmentId).toBe(m.equipmentIdHex === null ? undefined : hexText(m.equipmentIdHex));
            expect(r?.value).toBe(Number(m.reading));
          }
        } else checkObject(t, a, c.asserted);
      }
    });
  }

  it('reads the Austrian T210-D telegram in Wh and W as printed', () => {
    const t = decoded(CAPTURES.find((c) => c.id === 'p1-at-sagemcom-t210-d-r-dsmr_parser') as Capture);
    expect(t.values.energyImportWh).toBe(6_545_766);
    expect(t.values.powerImportW).toBe(286);
    expect(t.values.reactiveEnergyExportVarh).toBe(3_897_726);
  });

  it('takes the gas reading from the M-Bus channel that has one, not the empty slot before it', () => {
    const t = decoded(CAPTURES.find((c) => c.id === 'p1-nl-dsmr50-two-mbus-dsmr_parser') as Capture);
    expect(t.values.gasM3).toBe(246.138);
  });

});
