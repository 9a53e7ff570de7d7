import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from './run-cli.js';

afterAll(removeTempFolders);

const T = Date.parse('2026-06-21T08:00:00Z');
const Q = 900_000;
let db: string;
let empty: string;

beforeAll(() => {
  const dir = tempFolder('nabo-market-intervals-');
  db = join(dir, 'nabo.db');
  empty = join(dir, 'empty.db');
  Store.open(empty).close();
  const store = Store.open(db);
  try {
    // Three intervals as the market service leaves them: final with a sale, final without a trade, grid only.
    const interval = store.db.prepare("INSERT INTO market_intervals (interval_start_ms, market_id, status, reason, attempt, updated_ms) VALUES (?, 'm1', ?, ?, 0, ?)");
    interval.run(T, 'final', null, T);
    interval.run(T + Q, 'final', null, T + Q);
    interval.run(T + 2 * Q, 'grid-only', 'no-majority', T + 2 * Q);
    store.db
      .prepare("INSERT INTO market_trades (trade_id, interval_start_ms, participant_id, block_id, energy_wh, price_minor_per_kwh, amount_minor, result_hash, envelope, created_ms) VALUES ('t1', ?, 'b1-h1', 'b1', -79, 155, -12, 'h', '{}', ?)")
      .run(T, T);
  } finally {
    store.close();
  }
});

describe('nabo market intervals', () => {
  it('lists the intervals oldest first with their outcome and this gateway’s trade', async () => {
    const r = await runCli(['market', 'intervals', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      intervals: [
        { intervalStart: '2026-06-21T08:00:00.000Z', status: 'final', reason: null, tradedWh: -79, priceMinorPerKWh: 155, amountMinor: -12 },
        { intervalStart: '2026-06-21T08:15:00.000Z', status: 'final', reason: null, tradedWh: null, priceMinorPerKWh: null, amountMinor: null },
        { intervalStart: '2026-06-21T08:30:00.000Z', status: 'grid-only', reason: 'no-majority', tradedWh: null, priceMinorPerKWh: null, amountMinor: null },
      ],
    });
  });

  it('with --traded lists only traded intervals, and --last counts from the newest', async () => {
    const traded = await runCli(['market', 'intervals', '--db', db, '--traded', '--format', 'json']);
    expect((JSON.parse(traded.stdout) as { intervals: Array<{ intervalStart: string }> }).intervals.map((i) => i.intervalStart)).toEqual(['2026-06-21T08:00:00.000Z']);
    const last = await runCli(['market', 'intervals', '--db', db, '--last', '1', '--format', 'json']);
    expect((JSON.parse(last.stdout) as { intervals: Array<{ status: string }> }).intervals.map((i) => i.status)).toEqual(['grid-only']);
  });

  it('exits 1 when nothing is traded yet, 2 on a bad --last', async () => {
    const none = await runCli(['market', 'intervals', '--db', empty, '--traded', '--format', 'json']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no interval traded yet');
    expect((await runCli(['market', 'intervals', '--db', db, '--last', 'all'])).code).toBe(2);
  });
});
