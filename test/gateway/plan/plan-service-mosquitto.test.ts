import { afterEach, describe, expect, it } from 'vitest';
import { signEnvelope } from '../../../core/signed-envelope.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { PLAN_FORECAST_DOMAIN, signPlanSnapshot } from '../../../gateway/plan/plan-messages.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot } from '../../../gateway/plan/plan-snapshot.js';
import { planDayOf } from '../../../gateway/plan/plan-timing.js';
import { planConfigSchema } from '../../../gateway/plan/config.js';
import { district, identityOf } from '../market/market-fixtures.js';
import { PlanBlock, TIME_ZONE } from './plan-block.js';
import { dayForecast, forecastPayload } from './plan-fixtures.js';

const PARAMS = { coordinatorTimeoutMs: 5000, snapshotWindowMs: 300, clockSkewMs: 2000 };
const PLAN = { publishAt: '12:00', collectMs: 60_000, finalityTimeoutMs: 120_000 };
// 2026-06-01 in Oslo (UTC+2): publication at 10:00 UTC, the plan from 2026-06-01T22:00Z.
const DAY = planDayOf('2026-06-01', planConfigSchema.parse(PLAN), TIME_ZONE);
const SOLVE_TIMEOUT_MS = 120_000;

let block: PlanBlock | undefined;
afterEach(async () => {
  await block?.dispose();
  block = undefined;
});

async function runToFinal(b: PlanBlock, live: readonly string[], forecasts: number): Promise<void> {
  const gateways = live.map((id) => b.gateways.get(id)!);
  await b.clock.advanceTo(DAY.publishMs);
  await b.until(() => gateways.every((g) => (g.service.round(DAY.planStartMs)?.forecasts.size ?? 0) >= forecasts), `${forecasts} forecasts at every live gateway`);
  await b.clock.advanceTo(DAY.collectEndMs + PARAMS.clockSkewMs);
  await b.until(() => gateways.every((g) => (g.service.round(DAY.planStartMs)?.snapshots.size ?? 0) > 0), 'a snapshot at every live gateway');
  await b.clock.advance(PARAMS.snapshotWindowMs);
  await b.until(() => gateways.every((g) => g.service.planFor(DAY.planStartMs)?.status === 'final'), 'the plan final at every live gateway', SOLVE_TIMEOUT_MS);
}

describe('day-ahead plan over a real Mosquitto (needs mosquitto)', () => {
  it('makes the plan final with the same hash on all six gateways of 3 blocks × 2 buildings, gives each battery its schedule, and survives a restart', async () => {
    block = new PlanBlock(district({ blocks: 3, buildings: 2, parameters: PARAMS }), DAY.publishMs - 60_000, PLAN);
    await block.start();
    expect(DAY.planStartMs).toBe(Date.UTC(2026, 5, 1, 22, 0));
    const ids = block.district.gatewayIds;
    await runToFinal(block, ids, ids.length);

    const rows = ids.map((id) => block!.gateways.get(id)!.service.planFor(DAY.planStartMs)!);
    expect(new Set(rows.map((r) => r.planHash)).size).toBe(1);
    const row = rows[0]!;
    expect(row.certificate!.votes.length).toBeGreaterThanOrEqual(4);
    expect(row.plan.mode).toBe('community');
    expect(row.plan.buildings.map((b) => b.gatewayId)).toEqual([...ids].sort());
    // Every building with a battery has a schedule for each interval, and batteries do work.
    for (const id of ids) {
      const b = row.plan.buildings.find((x) => x.gatewayId === id)!;
      if (!dayForecast(id, 0, 96).hasBattery) {
        expect(b.batteryWh).toBeNull();
        expect(block.gateways.get(id)!.service.plannedBatteryW(id, DAY.planStartMs)).toBeUndefined();
        continue;
      }
      expect(b.batteryWh).toHaveLength(96);
      expect(b.batteryWh!.some((x) => x !== 0)).toBe(true);
      const k = b.batteryWh!.findIndex((x) => x !== 0);
      const atMs = DAY.planStartMs + k * 900_000 + 60_000;
      // W over a 15-minute interval = 4 × Wh, by gateway, building and battery device.
      const g = block.gateways.get(id)!;
      expect(g.service.plannedBatteryW(id, atMs)).toBe(b.batteryWh![k]! * 4);
      expect(g.service.plannedBatteryW(b.buildingId, atMs)).toBe(b.batteryWh![k]! * 4);
      expect(g.service.plannedBatteryW(`${id}-battery`, atMs)).toBe(b.batteryWh![k]! * 4);
    }
    // Energy is traded between buildings in the plan (P2P), so it is a community plan, not six alone.
    expect(row.plan.buildings.reduce((s, b) => s + b.purchaseWh.reduce((a, x) => a + x, 0), 0)).toBeGreaterThan(0);
    // Status under 'plan'.
    const status = block.gateways.get(ids[0]!)!.ctx.status.snapshot().plan as { next: { status: string; planHash: string } };
    expect(status.next).toMatchObject({ status: 'final', planHash: row.planHash });

    // The stored snapshot replays to the certified hash.
    const g0 = block.gateways.get(ids[0]!)!;
    const stored = g0.service.store.plan(block.roster.marketId, DAY.planStartMs)!;
    const v = verifyPlanSnapshot(stored.snapshot!, block.roster);
    expect(v.ok).toBe(true);
    if (v.ok) expect((await solveSnapshot(v.value, block.roster)).planHash).toBe(row.planHash);

    // A restart keeps the final plan.
    await block.stopGateway(ids[0]!);
    const again = await block.startGateway(ids[0]!);
    expect(again.service.planFor(DAY.planStartMs)).toMatchObject({ status: 'final', planHash: row.planHash });
  }, 240_000);

  it('plans a gateway cut off from the broker alone while the others reach a final plan without it', async () => {
    block = new PlanBlock(district({ blocks: 3, buildings: 2, parameters: PARAMS }), DAY.publishMs - 60_000, PLAN);
    await block.start();
    const ids = block.district.gatewayIds;
    const coordinator = planCoordinatorFor(block.roster, DAY.planStartMs, 0)!.gatewayId;
    const cut = ids.find((id) => id !== coordinator && dayForecast(id, 0, 96).hasBattery && dayForecast(id, 0, 96).pvSurplus)!;
    const live = ids.filter((id) => id !== cut);
    await block.gateways.get(cut)!.service.disconnect();
    await runToFinal(block, live, live.length);
    const finalHash = block.gateways.get(live[0]!)!.service.planFor(DAY.planStartMs)!.planHash;
    expect(block.gateways.get(live[0]!)!.service.planFor(DAY.planStartMs)!.plan.buildings.map((b) => b.gatewayId)).not.toContain(cut);

    await block.clock.advanceTo(DAY.deadlineMs);
    const g = block.gateways.get(cut)!;
    await block.until(() => g.service.planFor(DAY.planStartMs)?.status === 'alone', 'the cut-off gateway plans alone', SOLVE_TIMEOUT_MS);
    const alone = g.service.planFor(DAY.planStartMs)!;
    expect(alone.plan.mode).toBe('alone');
    expect(alone.planHash).not.toBe(finalHash);
    expect(alone.plan.buildings.map((b) => b.gatewayId)).toEqual([cut]);
    expect(alone.plan.buildings[0]!.purchaseWh.every((x) => x === 0)).toBe(true);
    expect(g.alarms.map((a) => a.code)).toContain('plan-no-majority');
    const k = alone.plan.buildings[0]!.batteryWh!.findIndex((x) => x !== 0);
    expect(g.service.plannedBatteryW(cut, DAY.planStartMs + k * 900_000)).toBe(alone.plan.buildings[0]!.batteryWh![k]! * 4);
    // The others stay final.
    for (const id of live) expect(block.gateways.get(id)!.service.planFor(DAY.planStartMs)!.status).toBe('final');
    // Back online, its session delivers the certified plan, which lacks its building: it keeps its own plan.
    g.service.reconnect();
    await block.until(() => g.service.round(DAY.planStartMs)?.reason === 'final-without-this-building', 'the late certificate judged', SOLVE_TIMEOUT_MS);
    expect(g.service.planFor(DAY.planStartMs)).toMatchObject({ status: 'alone', planHash: alone.planHash });
    expect(g.service.rejections.count('late', live[0]!)).toBe(1);
  }, 240_000);

  it('refuses forged and absurd forecasts with a counted reason, and they never enter the plan', async () => {
    block = new PlanBlock(district({ blocks: 3, buildings: 2, parameters: PARAMS }), DAY.publishMs - 60_000, PLAN);
    await block.start();
    const ids = block.district.gatewayIds;
    const victim = ids[1]!;
    const attacker = ids[2]!;
    const topics = marketTopics(block.roster.marketId);
    await block.clock.advanceTo(DAY.publishMs);
    await block.until(() => ids.every((id) => (block!.gateways.get(id)!.service.round(DAY.planStartMs)?.forecasts.size ?? 0) >= ids.length), 'six forecasts everywhere');
    const held = block.gateways.get(ids[0]!)!.service.round(DAY.planStartMs)!.forecasts.get(victim)!;
    const later = DAY.publishMs + 1000;
    // Forged: the attacker signs a forecast in the victim's name (on its own topic, as the ACL allows).
    const forged = signEnvelope(PLAN_FORECAST_DOMAIN, forecastPayload(block.roster.marketId, victim, DAY.planStartMs, 96, later), identityOf(attacker).seed);
    await block.publishRaw(attacker, topics.of('plan', attacker), { type: 'forecast', signed: forged });
    // Tampered: the victim's signature over changed numbers.
    const tampered = { ...held, payload: { ...held.payload, consumptionWh: held.payload.consumptionWh.map(() => 1), issuedAt: new Date(later).toISOString() } };
    await block.publishRaw(attacker, topics.of('plan', attacker), { type: 'forecast', signed: tampered });
    // Absurd: the attacker's own forecast with an interval beyond the roster's step bound.
    const absurd = forecastPayload(block.roster.marketId, attacker, DAY.planStartMs, 96, later);
    absurd.consumptionWh[3] = 5_000_000_000;
    await block.publishRaw(attacker, topics.of('plan', attacker), { type: 'forecast', signed: signEnvelope(PLAN_FORECAST_DOMAIN, absurd, identityOf(attacker).seed) });
    // Relabelled: a forecast sent as a vote does not verify in the vote domain.
    await block.publishRaw(attacker, topics.of('plan', attacker), { type: 'vote', signed: block.gateways.get(ids[0]!)!.service.round(DAY.planStartMs)!.forecasts.get(attacker)! });
    await block.publishRaw(attacker, topics.of('plan', attacker), 'not json');
    const observer = block.gateways.get(ids[0]!)!.service;
    await block.until(() => observer.rejections.count(undefined, attacker) >= 5, 'five rejections counted against the attacker');
    // Forged → topic-mismatch (its payload names the victim); tampered and relabelled → bad-signature.
    expect(observer.rejections.snapshot().byMember[attacker]).toEqual({ 'topic-mismatch': 1, 'bad-signature': 2, 'invalid-quantity': 1, 'invalid-json': 1 });
    expect(observer.rejections.count(undefined, victim)).toBe(0);
    expect(observer.round(DAY.planStartMs)!.forecasts.get(victim)!.signature).toBe(held.signature);

    await block.clock.advanceTo(DAY.collectEndMs + PARAMS.clockSkewMs);
    await block.until(() => ids.every((id) => (block!.gateways.get(id)!.service.round(DAY.planStartMs)?.snapshots.size ?? 0) > 0), 'a snapshot everywhere');
    await block.clock.advance(PARAMS.snapshotWindowMs);
    await block.until(() => ids.every((id) => block!.gateways.get(id)!.service.planFor(DAY.planStartMs)?.status === 'final'), 'final everywhere', SOLVE_TIMEOUT_MS);
    const plan = observer.planFor(DAY.planStartMs)!;
    const snapshot = plan.snapshot!.payload.forecasts as Array<{ signature: string }>;
    expect(snapshot.map((f) => f.signature)).toContain(held.signature);
    expect(snapshot).toHaveLength(ids.length);
  }, 240_000);

  it('waits for a roster that comes late: plans today alone and publishes its forecast once it has one', async () => {
    block = new PlanBlock(district({ blocks: 3, buildings: 2, parameters: PARAMS }), DAY.publishMs - 60_000, PLAN);
    block.rosterAvailable = false;
    await block.start();
    const ids = block.district.gatewayIds;
    await block.clock.advanceTo(DAY.publishMs);
    for (const id of ids) expect(block.gateways.get(id)!.service.round(DAY.planStartMs)?.forecasts.size ?? 0).toBe(0);
    block.rosterAvailable = true;
    await block.clock.advance(30_000);
    await block.until(() => ids.every((id) => (block!.gateways.get(id)!.service.round(DAY.planStartMs)?.forecasts.size ?? 0) === ids.length), 'six forecasts everywhere after the retry');
    // Today's plan (published yesterday, before this start) is this building alone.
    const today = DAY.planStartMs - 86_400_000;
    await block.until(() => ids.every((id) => block!.gateways.get(id)!.service.planFor(today)?.status === 'alone'), 'today planned alone everywhere', SOLVE_TIMEOUT_MS);
    expect(block.gateways.get(ids[0]!)!.service.planFor(today)!.reason).toBe('no-plan-at-start');
  }, 240_000);

  it('catches a coordinator that signs two plan snapshots: nobody votes on that attempt, the next coordinator makes the plan final', async () => {
    block = new PlanBlock(district({ blocks: 3, buildings: 2, parameters: PARAMS }), DAY.publishMs - 60_000, PLAN);
    await block.start();
    const ids = block.district.gatewayIds;
    const bad = planCoordinatorFor(block.roster, DAY.planStartMs, 0)!.gatewayId;
    const next = planCoordinatorFor(block.roster, DAY.planStartMs, 1)!.gatewayId;
    const live = ids.filter((id) => id !== bad);
    await block.clock.advanceTo(DAY.publishMs);
    await block.until(() => ids.every((id) => (block!.gateways.get(id)!.service.round(DAY.planStartMs)?.forecasts.size ?? 0) === ids.length), 'six forecasts everywhere');
    // The coordinator's own service is offline; its key signs two different books by hand.
    await block.gateways.get(bad)!.service.disconnect();
    await block.clock.advanceTo(DAY.collectEndMs + PARAMS.clockSkewMs);
    const forecasts = block.gateways.get(next)!.service.round(DAY.planStartMs)!.forecastsFor(96);
    const snap = (fs: unknown[]) => signPlanSnapshot({ marketId: block!.roster.marketId, planStart: new Date(DAY.planStartMs).toISOString(), steps: 96, rosterVersion: 1, attempt: 0, coordinator: bad, forecasts: fs, prices: null }, identityOf(bad).seed);
    const topic = marketTopics(block.roster.marketId).of('plan', bad);
    await block.publishRaw(bad, topic, { type: 'snapshot', signed: snap(forecasts) });
    await block.publishRaw(bad, topic, { type: 'snapshot', signed: snap(forecasts.filter((f) => f.payload.gatewayId !== bad)) });
    const gws = live.map((id) => block!.gateways.get(id)!);
    await block.until(() => gws.every((g) => g.service.round(DAY.planStartMs)?.equivocatedAttempts.has(0) === true), 'the equivocation seen everywhere');
    await block.clock.advance(PARAMS.snapshotWindowMs);
    for (const g of gws) expect(g.service.round(DAY.planStartMs)!.voted).toBeUndefined();
    await block.clock.advanceTo(DAY.collectEndMs + PARAMS.clockSkewMs + PARAMS.coordinatorTimeoutMs);
    await block.until(() => gws.every((g) => g.service.round(DAY.planStartMs)!.snapshots.has(1)), 'the next coordinator\'s snapshot everywhere');
    await block.clock.advance(PARAMS.snapshotWindowMs);
    await block.until(() => gws.every((g) => g.service.planFor(DAY.planStartMs)?.status === 'final'), 'final at every live gateway', SOLVE_TIMEOUT_MS);
    for (const g of gws) {
      expect(g.service.planFor(DAY.planStartMs)!.certificate!.attempt).toBe(1);
      expect(g.alarms.map((a) => a.code)).toContain('plan-equivocation');
      expect(g.service.rejections.count('equivocation', bad)).toBe(1);
    }
  }, 240_000);
});
