import { describe, expect, it } from 'vitest';
import { signEnvelope } from '../../../core/signed-envelope.js';
import { MemberIndex } from '../../../gateway/market/order-rules.js';
import type { MarketParameters } from '../../../gateway/market/roster.js';
import { PLAN_FORECAST_DOMAIN, signPlanSnapshot, type PlanForecastPayload, type SignedPlanForecast } from '../../../gateway/plan/plan-messages.js';
import { checkForecast } from '../../../gateway/plan/plan-rules.js';
import { solveAlonePlan } from '../../../gateway/plan/plan-schedule.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot } from '../../../gateway/plan/plan-snapshot.js';
import { district, type District } from '../market/market-fixtures.js';
import { forecastPayload, signedForecast } from './plan-fixtures.js';

const P = Date.UTC(2026, 5, 1, 22, 0);
const STEPS = 96;

function setup(dayAhead?: MarketParameters['dayAhead']) {
  const d = district({ blocks: 3, buildings: 2, ...(dayAhead ? { parameters: { dayAhead } } : {}) });
  const forecasts = d.gatewayIds.map((g) => signedForecast(d.identities.get(g)!, forecastPayload(d.roster.marketId, g, P, STEPS, P - 36_000_000)));
  return { d, forecasts };
}

function snapshotOf(d: District, forecasts: readonly unknown[], attempt = 0, signer?: string) {
  const c = planCoordinatorFor(d.roster, P, attempt)!;
  return signPlanSnapshot({ marketId: d.roster.marketId, planStart: new Date(P).toISOString(), steps: STEPS, rosterVersion: d.roster.version, attempt, coordinator: c.gatewayId, forecasts: [...forecasts], prices: null }, d.identities.get(signer ?? c.gatewayId)!.seed);
}

async function planHashOn(backend: 'highs' | 'glpk') {
  const { d, forecasts } = setup({ solverBackend: backend });
  const v = verifyPlanSnapshot(snapshotOf(d, forecasts), d.roster);
  if (!v.ok) throw new Error(v.error.detail);
  return solveSnapshot(v.value, d.roster);
}

describe('day-ahead plan from a snapshot', () => {
  it('solves identical inputs to the identical plan hash on HiGHS and on glpk.js', async () => {
    const highs = await planHashOn('highs');
    const glpk = await planHashOn('glpk');
    expect(highs.plan).not.toBeNull();
    expect(glpk.planHash).toBe(highs.planHash);
    expect(glpk.plan).toEqual(highs.plan);
  }, 120_000);

  it("keeps Lüth's rule by default: a battery charges only from its own PV or energy bought from a neighbour, never from the grid", async () => {
    const { plan } = await planHashOn('highs');
    const { forecasts } = setup();
    let charged = 0;
    for (const b of plan!.buildings) {
      if (!b.batteryWh) continue;
      const f = forecasts.find((x) => x.payload.gatewayId === b.gatewayId)!.payload;
      b.batteryWh.forEach((wh, t) => {
        const chargeWh = Math.max(0, -wh);
        charged += chargeWh;
        // One Wh of rounding on each side.
        expect(chargeWh).toBeLessThanOrEqual(f.pvWh[t]! + b.purchaseWh[t]! + 2);
      });
    }
    expect(charged).toBeGreaterThan(0);
  }, 60_000);

  it('plans a building alone without trade, within its battery window and back at its starting charge', async () => {
    const { d, forecasts } = setup();
    const f = forecasts.find((x) => x.payload.battery && x.payload.pvWh.some((p) => p > 500))!;
    const me = d.roster.members.find((m) => m.gatewayId === f.payload.gatewayId)!;
    const alone = await solveAlonePlan({ roster: d.roster, planStartMs: P, steps: STEPS, forecasts: [{ forecast: f.payload, member: me }], prices: null });
    const b = alone.plan!.buildings[0]!;
    expect(alone.plan!.mode).toBe('alone');
    expect([...b.purchaseWh, ...b.saleWh].every((x) => x === 0)).toBe(true);
    const bat = f.payload.battery!;
    expect(b.socWh!.every((s) => s >= bat.minSocWh - 1 && s <= bat.maxSocWh + 1)).toBe(true);
    expect(b.socWh!.at(-1)!).toBeGreaterThanOrEqual(bat.socWh - 1);
    expect(b.batteryWh!.some((x) => x < 0)).toBe(true);
  }, 60_000);

  it('refuses a snapshot signed by a gateway out of turn, with unsorted forecasts, or with a forged forecast', () => {
    const { d, forecasts } = setup();
    const other = d.gatewayIds.find((g) => g !== planCoordinatorFor(d.roster, P, 0)!.gatewayId)!;
    const notTurn = verifyPlanSnapshot(snapshotOf(d, forecasts, 0, other), d.roster);
    expect(notTurn.ok ? 'ok' : notTurn.error.kind).toBe('not-coordinator');
    const unsorted = verifyPlanSnapshot(snapshotOf(d, [...forecasts].reverse()), d.roster);
    expect(unsorted.ok ? 'ok' : unsorted.error.kind).toBe('unsorted-forecasts');
    const forged: SignedPlanForecast = { ...forecasts[0]!, payload: { ...forecasts[0]!.payload, pvWh: forecasts[0]!.payload.pvWh.map((x) => x + 1) } };
    const bad = verifyPlanSnapshot(snapshotOf(d, [forged, ...forecasts.slice(1)]), d.roster);
    expect(bad.ok ? 'ok' : bad.error.kind).toBe('bad-forecast');
    expect(verifyPlanSnapshot(snapshotOf(d, forecasts), d.roster).ok).toBe(true);
  });

  it('refuses forecasts with an inconsistent battery, a foreign interval grid or another signer', () => {
    const { d } = setup();
    const members = new MemberIndex(d.roster);
    const g = d.gatewayIds[0]!;
    const base = forecastPayload(d.roster.marketId, g, P, STEPS, P - 36_000_000);
    const kind = (p: PlanForecastPayload, signer = g): string => {
      const r = checkForecast(signEnvelope(PLAN_FORECAST_DOMAIN, p, d.identities.get(signer)!.seed), members);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kind(base)).toBe('ok');
    expect(kind({ ...base, battery: { ...base.battery!, socWh: base.battery!.maxSocWh + 1 } })).toBe('invalid-quantity');
    expect(kind({ ...base, intervalMinutes: 30 })).toBe('wrong-plan');
    expect(kind({ ...base, planStart: new Date(P + 60_000).toISOString() })).toBe('wrong-plan');
    expect(kind({ ...base, pvWh: base.pvWh.slice(1) })).toBe('invalid-quantity');
    expect(kind(base, d.gatewayIds[1]!)).toBe('non-member');
  });
});
