import { describe, expect, it } from 'vitest';
import { buildDayReport, reportCsv } from '../../../gateway/operator/report.js';
import type { StoredRecord } from '../../../gateway/operator/storage.js';
import { intervalStartOf } from '../../../gateway/uplink/payloads.js';
import { recordHash, recordText, signRecord, type UplinkRecord } from '../../../gateway/uplink/record.js';
import { DAY_START_MS, energyRecord, gateways, settlementRecord, tradeRecord, type TestGateway } from '../../helpers/uplink-fixture.js';

const gws = gateways(2);
const [seller, buyer] = gws as [TestGateway, TestGateway];

function stored(rec: UplinkRecord, g: TestGateway): StoredRecord {
  const s = signRecord(rec, g.seed);
  return { id: rec.id, kind: rec.kind, gatewayId: rec.gatewayId, signer: s.signer, createdMs: rec.createdMs, intervalStartMs: intervalStartOf(rec.payload), hash: recordHash(s), envelope: recordText(s), receivedMs: 0 };
}

function interval(i: number, buyerBoughtInSettlement = 300): StoredRecord[] {
  const sell = tradeRecord(gws, seller, i, 'sell', 300, 100);
  const buy = tradeRecord(gws, buyer, i, 'buy', 300, 100);
  return [
    stored(sell, seller),
    stored(buy, buyer),
    stored(settlementRecord(seller, i, { meteredImportWh: 0, meteredExportWh: 400, boughtWh: 0, soldWh: 300, imbalanceImportWh: 0, imbalanceExportWh: 100, tradeAmountMinor: -30, imbalanceAmountMinor: -4, clearingPriceMinorPerKWh: 100, gridImportPriceMinorPerKWh: 150, gridExportPriceMinorPerKWh: 40 }), seller),
    stored(settlementRecord(buyer, i, { meteredImportWh: 350, meteredExportWh: 0, boughtWh: buyerBoughtInSettlement, soldWh: 0, imbalanceImportWh: 350 - buyerBoughtInSettlement, imbalanceExportWh: 0, tradeAmountMinor: 30, imbalanceAmountMinor: 8, clearingPriceMinorPerKWh: 100, gridImportPriceMinorPerKWh: 150, gridExportPriceMinorPerKWh: 40 }), buyer),
    stored(energyRecord(buyer.id, 'main', i, 350), buyer),
  ];
}

describe('operator day report', () => {
  it('lists buildings and blocks per interval with totals that reconcile', () => {
    const r = buildDayReport('2026-06-21', DAY_START_MS, DAY_START_MS + 86_400_000, [...interval(0), ...interval(1)]);
    expect(r.problems).toEqual([]);
    expect(r.reconciles).toBe(true);
    expect(r.buildings).toHaveLength(4);
    expect(r.blocks).toEqual([
      { blockId: 'block-a', intervalStartMs: DAY_START_MS, priceMinorPerKWh: 100, boughtWh: 300, soldWh: 300 },
      { blockId: 'block-a', intervalStartMs: DAY_START_MS + 900_000, priceMinorPerKWh: 100, boughtWh: 300, soldWh: 300 },
    ]);
    expect(r.totals).toMatchObject({ boughtWh: 600, soldWh: 600, tradeAmountMinor: 0, imbalanceImportWh: 100, imbalanceExportWh: 200, meteredImportWh: 700 });
    const csv = reportCsv(r).trim().split('\n');
    expect(csv[0]).toBe('section,id,intervalStart,meteredImportWh,meteredExportWh,boughtWh,soldWh,imbalanceImportWh,imbalanceExportWh,tradeAmountMinor,imbalanceAmountMinor,priceMinorPerKWh');
    expect(csv).toHaveLength(1 + 4 + 2 + 1);
    expect(csv.at(-1)).toBe('total,2026-06-21,,700,800,600,600,100,200,0,8,');
  });

  it('reconciles when buyers received less than sellers sold (lost on a DSO line between blocks)', () => {
    const records = [stored(tradeRecord(gws, seller, 0, 'sell', 300, 100), seller), stored(tradeRecord(gws, buyer, 0, 'buy', 294, 100), buyer)];
    const r = buildDayReport('2026-06-21', DAY_START_MS, DAY_START_MS + 86_400_000, records);
    expect(r.problems).toEqual([]);
    expect(r.totals).toMatchObject({ boughtWh: 294, soldWh: 300 });
  });

  it('does not reconcile when the district bought more than it sold', () => {
    const records = [stored(tradeRecord(gws, seller, 0, 'sell', 300, 100), seller), stored(tradeRecord(gws, buyer, 0, 'buy', 301, 100), buyer)];
    const r = buildDayReport('2026-06-21', DAY_START_MS, DAY_START_MS + 86_400_000, records);
    expect(r.reconciles).toBe(false);
    expect(r.problems.join('\n')).toMatch(/the district bought 301 Wh but sold only 300 Wh/);
  });

  it('does not reconcile when a settlement disagrees with the trades', () => {
    const r = buildDayReport('2026-06-21', DAY_START_MS, DAY_START_MS + 86_400_000, interval(0, 250));
    expect(r.reconciles).toBe(false);
    expect(r.problems.join('\n')).toMatch(/settlement says bought 250\/sold 0 Wh, trades say 300\/0/);
  });
});
