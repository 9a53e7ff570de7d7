import { describe, expect, it } from 'vitest';
import { clearInterval, type ClearingOutcome, type OrderBookInput } from '../../../edge-solver/clearing/index.js';
import type { LpBackend } from '../../../edge-solver/lp/model.js';
import { book } from './helpers.js';

const ISLAND: OrderBookInput = {
  intervalStart: '2026-03-01T10:15:00Z',
  blocks: [{ id: 'X', gridImportPriceMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0, connectionCapWh: 0 }],
  orders: [
    { id: 'b', participant: 'p', block: 'X', side: 'bid', steps: [{ energyWh: 900, priceMinorPerKWh: 150 }] },
    { id: 'o', participant: 'q', block: 'X', side: 'offer', steps: [{ energyWh: 900, priceMinorPerKWh: 55 }] },
  ],
};

function fake(status: 'optimal' | 'error'): LpBackend {
  // Claims an optimum but returns "trade nothing", which no valid price supports here.
  return { name: 'fake', hasDuals: false, solve: async (m) => ({ status, backend: 'fake', objective: 0, values: new Float64Array(m.variables.length) }) };
}

async function kindOf(promise: Promise<ClearingOutcome>): Promise<string> {
  const outcome = await promise;
  return outcome.ok ? 'cleared' : outcome.error.kind;
}

describe('clearing with a misbehaving solver', () => {
  it('reports a solver error status as a solver failure', async () => {
    expect(await kindOf(clearInterval(book(ISLAND), { backend: fake('error') }))).toBe('solver');
  });

  it('refuses a claimed optimum that no valid price supports instead of publishing it', async () => {
    expect(await kindOf(clearInterval(book(ISLAND), { backend: fake('optimal') }))).toBe('solver');
  });

  it('reports a book whose net load cannot be placed as infeasible', async () => {
    const input = { ...ISLAND, blocks: [{ ...ISLAND.blocks[0]!, netLoadWh: 5000 }] };
    expect(await kindOf(clearInterval(book(input)))).toBe('infeasible');
  });
});
