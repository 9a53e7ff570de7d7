// intervals[] of summary.json read back from real gateway stores (SQLite files in a temp
// folder) holding signed orders, the coordinator's snapshot and final results as the market
// service stores them; one gateway left grid-only in one interval.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acceptedEnergy, summaryInterval, type GatewayMarket } from '../../../gateway/demo/market-intervals.js';
import { buildingSummary, blockSummaries, districtTotals } from '../../../gateway/demo/summary-totals.js';
import { parseSummary, type Summary, type SummaryInterval } from '../../../gateway/demo/summary.js';
import type { FinalityCertificate } from '../../../gateway/market/finality.js';
import { MarketStore } from '../../../gateway/market/market-store.js';
import type { SnapshotPayload } from '../../../gateway/market/messages.js';
import { buildOrder, signOrder } from '../../../gateway/market/order-builder.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { clearSnapshot, signSnapshot, snapshotHash, verifySnapshot } from '../../../gateway/market/snapshot.js';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { district } from '../market/market-fixtures.js';

const T0 = Date.UTC(2026, 5, 21, 10, 0);
const T1 = T0 + 900_000;
const d = district({ blocks: 2, buildings: 2 });
const PRICES = { gridPriceMinorPerKWh: 145, feedInPriceMinorPerKWh: 50 };
/** Consumption and PV of each gateway, Wh in the interval: two sellers, two buyers. */
const NEEDS: Record<string, [number, number]> = { 'b1-h1': [200, 1500], 'b1-h2': [900, 0], 'b2-h1': [700, 0], 'b2-h2': [100, 900] };

let stores: Store[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});
afterAll(removeTempFolders);

function openStores(): GatewayMarket[] {
  const dir = tempFolder('nabo-demo-intervals-');
  return d.gatewayIds.map((gatewayId) => {
    const store = Store.open(join(dir, `${gatewayId}.db`));
    stores.push(store);
    return { gatewayId, market: new MarketStore(store) };
  });
}

/** One interval run the way the market service stores it: snapshot everywhere, final where `final` says. */
async function storeInterval(gateways: GatewayMarket[], startMs: number, final: (gatewayId: string) => boolean) {
  const orders = d.gatewayIds
    .map((gatewayId) => {
      const block = d.roster.members.find((m) => m.gatewayId === gatewayId)!.block;
      const prices = { block, gridImportPriceMinorPerKWh: 105, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 };
      const [consumptionWh, pvWh] = NEEDS[gatewayId]!;
      return signOrder(buildOrder({ marketId: d.roster.marketId, gatewayId, intervalStartMs: startMs, intervalMs: 900_000, sequence: 0, expiresAtMs: startMs, consumptionWh, pvWh, prices, maxStepEnergyWh: 1_000_000, maxSteps: 10 })!, d.identities.get(gatewayId)!.seed);
    })
    .sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : 1));
  const coordinator = coordinatorFor(d.roster, startMs, 0)!;
  const payload: SnapshotPayload = { marketId: d.roster.marketId, intervalStart: new Date(startMs).toISOString(), rosterVersion: 1, attempt: 0, coordinator: coordinator.gatewayId, orders: orders as unknown[], prices: null };
  const envelope = signSnapshot(payload, d.identities.get(coordinator.gatewayId)!.seed);
  const hash = snapshotHash(envelope);
  const verified = verifySnapshot(envelope, d.roster);
  if (!verified.ok) throw new Error(verified.error.detail);
  const cleared = await clearSnapshot(verified.value, d.roster);
  const cert: FinalityCertificate = { marketId: d.roster.marketId, intervalStart: payload.intervalStart, attempt: 0, snapshotHash: hash, resultHash: cleared.resultHash, rosterVersion: 1, votes: [] };
  for (const g of gateways) {
    g.market.saveSnapshot(envelope, hash, startMs, startMs + 60_000);
    if (final(g.gatewayId)) g.market.saveFinal(startMs, 900_000, cert, cleared.result, cleared.resultHash, undefined, startMs + 120_000);
    else g.market.markGridOnly(startMs, d.roster.marketId, 'no majority before the deadline', null, startMs + 120_000);
  }
  return { book: verified.value.book, cleared };
}

describe('summary intervals from the gateways’ stores', () => {
  it('is final only where every gateway holds the hash, with the verified book, the final result and the block prices', async () => {
    const gateways = openStores();
    const a = await storeInterval(gateways, T0, () => true);
    const b = await storeInterval(gateways, T1, (g) => g !== 'b2-h2');

    const first = summaryInterval(T0, gateways, d.roster, PRICES);
    expect(first.final).toBe(true);
    expect(first.resultHash).toBe(a.cleared.resultHash);
    expect(Object.values(first.hashes)).toEqual(d.gatewayIds.map(() => a.cleared.resultHash));
    expect(first.book).toEqual(a.book);
    expect(first.result).toEqual(a.cleared.result);
    expect(a.cleared.result!.totals.tradedWh).toBeGreaterThan(0);
    expect(first.blockPrices).toEqual(Object.fromEntries(a.cleared.result!.blocks.map((x) => [x.id, x.priceMinorPerKWh])));

    const second = summaryInterval(T1, gateways, d.roster, PRICES);
    expect(second.final).toBe(false);
    expect(second.resultHash).toBe(b.cleared.resultHash);
    expect(second.hashes['b2-h2']).toBeNull();
    expect(second.hashes['b1-h1']).toBe(b.cleared.resultHash);

    // Nothing stored for an interval: not final, no book, no result, every block's price null.
    const none = summaryInterval(T1 + 900_000, gateways, d.roster, PRICES);
    expect(none).toMatchObject({ final: false, resultHash: null, book: null, result: null, blockPrices: { 'block-1': null, 'block-2': null } });
    expect(Object.values(none.hashes)).toEqual([null, null, null, null]);
  });

  it('feeds a summary that parses, with each building’s accepted energy from the result', async () => {
    const gateways = openStores();
    await storeInterval(gateways, T0, () => true);
    const intervals: SummaryInterval[] = [summaryInterval(T0, gateways, d.roster, PRICES)];
    const sold = acceptedEnergy(intervals[0]!.result, 'b1-h1');
    expect(sold.soldWh).toBeGreaterThan(0);
    expect(sold.boughtWh).toBe(0);
    const buildings = d.gatewayIds.map((gatewayId) => {
      const [consumptionWh, pvWh] = NEEDS[gatewayId]!;
      const net = consumptionWh - pvWh;
      const point = { intervalStart: intervals[0]!.intervalStart, consumptionWh, pvWh, importWh: Math.max(0, net), exportWh: Math.max(0, -net), ...acceptedEnergy(intervals[0]!.result, gatewayId), batteryWh: 0 };
      return buildingSummary(gatewayId, d.roster.members.find((m) => m.gatewayId === gatewayId)!.block, [point], intervals);
    });
    const blocks = blockSummaries(buildings, intervals);
    const summary: Summary = {
      version: 1,
      district: { marketId: d.roster.marketId, date: '2026-06-21', timeZone: 'Europe/Oslo', seed: 1, speed: 60, currency: 'NOK', intervalMinutes: 15, sources: { spot: 'test', tariff: 'test', feedIn: 'test' }, ...districtTotals(buildings, blocks) },
      intervals,
      buildings,
      blocks,
      operator: { recordsStored: 0, duplicatesDropped: 0, refused: 0 },
      anchors: [],
    };
    const parsed = parseSummary(JSON.parse(JSON.stringify(summary)));
    expect(parsed.ok ? 'ok' : parsed.error.detail).toBe('ok');
    expect(summary.district.costMinor).toBeLessThanOrEqual(summary.district.costAloneMinor);
  });
});
