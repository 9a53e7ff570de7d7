import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketStore } from '../../../gateway/market/market-store.js';
import { signPlanSnapshot, signPlanVote } from '../../../gateway/plan/plan-messages.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot } from '../../../gateway/plan/plan-snapshot.js';
import { PlanStore } from '../../../gateway/plan/plan-store.js';
import { Store } from '../../../gateway/store/store.js';
import { district, signed } from '../market/market-fixtures.js';
import { forecastPayload, signedForecast } from '../plan/plan-fixtures.js';
import { runCli } from './run-cli.js';

// The plan for the local day 2026-06-02 in Oslo starts at 2026-06-01T22:00Z.
const P = Date.UTC(2026, 5, 1, 22, 0);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A store holding a final plan as a gateway would: roster, snapshot, plan, certificate. */
async function storeWithFinalPlan(tamper = false): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'nabo-plan-cli-'));
  const file = join(dir, 'nabo.db');
  const d = district({ blocks: 2, buildings: 2 });
  const forecasts = d.gatewayIds.map((g) => signedForecast(d.identities.get(g)!, forecastPayload(d.roster.marketId, g, P, 96, P - 36_000_000)));
  const c = planCoordinatorFor(d.roster, P, 0)!;
  const env = signPlanSnapshot({ marketId: d.roster.marketId, planStart: new Date(P).toISOString(), steps: 96, rosterVersion: 1, attempt: 0, coordinator: c.gatewayId, forecasts, prices: null }, d.identities.get(c.gatewayId)!.seed);
  const v = verifyPlanSnapshot(env, d.roster);
  if (!v.ok) throw new Error(v.error.detail);
  const solved = await solveSnapshot(v.value, d.roster);
  const votes = d.gatewayIds.slice(0, 3).map((g) => signPlanVote({ marketId: d.roster.marketId, intervalStart: new Date(P).toISOString(), voter: g, attempt: 0, snapshotHash: v.value.hash, resultHash: solved.planHash }, d.identities.get(g)!.seed));
  const store = Store.open(file);
  new MarketStore(store).saveRoster(signed(d.roster), P);
  const planHash = tamper ? '0'.repeat(64) : solved.planHash;
  new PlanStore(store).savePlan(
    { marketId: d.roster.marketId, planStartMs: P, status: 'final', reason: null, planHash, rosterVersion: 1, snapshot: env, plan: solved.plan!, certificate: { marketId: d.roster.marketId, intervalStart: new Date(P).toISOString(), attempt: 0, snapshotHash: v.value.hash, resultHash: planHash, rosterVersion: 1, votes } },
    P,
  );
  store.close();
  return file;
}

describe('nabo plan show|replay', () => {
  it('shows the stored plan of a local day as JSON with its certificate and battery schedules', async () => {
    const file = await storeWithFinalPlan();
    const r = await runCli(['plan', 'show', '--day', '2026-06-02', '--time-zone', 'Europe/Oslo', '--db', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as { planStart: string; status: string; votes: unknown[]; plan: { buildings: Array<{ batteryWh: number[] | null }> } };
    expect(view).toMatchObject({ planStart: '2026-06-01T22:00:00.000Z', status: 'final' });
    expect(view.votes).toHaveLength(3);
    expect(view.plan.buildings.some((b) => b.batteryWh?.length === 96)).toBe(true);
  }, 60_000);

  it('replays the stored snapshot to the certified hash (exit 0), and exits 1 when the stored hash does not match', async () => {
    const good = await storeWithFinalPlan();
    const ok = await runCli(['plan', 'replay', '--day', '2026-06-02', '--time-zone', 'Europe/Oslo', '--db', good, '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ same: true });
    rmSync(dir!, { recursive: true, force: true });
    const bad = await storeWithFinalPlan(true);
    const r = await runCli(['plan', 'replay', '--day', '2026-06-02', '--time-zone', 'Europe/Oslo', '--db', bad, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ same: false, certifiedHash: '0'.repeat(64) });
  }, 120_000);

  it('exits 1 for a day without a plan and 2 for a malformed day', async () => {
    const file = await storeWithFinalPlan();
    expect((await runCli(['plan', 'show', '--day', '2026-06-05', '--db', file])).code).toBe(1);
    expect((await runCli(['plan', 'show', '--day', '2026-6-5', '--db', file])).code).toBe(2);
  }, 60_000);
});
