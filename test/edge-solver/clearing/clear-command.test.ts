import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { canonicalJson } from '../../../core/canonical-json.js';
import { runCli } from '../../gateway/cli/run-cli.js';

afterAll(removeTempFolders);

// `nabo clear` through the real command parser, in process (fast); one test spawns the CLI.
async function nabo(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runCli(args);
  return { status: code, stdout, stderr };
}

const dir = tempFolder('nabo-clear-');
function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

const BOOK = {
  intervalStart: '2026-11-22T10:15:00Z',
  blocks: [{ id: 'north', gridImportPriceMinorPerKWh: 120, gridTariffMinorPerKWh: 45, gridExportPriceMinorPerKWh: 60 }],
  orders: [
    { id: 'b1', participant: 'house-7', block: 'north', side: 'bid', steps: [{ energyWh: 900, priceMinorPerKWh: 150 }] },
    { id: 'o1', participant: 'house-3', block: 'north', side: 'offer', steps: [{ energyWh: 1800, priceMinorPerKWh: 55 }] },
  ],
};

describe('nabo clear', () => {
  it('prints the result as canonical JSON, the same bytes for every backend on a unique optimum', async () => {
    const path = file('book.json', BOOK);
    const outputs: Array<{ status: number; stdout: string }> = [];
    for (const backend of ['highs', 'glpk', 'js-lp-solver', 'merit-order']) outputs.push(await nabo(['clear', path, '--backend', backend]));
    for (const out of outputs) {
      expect(out.status).toBe(0);
      expect(out.stdout).toBe(outputs[0]!.stdout);
    }
    const result = JSON.parse(outputs[0]!.stdout) as { blocks: Array<{ priceMinorPerKWh: number }>; orders: Array<{ acceptedWh: number }> };
    expect(outputs[0]!.stdout).toBe(`${canonicalJson(result)}\n`);
    // 900 Wh cross between the bid (150) and the offer (55); the rest of the offer goes to the
    // grid at the feed-in price, which sets the block's price.
    expect(result.blocks[0]!.priceMinorPerKWh).toBe(60);
    expect(result.orders.map((o) => o.acceptedWh)).toEqual([900, 1800]);
  });

  it('applies the price rule flag', async () => {
    const island = { ...BOOK, blocks: [{ ...BOOK.blocks[0]!, connectionCapWh: 0 }] };
    island.orders = [BOOK.orders[0]!, { ...BOOK.orders[1]!, steps: [{ energyWh: 900, priceMinorPerKWh: 55 }] }];
    const path = file('island.json', island);
    const mid = JSON.parse((await nabo(['clear', path])).stdout) as { blocks: Array<{ priceMinorPerKWh: number }> };
    const high = JSON.parse((await nabo(['clear', path, '--price-rule', 'pay-as-clear'])).stdout) as { blocks: Array<{ priceMinorPerKWh: number }> };
    // Island: the 900 Wh bid at 150 takes all of the 900 Wh offer at 55, so any price in [55, 150] is valid.
    expect(mid.blocks[0]!.priceMinorPerKWh).toBe(102.5);
    expect(high.blocks[0]!.priceMinorPerKWh).toBe(150);
  });

  it('exits 2 naming the field of an invalid book (as a child process)', () => {
    const broken = structuredClone(BOOK);
    broken.orders[1]!.steps[0]!.energyWh = -5;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'clear', file('broken.json', broken)], { encoding: 'utf8' });
    const out = { status: r.status, stdout: r.stdout, stderr: r.stderr };
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('orders[1].steps[0].energyWh');
    expect(out.stdout).toBe('');
  });

  it('exits 2 on an unknown backend or price rule, a file that is not JSON or a missing file', async () => {
    const path = file('book2.json', BOOK);
    expect((await nabo(['clear', path, '--backend', 'cplex'])).stderr).toContain('--backend');
    expect((await nabo(['clear', path, '--backend', 'cplex'])).status).toBe(2);
    expect((await nabo(['clear', path, '--price-rule', 'pay-as-bid'])).status).toBe(2);
    expect((await nabo(['clear', file('garbage.json', '{"intervalStart": ')])).status).toBe(2);
    expect((await nabo(['clear', join(dir, 'missing.json')])).status).toBe(2);
  });

  it('exits 2 when the merit order is asked to clear a network', async () => {
    const two = { ...BOOK, blocks: [BOOK.blocks[0]!, { ...BOOK.blocks[0]!, id: 'south' }] };
    expect((await nabo(['clear', file('two.json', two), '--backend', 'merit-order'])).status).toBe(2);
  });

  it('exits 1 when the book cannot be balanced', async () => {
    const book = { ...BOOK, blocks: [{ ...BOOK.blocks[0]!, connectionCapWh: 100, netLoadWh: 5000 }] };
    const out = await nabo(['clear', file('short.json', book)]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('infeasible');
  });
});
