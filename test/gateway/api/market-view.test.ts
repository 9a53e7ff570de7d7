import { afterEach, describe, expect, it } from 'vitest';
import { ApiService } from '../../../gateway/api/api-service.js';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { marketIntervalView, marketTradeAsRow, type MarketTradeRow } from '../../../gateway/api/market-view.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import type { Store } from '../../../gateway/store/store.js';
import { getJson, harness, insertTrade } from './api-harness.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
const Q = 900_000;

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const sale: MarketTradeRow = { tradeId: 'm/2026-06-21T12:00:00.000Z/gw-1', intervalStartMs: T0, participantId: 'gw-1', blockId: 'b1', energyWh: -918, priceMinorPerKWh: 37.2, amountMinor: -34 };

// Rows as the market service writes them (market-store.ts): own order, outcome, result, net trade.
function writeOrder(store: Store, intervalStartMs: number, payload: Record<string, unknown>, createdMs: number, sequence: number): void {
  store.db.prepare('INSERT INTO orders (order_id, interval_start_ms, participant_id, payload, signature, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(`gw-1-${intervalStartMs}-${sequence}`, intervalStartMs, 'gw-1', JSON.stringify({ payload: { gatewayId: 'gw-1', sequence, ...payload }, signature: 'ab' }), 'ab', createdMs);
}
function writeFinal(store: Store, t: MarketTradeRow, result: unknown): void {
  store.db.prepare(`INSERT INTO market_intervals (interval_start_ms, market_id, status, result_hash, updated_ms) VALUES (?, 'm', 'final', ?, ?)`).run(t.intervalStartMs, 'f'.repeat(64), T0);
  store.db.prepare('INSERT INTO clearing_results (interval_start_ms, block_id, result_hash, payload, final, created_ms) VALUES (?, ?, ?, ?, 1, ?)').run(t.intervalStartMs, 'm', 'f'.repeat(64), JSON.stringify(result), T0);
  store.db
    .prepare('INSERT INTO market_trades (trade_id, interval_start_ms, participant_id, block_id, energy_wh, price_minor_per_kwh, amount_minor, result_hash, envelope, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(t.tradeId, t.intervalStartMs, t.participantId, t.blockId, t.energyWh, t.priceMinorPerKWh, t.amountMinor, 'f'.repeat(64), '{}', T0);
}

describe('market view on the dashboard', () => {
  it('shows a sale in the block market as a sell against the block with what it earned', () => {
    expect(marketTradeAsRow(sale)).toEqual({ tradeId: sale.tradeId, intervalStartMs: T0, buyerId: 'block b1', sellerId: 'gw-1', energyWh: 918, priceMinorPerKWh: 37.2, amountMinor: 34, block: 'b1' });
    expect(marketTradeAsRow({ ...sale, energyWh: 400, amountMinor: 15 })).toMatchObject({ buyerId: 'gw-1', sellerId: 'block b1', energyWh: 400, amountMinor: 15 });
  });

  it('says where an interval stands: no order, order sent, clearing, final with price and trade, grid only with the reason', () => {
    const base = { intervalStartMs: T0, gatewayId: 'gw-1', order: undefined, outcome: undefined, roundStatus: undefined, result: undefined, trade: undefined };
    expect(marketIntervalView(base)).toMatchObject({ state: 'no order', offeredWh: 0, bidWh: 0, clearingPriceMinorPerKWh: null, tradedWh: null });
    const order = { offer: [{ energyWh: 900, priceMinorPerKWh: 35 }, { energyWh: 100, priceMinorPerKWh: 44 }] };
    expect(marketIntervalView({ ...base, order })).toMatchObject({ state: 'order sent', offeredWh: 1000, bidWh: 0 });
    expect(marketIntervalView({ ...base, order, roundStatus: 'open' }).state).toBe('clearing');
    const result = { blocks: [{ id: 'b1', priceMinorPerKWh: 37.2 }, { id: 'b2', priceMinorPerKWh: 50 }], orders: [{ participant: 'gw-1', block: 'b1' }] };
    const final = { ...base, order, outcome: { status: 'final', reason: null, resultHash: 'ab'.repeat(32) }, result };
    expect(marketIntervalView({ ...final, trade: sale })).toMatchObject({ state: 'final', clearingPriceMinorPerKWh: 37.2, tradedWh: -918, amountMinor: -34, resultHash: 'ab'.repeat(32) });
    // Final without a trade of its own (nothing accepted): the block's price, nothing traded.
    expect(marketIntervalView(final)).toMatchObject({ state: 'final', clearingPriceMinorPerKWh: 37.2, tradedWh: 0, amountMinor: 0 });
    expect(marketIntervalView({ ...base, order, outcome: { status: 'grid-only', reason: 'no-majority: [{"votes":1}]', resultHash: null } })).toMatchObject({ state: 'grid only', reason: 'no-majority', tradedWh: null });
  });

  it('serves market trades beside bilateral ones, and the current and next intervals in the status', async () => {
    const clock = new SimulatedClock({ startMs: T0 + 60_000 });
    const h = harness(clock);
    cleanup.push(() => h.close());
    insertTrade(h.ctx.store, { tradeId: 'bilateral', intervalStartMs: T0 - Q, buyerId: 'gw-2', sellerId: 'gw-1', energyWh: 1000, priceMinorPerKWh: 80, createdMs: T0 });
    writeOrder(h.ctx.store, T0, { offer: [{ energyWh: 500, priceMinorPerKWh: 35 }] }, T0 - 300_000, 0);
    // A later order for the same interval replaces the first: the newest is shown.
    writeOrder(h.ctx.store, T0, { offer: [{ energyWh: 918, priceMinorPerKWh: 35 }], bid: [{ energyWh: 50, priceMinorPerKWh: 20 }] }, T0 - 200_000, 1);
    writeFinal(h.ctx.store, sale, { blocks: [{ id: 'b1', priceMinorPerKWh: 37.2 }], orders: [{ participant: 'gw-1', block: 'b1' }] });
    writeOrder(h.ctx.store, T0 + Q, { bid: [{ energyWh: 300, priceMinorPerKWh: 90 }] }, T0, 0);
    h.ctx.status.provide('market', () => ({ marketId: 'm', connected: true, intervals: [{ intervalStart: new Date(T0 + Q).toISOString(), status: 'open' }] }));
    const api = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 } }) });
    await api.start(h.ctx);
    cleanup.push(() => api.stop());

    const trades = await getJson<Record<string, any>>(`${api.url}/api/trades`);
    expect(trades.trades.map((t: Record<string, unknown>) => [t.tradeId, t.side, t.energyWh, t.amountMinor, t.block])).toEqual([
      [sale.tradeId, 'sell', 918, 34, 'b1'],
      ['bilateral', 'sell', 1000, 80, undefined],
    ]);
    expect(trades.totals).toEqual({ trades: 2, soldWh: 1918, boughtWh: 0, earningsMinor: 114 });

    const status = await getJson<Record<string, any>>(`${api.url}/api/status`);
    expect(status.market.connected).toBe(true);
    expect(status.market.current).toEqual({ intervalStart: '2026-06-21T12:00:00.000Z', state: 'final', reason: null, offeredWh: 918, bidWh: 50, clearingPriceMinorPerKWh: 37.2, tradedWh: -918, amountMinor: -34, resultHash: 'f'.repeat(64) });
    expect(status.market.next).toMatchObject({ intervalStart: '2026-06-21T12:15:00.000Z', state: 'clearing', offeredWh: 0, bidWh: 300, tradedWh: null });
  });
});
