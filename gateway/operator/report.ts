// The operator's day report, derived only from the stored, verified record payloads: per
// building and interval the metered, traded and imbalance energy and the amounts; per block and
// interval the clearing price; totals; and the checks that make the totals trustworthy (energy
// balance per row, trades matching settlements, the district never buying more than it sold:
// less is the DSO lines' loss between blocks, which the records alone cannot size).
import { intervalEnergyPayloadSchema, settlementPayloadSchema, tradePayloadSchema, type IntervalEnergyPayload, type SettlementPayload, type TradePayload } from '../uplink/payloads.js';
import type { StoredRecord } from './storage.js';

export interface BuildingInterval {
  gatewayId: string;
  intervalStartMs: number;
  meteredImportWh: number;
  meteredExportWh: number;
  boughtWh: number;
  soldWh: number;
  imbalanceImportWh: number;
  imbalanceExportWh: number;
  tradeAmountMinor: number;
  imbalanceAmountMinor: number;
  /** Where the row comes from: the gateway's settlement, or trades and metered energy alone. */
  source: 'settlement' | 'metered-and-trades';
}

export interface BlockPrice {
  blockId: string;
  intervalStartMs: number;
  priceMinorPerKWh: number | null;
  boughtWh: number;
  soldWh: number;
}

type Totals = Omit<BuildingInterval, 'gatewayId' | 'intervalStartMs' | 'source'>;

export interface DayReport {
  day: string;
  fromMs: number;
  toMs: number;
  records: number;
  buildings: BuildingInterval[];
  blocks: BlockPrice[];
  totals: Totals;
  reconciles: boolean;
  problems: string[];
}

const ZERO: Totals = { meteredImportWh: 0, meteredExportWh: 0, boughtWh: 0, soldWh: 0, imbalanceImportWh: 0, imbalanceExportWh: 0, tradeAmountMinor: 0, imbalanceAmountMinor: 0 };

function payloadOf(r: StoredRecord): unknown {
  return (JSON.parse(r.envelope) as { payload: { payload: unknown } }).payload.payload;
}

const QUALITY_RANK: Record<IntervalEnergyPayload['quality'], number> = { reconciled: 0, measured: 0, estimated: 1, gap: 2 };

export function buildDayReport(day: string, fromMs: number, toMs: number, records: ReadonlyArray<StoredRecord>): DayReport {
  const problems: string[] = [];
  const settlements = new Map<string, SettlementPayload>();
  const trades = new Map<string, TradePayload[]>();
  const metered = new Map<string, { importWh: number; exportWh: number }>();
  // A device's interval may come more than once (estimated, then reconciled): the best one counts.
  const perDevice = new Map<string, IntervalEnergyPayload>();
  const key = (gw: string, t: number): string => `${gw}\u0000${t}`;
  for (const r of records) {
    const p = payloadOf(r);
    if (r.kind === 'settlement') {
      const s = settlementPayloadSchema.safeParse(p);
      if (s.success) settlements.set(key(r.gatewayId, s.data.intervalStartMs), s.data);
      else problems.push(`${r.id}: settlement payload does not match the documented shape`);
    } else if (r.kind === 'trade') {
      const t = tradePayloadSchema.safeParse(p);
      if (!t.success) continue;
      const k = key(r.gatewayId, t.data.intervalStartMs);
      trades.set(k, [...(trades.get(k) ?? []), t.data]);
    } else if (r.kind === 'interval-energy') {
      const e = intervalEnergyPayloadSchema.safeParse(p);
      if (!e.success) continue;
      const dk = `${key(r.gatewayId, e.data.intervalStartMs)}\u0000${e.data.deviceId}`;
      const prior = perDevice.get(dk);
      if (!prior || QUALITY_RANK[e.data.quality] < QUALITY_RANK[prior.quality]) perDevice.set(dk, e.data);
    }
  }
  for (const [dk, e] of perDevice) {
    const k = dk.slice(0, dk.lastIndexOf('\u0000'));
    const m = metered.get(k) ?? { importWh: 0, exportWh: 0 };
    m.importWh += e.importWh ?? 0;
    m.exportWh += e.exportWh ?? 0;
    metered.set(k, m);
  }

  const rows: BuildingInterval[] = [];
  const keys = new Set([...settlements.keys(), ...trades.keys(), ...metered.keys()]);
  for (const k of [...keys].sort()) {
    const [gatewayId = '', t = '0'] = k.split('\u0000');
    const intervalStartMs = Number(t);
    const ts = trades.get(k) ?? [];
    const boughtWh = ts.filter((x) => x.side === 'buy').reduce((a, x) => a + x.energyWh, 0);
    const soldWh = ts.filter((x) => x.side === 'sell').reduce((a, x) => a + x.energyWh, 0);
    const tradeAmount = ts.reduce((a, x) => a + (x.side === 'buy' ? x.amountMinor : -x.amountMinor), 0);
    const s = settlements.get(k);
    const where = `${gatewayId} ${new Date(intervalStartMs).toISOString()}`;
    if (s) {
      if (ts.length > 0 && (s.boughtWh !== boughtWh || s.soldWh !== soldWh)) problems.push(`${where}: settlement says bought ${s.boughtWh}/sold ${s.soldWh} Wh, trades say ${boughtWh}/${soldWh}`);
      if (ts.length > 0 && s.tradeAmountMinor !== tradeAmount) problems.push(`${where}: settlement trade amount ${s.tradeAmountMinor}, trades sum to ${tradeAmount}`);
      if (s.meteredImportWh - s.meteredExportWh !== s.boughtWh - s.soldWh + s.imbalanceImportWh - s.imbalanceExportWh) problems.push(`${where}: metered net is not traded net plus imbalance`);
      rows.push({ gatewayId, intervalStartMs, meteredImportWh: s.meteredImportWh, meteredExportWh: s.meteredExportWh, boughtWh: s.boughtWh, soldWh: s.soldWh, imbalanceImportWh: s.imbalanceImportWh, imbalanceExportWh: s.imbalanceExportWh, tradeAmountMinor: s.tradeAmountMinor, imbalanceAmountMinor: s.imbalanceAmountMinor, source: 'settlement' });
    } else {
      const m = metered.get(k) ?? { importWh: 0, exportWh: 0 };
      const imbalance = m.importWh - m.exportWh - (boughtWh - soldWh);
      rows.push({ gatewayId, intervalStartMs, meteredImportWh: m.importWh, meteredExportWh: m.exportWh, boughtWh, soldWh, imbalanceImportWh: Math.max(0, imbalance), imbalanceExportWh: Math.max(0, -imbalance), tradeAmountMinor: tradeAmount, imbalanceAmountMinor: 0, source: 'metered-and-trades' });
    }
  }

  const blocks = new Map<string, BlockPrice>();
  const bought = new Map<number, number>();
  const sold = new Map<number, number>();
  for (const ts of trades.values())
    for (const t of ts) {
      const k = `${t.blockId}\u0000${t.intervalStartMs}`;
      const b = blocks.get(k) ?? { blockId: t.blockId, intervalStartMs: t.intervalStartMs, priceMinorPerKWh: t.priceMinorPerKWh, boughtWh: 0, soldWh: 0 };
      if (b.priceMinorPerKWh !== t.priceMinorPerKWh) problems.push(`${t.blockId} ${new Date(t.intervalStartMs).toISOString()}: trades at different prices (${b.priceMinorPerKWh}, ${t.priceMinorPerKWh})`);
      if (t.side === 'buy') b.boughtWh += t.energyWh;
      else b.soldWh += t.energyWh;
      blocks.set(k, b);
      const m = t.side === 'buy' ? bought : sold;
      m.set(t.intervalStartMs, (m.get(t.intervalStartMs) ?? 0) + t.energyWh);
    }
  for (const t of new Set([...bought.keys(), ...sold.keys()])) {
    if ((bought.get(t) ?? 0) > (sold.get(t) ?? 0)) problems.push(`${new Date(t).toISOString()}: the district bought ${bought.get(t) ?? 0} Wh but sold only ${sold.get(t) ?? 0} Wh`);
  }

  const totals = rows.reduce<Totals>((a, r) => {
    const out = { ...a };
    for (const f of Object.keys(ZERO) as Array<keyof Totals>) out[f] = a[f] + r[f];
    return out;
  }, { ...ZERO });
  return {
    day,
    fromMs,
    toMs,
    records: records.length,
    buildings: rows,
    blocks: [...blocks.values()].sort((a, b) => a.blockId.localeCompare(b.blockId) || a.intervalStartMs - b.intervalStartMs),
    totals,
    reconciles: problems.length === 0,
    problems,
  };
}

const FIELDS: Array<keyof Totals> = ['meteredImportWh', 'meteredExportWh', 'boughtWh', 'soldWh', 'imbalanceImportWh', 'imbalanceExportWh', 'tradeAmountMinor', 'imbalanceAmountMinor'];

/** One CSV: building rows, then block price rows, then the totals row; a `section` column tells them apart. */
export function reportCsv(r: DayReport): string {
  const header = ['section', 'id', 'intervalStart', ...FIELDS, 'priceMinorPerKWh'].join(',');
  const iso = (ms: number): string => new Date(ms).toISOString();
  const lines = [header];
  for (const b of r.buildings) lines.push(['building', b.gatewayId, iso(b.intervalStartMs), ...FIELDS.map((f) => b[f]), ''].join(','));
  for (const p of r.blocks) lines.push(['block', p.blockId, iso(p.intervalStartMs), '', '', p.boughtWh, p.soldWh, '', '', '', '', p.priceMinorPerKWh ?? ''].join(','));
  lines.push(['total', r.day, '', ...FIELDS.map((f) => r.totals[f]), ''].join(','));
  return lines.join('\n') + '\n';
}
