import fc from 'fast-check';
import { canonicalJson } from '../../../core/canonical-json.js';
import { validateOrderBook, type ClearingOutcome, type ClearingResult, type OrderBook, type OrderBookInput } from '../../../edge-solver/clearing/index.js';

export function book(input: OrderBookInput): OrderBook {
  const r = validateOrderBook(input);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

/** The result of a clearing the test expects to succeed; a failure fails the test with its kind. */
export function cleared(outcome: ClearingOutcome): ClearingResult {
  if (!outcome.ok) throw new Error(`clearing failed: ${outcome.error.kind}: ${outcome.error.detail}`);
  return outcome.value;
}

/** The canonical JSON of a result, or `error:<kind>`, so two outcomes compare as strings. */
export function outcomeText(outcome: ClearingOutcome): string {
  return outcome.ok ? canonicalJson(outcome.value) : `error:${outcome.error.kind}`;
}

/** Per block: supply (sold + import + delivered in) minus demand (bought + export + sent out + net load). */
export function imbalances(r: ClearingResult): number[] {
  return r.blocks.map((b) => {
    let balance = b.soldWh + b.gridImportWh - b.boughtWh - b.gridExportWh - b.netLoadWh;
    for (const l of r.lines) {
      if (l.from === b.id) balance += l.backwardDeliveredWh - l.forwardWh;
      if (l.to === b.id) balance += l.forwardDeliveredWh - l.backwardWh;
    }
    return balance;
  });
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// Small price and energy ranges on purpose: they make equal prices (ties) common.
const stepArb = fc.record({ energyWh: fc.integer({ min: 1, max: 4000 }), priceMinorPerKWh: fc.integer({ min: -10, max: 40 }) });

export function orderArb(blocks: string[]) {
  return fc.record({
    participant: fc.constantFrom('p1', 'p2', 'p3'),
    block: fc.constantFrom(...blocks),
    side: fc.constantFrom('bid' as const, 'offer' as const),
    steps: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
  });
}

export function blockArb(id: string) {
  return fc
    .record({
      importPrice: fc.integer({ min: 0, max: 40 }),
      // Feed-in strictly below import plus tariff: equal prices on an open connection are refused.
      spread: fc.integer({ min: 1, max: 30 }),
      tariff: fc.integer({ min: 0, max: 5 }),
      connectionCapWh: fc.option(fc.integer({ min: 0, max: 8000 }), { nil: undefined }),
      netLoadWh: fc.integer({ min: -3000, max: 3000 }),
    })
    .map((b) => ({
      id,
      gridImportPriceMinorPerKWh: b.importPrice,
      gridTariffMinorPerKWh: b.tariff,
      gridExportPriceMinorPerKWh: b.importPrice + b.tariff - b.spread,
      ...(b.connectionCapWh === undefined ? {} : { connectionCapWh: b.connectionCapWh }),
      netLoadWh: b.netLoadWh,
    }));
}

export const singleBlockBookArb = fc
  .record({ block: blockArb('home'), orders: fc.array(orderArb(['home']), { maxLength: 14 }), seed: fc.integer() })
  .map(({ block, orders, seed }) => ({
    input: {
      intervalStart: '2026-03-01T10:15:00Z',
      blocks: [block],
      orders: orders.map((o, i) => ({ id: `o${String(i).padStart(3, '0')}`, ...o })),
    } satisfies OrderBookInput,
    seed,
  }));
