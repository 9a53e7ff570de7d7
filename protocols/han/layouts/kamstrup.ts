// Kamstrup Omnipower (Kamstrup_V0001): one structure, a list-version string and then pairs of
// OBIS code and value, without scalers. Norwegian convention: W, var, 0.01 A, 1 V, 10 Wh.
// Kamstrup has two lists: every 10 s (our list 2) and hourly (list 3); there is no list 1.
import { axdr, type DlmsData } from '../axdr.js';
import { cde } from '../obis.js';
import { directions, impliedUnit, isObisOctets, makeItem, obisBytes, rawFor, textOf, type HanEncodeInput, type LayoutBody, type LayoutContext } from './layout.js';

/**
 * Kamstrup's fixed resolution per C.D.E. Energy registers count 10 Wh in Norway (NVE list) and
 * 1 Wh elsewhere (Swedish captures, amsreader issue 239); no country means Norway.
 */
export function kamstrupScaler(c: string, country?: string): number {
  if (c === '31.7.0' || c === '51.7.0' || c === '71.7.0') return -2;
  if (c === '13.7.0' || c === '33.7.0' || c === '53.7.0' || c === '73.7.0') return -2;
  if (c.endsWith('.8.0')) return country === undefined || country === 'NO' ? 1 : 0;
  return 0;
}

export function decodeKamstrupBody(body: DlmsData, ctx: LayoutContext = {}): LayoutBody | string | undefined {
  if (body.type !== 'structure' || body.items.length < 3 || body.items.length % 2 === 0) return undefined;
  const first = body.items[0] as DlmsData;
  if (first.type !== 'visible-string' && first.type !== 'octet-string') return undefined;
  for (let i = 1; i < body.items.length; i += 2) if (!isObisOctets(body.items[i])) return undefined;
  const version = textOf(first);
  if (version === undefined) return 'list version is not text';
  const out: LayoutBody = { items: [{ role: 'listVersion', type: first.type, raw: version }], listVersion: version };
  for (let i = 1; i < body.items.length; i += 2) {
    const obis = (body.items[i] as Extract<DlmsData, { type: 'octet-string' }>).bytes;
    const unit = impliedUnit(obis);
    const item = makeItem(obis, body.items[i + 1] as DlmsData, unit !== undefined ? kamstrupScaler(cde(obis), ctx.country) : undefined, unit, out);
    if (typeof item === 'string') return item;
    out.items.push(item);
  }
  return out;
}

const MAX32 = 0xffffffff;

export function encodeKamstrupBody(input: HanEncodeInput, clock: Uint8Array): DlmsData {
  if (input.list === 1) throw new RangeError('Kamstrup meters send no list 1 (their 10 s list is list 2)');
  const v = input.values;
  const [pi, pe] = directions(v, 'powerImportW', 'powerExportW', 'powerW');
  const [qi, qe] = directions(v, 'reactivePowerImportVar', 'reactivePowerExportVar', 'reactivePowerVar');
  const pairs: Array<[string, DlmsData]> = [
    ['1-1:0.0.5.255', axdr.visible(input.meterId)],
    ['1-1:96.1.1.255', axdr.visible(input.meterModel)],
    ['1-1:1.7.0.255', axdr.u32(rawFor(pi, 0, MAX32))],
    ['1-1:2.7.0.255', axdr.u32(rawFor(pe, 0, MAX32))],
    ['1-1:3.7.0.255', axdr.u32(rawFor(qi, 0, MAX32))],
    ['1-1:4.7.0.255', axdr.u32(rawFor(qe, 0, MAX32))],
    ['1-1:31.7.0.255', axdr.u32(rawFor(v.currentL1A, -2, MAX32))],
    ['1-1:51.7.0.255', axdr.u32(rawFor(v.currentL2A, -2, MAX32))],
    ['1-1:71.7.0.255', axdr.u32(rawFor(v.currentL3A, -2, MAX32))],
    ['1-1:32.7.0.255', axdr.u16(rawFor(v.voltageL1V, 0, 0xffff))],
    ['1-1:52.7.0.255', axdr.u16(rawFor(v.voltageL2V, 0, 0xffff))],
    ['1-1:72.7.0.255', axdr.u16(rawFor(v.voltageL3V, 0, 0xffff))],
  ];
  if (input.list === 3) {
    pairs.push(['0-1:1.0.0.255', axdr.octets(clock)]);
    pairs.push(['1-1:1.8.0.255', axdr.u32(rawFor(v.energyImportWh, 1, MAX32))]);
    pairs.push(['1-1:2.8.0.255', axdr.u32(rawFor(v.energyExportWh, 1, MAX32))]);
    pairs.push(['1-1:3.8.0.255', axdr.u32(rawFor(v.reactiveEnergyImportVarh, 1, MAX32))]);
    pairs.push(['1-1:4.8.0.255', axdr.u32(rawFor(v.reactiveEnergyExportVarh, 1, MAX32))]);
  }
  return axdr.struct(axdr.visible('Kamstrup_V0001'), ...pairs.flatMap(([o, d]) => [axdr.octets(obisBytes(o)), d]));
}
