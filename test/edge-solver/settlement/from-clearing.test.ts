import { describe, expect, it } from 'vitest';
import { clearInterval, validateOrderBook, type OrderBook } from '../../../edge-solver/clearing/index.js';
import { settleInterval, settlementInputFromClearing } from '../../../edge-solver/settlement/index.js';

function book(): OrderBook {
  const r = validateOrderBook({
    intervalStart: '2026-01-01T12:00:00Z',
    blocks: [{ id: 'B1', gridImportPriceMinorPerKWh: 250, gridTariffMinorPerKWh: 50, gridExportPriceMinorPerKWh: 40 }],
    orders: [
      { id: 'o1', participant: 'alice', block: 'B1', side: 'bid', steps: [{ energyWh: 2000, priceMinorPerKWh: 200 }] },
      { id: 'o2', participant: 'bob', block: 'B1', side: 'offer', steps: [{ energyWh: 1500, priceMinorPerKWh: 100 }] },
    ],
  });
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

describe('settlement input from a clearing result', () => {
  it('nets accepted orders per participant and prices the imbalance at import plus tariff', async () => {
    const b = book();
    const cleared = await clearInterval(b);
    if (!cleared.ok) throw new Error(cleared.error.detail);
    const price = cleared.value.blocks[0]!.priceMinorPerKWh!;
    const input = settlementInputFromClearing(b, cleared.value, [
      { participant: 'alice', block: 'B1', meteredWh: 1800 },
      { participant: 'bob', block: 'B1', meteredWh: -1400 },
    ]);
    if (!input.ok) throw new Error(input.error.detail);
    expect(input.value.blocks).toEqual([{ block: 'B1', clearingPriceMinorPerKWh: price, gridImportPriceMinorPerKWh: 300, gridExportPriceMinorPerKWh: 40 }]);
    expect(input.value.positions.map((p) => p.tradedWh)).toEqual([1500, -1500]);
    const s = settleInterval(input.value);
    if (!s.ok) throw new Error(s.error.detail);
    // Alice drew 300 Wh more than she bought, Bob delivered 100 Wh less than he sold: both buy it at 300.
    expect(s.value.participants.map((p) => [p.imbalanceWh, p.imbalanceMinor])).toEqual([[300, 90], [100, 30]]);
    expect(s.value.blocks[0]!.tradeMinor).toBe(0);
    expect(s.value.participants[0]!.tradeMinor).toBe(Math.round(1.5 * price));
  });

  it('refuses a trader without a meter reading', async () => {
    const b = book();
    const cleared = await clearInterval(b);
    if (!cleared.ok) throw new Error(cleared.error.detail);
    const input = settlementInputFromClearing(b, cleared.value, [{ participant: 'alice', block: 'B1', meteredWh: 1800 }]);
    expect(input).toMatchObject({ ok: false, error: { kind: 'invalid-position' } });
  });
});
