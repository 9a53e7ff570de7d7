// What a district run produced, read back from where it lives: each gateway's store (market
// intervals, results, snapshots, trades, settlements, metered energy, anchor batches, opened
// read-only next to the running daemons), the simulator's true energy per interval, and the
// operator's final counts. The result is the demo's summary.json (docs/demo.md).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { TrueInterval } from '../../device-sim/fleet/interval-recorder.js';
import { MemberIndex } from '../market/order-rules.js';
import type { Roster } from '../market/roster.js';
import { verifySnapshot } from '../market/snapshot.js';
import type { SettlementRecord, TradeRecord } from '../market/records.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { ClearingResult } from '../../edge-solver/clearing/index.js';
import type { IntervalPrices, PricesAt } from './district-setup.js';

export interface CollectInput {
  roster: Roster;
  gateways: Array<{ id: string; block: string; dataDir: string; gridMeterDeviceId: string; batteryDeviceId?: string }>;
  fromMs: number;
  toMs: number;
  truth: (buildingId: string) => TrueInterval[];
  pricesAt: PricesAt;
  operator: { recordsStored: number; duplicatesDropped: number; refused: number };
  district: { date: string; timeZone: string; seed: number; speed: number };
}

const amount = (wh: number, minorPerKWh: number): number => Math.round((wh * minorPerKWh) / 1000);

/** Cost of a metered exchange on the grid alone: imports at retail + tariff, exports at feed-in. */
export function aloneCostMinor(importWh: number, exportWh: number, p: IntervalPrices): number {
  return amount(importWh, p.importMinorPerKWh + p.tariffMinorPerKWh) - amount(exportWh, p.exportMinorPerKWh);
}

export function collectSummary(input: CollectInput) {
  const intervalMs = input.roster.parameters.intervalMinutes * 60_000;
  const members = new MemberIndex(input.roster);
  const dbs = new Map(input.gateways.map((g) => [g.id, new Database(join(g.dataDir, 'nabo.db'), { readonly: true, fileMustExist: true })]));
  try {
    const starts: number[] = [];
    for (let t = input.fromMs; t < input.toMs; t += intervalMs) starts.push(t);
    const intervals = starts.map((T) => {
      const hashes: Record<string, string | null> = {};
      let snapshotHash: string | null = null;
      for (const g of input.gateways) {
        const row = dbs.get(g.id)!.prepare('SELECT status, result_hash AS resultHash, snapshot_hash AS snapshotHash FROM market_intervals WHERE interval_start_ms = ?').get(T) as { status: string; resultHash: string | null; snapshotHash: string | null } | undefined;
        hashes[g.id] = row?.status === 'final' ? row.resultHash : null;
        if (row?.status === 'final') snapshotHash ??= row.snapshotHash;
      }
      const values = Object.values(hashes);
      const final = values.length > 0 && values.every((h) => h !== null) && new Set(values).size === 1;
      const anyFinal = input.gateways.find((g) => hashes[g.id] !== null);
      const db = anyFinal ? dbs.get(anyFinal.id)! : undefined;
      const resultRow = db?.prepare('SELECT payload FROM clearing_results WHERE interval_start_ms = ?').get(T) as { payload: string } | undefined;
      const result = resultRow ? (JSON.parse(resultRow.payload) as ClearingResult) : null;
      const snapRow = db && snapshotHash ? (db.prepare('SELECT envelope FROM market_snapshots WHERE interval_start_ms = ? AND snapshot_hash = ?').get(T, snapshotHash) as { envelope: string } | undefined) : undefined;
      const verified = snapRow ? verifySnapshot(JSON.parse(snapRow.envelope), input.roster, members) : undefined;
      const p = input.pricesAt(T);
      return {
        intervalStart: new Date(T).toISOString(),
        final,
        resultHash: final ? (values[0] ?? null) : null,
        hashes,
        book: verified?.ok ? verified.value.book : null,
        result,
        blockPrices: Object.fromEntries(input.roster.blocks.map((b) => [b.id, result?.blocks.find((x) => x.id === b.id)?.priceMinorPerKWh ?? null])),
        gridPriceMinorPerKWh: p.importMinorPerKWh + p.tariffMinorPerKWh,
        feedInPriceMinorPerKWh: p.exportMinorPerKWh,
      };
    });

    const buildings = input.gateways.map((g) => {
      const db = dbs.get(g.id)!;
      const truth = new Map(input.truth(g.id).map((t) => [t.startMs, t]));
      const energy = (deviceId: string | undefined, T: number) =>
        deviceId ? (db.prepare('SELECT import_wh AS importWh, export_wh AS exportWh FROM interval_energy WHERE device_id = ? AND interval_start_ms = ?').get(deviceId, T) as { importWh: number | null; exportWh: number | null } | undefined) : undefined;
      const trades = new Map((db.prepare('SELECT interval_start_ms AS t, envelope FROM market_trades WHERE interval_start_ms >= ? AND interval_start_ms < ?').all(input.fromMs, input.toMs) as Array<{ t: number; envelope: string }>).map((r) => [r.t, (JSON.parse(r.envelope) as SignedEnvelope<TradeRecord>).payload]));
      const settlements = new Map<number, SettlementRecord>();
      for (const r of db.prepare("SELECT interval_start_ms AS t, payload FROM settlements WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY settlement_id").all(input.fromMs, input.toMs) as Array<{ t: number; payload: string }>) {
        const s = (JSON.parse(r.payload) as SignedEnvelope<SettlementRecord>).payload;
        if (s.status === 'settled' || !settlements.has(r.t)) settlements.set(r.t, s);
      }
      let costMinor = 0;
      let costAloneMinor = 0;
      const totals = { consumptionWh: 0, pvWh: 0, importWh: 0, exportWh: 0, boughtWh: 0, soldWh: 0, selfUsedWh: 0, gapIntervals: 0 };
      const series = starts.map((T) => {
        const t = truth.get(T);
        const m = energy(g.gridMeterDeviceId, T);
        const tr = trades.get(T);
        const p = input.pricesAt(T);
        const importWh = m?.importWh ?? null;
        const exportWh = m?.exportWh ?? null;
        const s = settlements.get(T);
        if (importWh === null || exportWh === null) totals.gapIntervals++;
        else {
          totals.importWh += importWh;
          totals.exportWh += exportWh;
          costAloneMinor += aloneCostMinor(importWh, exportWh, p);
          // With the market: the settlement where there is one; otherwise the trade plus the rest at grid prices.
          if (s && s.status === 'settled' && s.totalMinor !== null) costMinor += s.totalMinor;
          else {
            const net = importWh - exportWh - (tr?.energyWh ?? 0);
            costMinor += (tr?.amountMinor ?? 0) + (net >= 0 ? amount(net, p.importMinorPerKWh + p.tariffMinorPerKWh) : -amount(-net, p.exportMinorPerKWh));
          }
        }
        const consumptionWh = t ? Math.round(t.energyWh.loadWh) : 0;
        const pvWh = t ? Math.round(t.energyWh.pvWh) : 0;
        const batteryWh = t ? Math.round(t.energyWh.batteryChargeWh - t.energyWh.batteryDischargeWh) : 0;
        totals.consumptionWh += consumptionWh;
        totals.pvWh += pvWh;
        totals.boughtWh += tr?.boughtWh ?? 0;
        totals.soldWh += tr?.soldWh ?? 0;
        // Served locally: consumption not drawn from the grid meter, bounded by the consumption.
        if (t) totals.selfUsedWh += Math.max(0, Math.min(consumptionWh, consumptionWh - Math.round(t.energyWh.gridImportWh)));
        return { intervalStart: new Date(T).toISOString(), consumptionWh, pvWh, importWh, exportWh, boughtWh: tr?.boughtWh ?? 0, soldWh: tr?.soldWh ?? 0, batteryWh };
      });
      return {
        id: g.id,
        block: g.block,
        consumptionWh: totals.consumptionWh,
        pvWh: totals.pvWh,
        importWh: totals.importWh,
        exportWh: totals.exportWh,
        boughtWh: totals.boughtWh,
        soldWh: totals.soldWh,
        selfSufficiency: totals.consumptionWh > 0 ? Math.round((totals.selfUsedWh / totals.consumptionWh) * 1000) / 1000 : 0,
        costMinor,
        costAloneMinor,
        gapIntervals: totals.gapIntervals,
        series,
      };
    });

    const blocks = input.roster.blocks.map((b) => {
      const prices = intervals.filter((i) => i.final).map((i) => i.blockPrices[b.id]).filter((x): x is number => x !== null && x !== undefined);
      const members = buildings.filter((x) => x.block === b.id);
      return {
        id: b.id,
        buildings: members.map((m) => m.id),
        tradedWh: members.reduce((s, m) => s + m.soldWh, 0),
        priceMinMinorPerKWh: prices.length ? Math.min(...prices) : null,
        priceMaxMinorPerKWh: prices.length ? Math.max(...prices) : null,
      };
    });
    const anchors = input.gateways.flatMap((g) =>
      (dbs.get(g.id)!.prepare('SELECT root, leaf_count AS records FROM anchor_batches ORDER BY batch_id').all() as Array<{ root: string; records: number }>).map((a) => ({ gatewayId: g.id, root: a.root, records: a.records })),
    );
    return {
      version: 1 as const,
      district: { marketId: input.roster.marketId, ...input.district, currency: 'NOK' as const, from: new Date(input.fromMs).toISOString(), to: new Date(input.toMs).toISOString() },
      intervals,
      buildings,
      blocks,
      totals: {
        consumptionWh: buildings.reduce((s, b) => s + b.consumptionWh, 0),
        pvWh: buildings.reduce((s, b) => s + b.pvWh, 0),
        tradedWh: buildings.reduce((s, b) => s + b.soldWh, 0),
        costMinor: buildings.reduce((s, b) => s + b.costMinor, 0),
        costAloneMinor: buildings.reduce((s, b) => s + b.costAloneMinor, 0),
        finalIntervals: intervals.filter((i) => i.final).length,
        intervals: intervals.length,
      },
      operator: input.operator,
      anchors,
    };
  } finally {
    for (const db of dbs.values()) db.close();
  }
}

export type DistrictSummary = ReturnType<typeof collectSummary>;
