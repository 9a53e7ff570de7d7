import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { signEnvelope } from '../../../core/signed-envelope.js';
import { ORDER_DOMAIN, type OrderPayload, type SignedOrder } from '../../../gateway/market/messages.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { signSnapshot } from '../../../gateway/market/snapshot.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { MarketBlock, OffsetClock } from './market-block.js';
import { district, identityOf, signed } from './market-fixtures.js';
import { buildOrder, signOrder } from '../../../gateway/market/order-builder.js';

const PARAMS = { gateClosureLeadMs: 60_000, coordinatorTimeoutMs: 5000, snapshotWindowMs: 300, clockSkewMs: 2000, finalityTimeoutMs: 30_000 };
const T0 = Date.UTC(2026, 5, 1, 10, 0);
const START = T0 - 120_000;

let block: MarketBlock | undefined;
afterEach(async () => {
  await block?.dispose();
  block = undefined;
});

/** Collects every order published in the market, as a member's client sees them. */
async function orderTap(b: MarketBlock, user: string): Promise<{ client: MqttClient; orders: SignedOrder[]; received: (n: number) => Promise<void> }> {
  const client = await b.rawClient(user);
  const orders: SignedOrder[] = [];
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  client.on('message', (_t, payload) => {
    // The tap also hears the attacker's garbage: keep only what parses as an envelope.
    let value: unknown;
    try {
      value = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (typeof value === 'object' && value !== null && 'payload' in value) orders.push(value as SignedOrder);
    for (const w of waiting.filter((x) => orders.length >= x.n)) w.resolve();
  });
  await client.subscribeAsync(marketTopics(b.roster.marketId).all('order'), { qos: 1 });
  const received = (n: number): Promise<void> =>
    orders.length >= n
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`tap saw ${orders.length} of ${n} orders`)), 10_000);
          waiting.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
        });
  return { client, orders, received };
}

describe('block market faults over a real Mosquitto (needs mosquitto)', () => {
  it('catches an equivocating coordinator: both snapshots kept as evidence, an alarm, and the next coordinator clears', async () => {
    const d = district({ blocks: 2, buildings: 3, parameters: PARAMS });
    const evil = coordinatorFor(d.roster, T0, 0)!.gatewayId;
    const honest = d.gatewayIds.filter((id) => id !== evil);
    block = new MarketBlock(d, START);
    await block.start(honest);
    const tap = await orderTap(block, evil);
    const b = block;
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => honest.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === honest.length), 'orders held');
    await tap.received(honest.length);
    const orders = [...tap.orders].sort((x, y) => (x.payload.orderId < y.payload.orderId ? -1 : 1));
    const base = { marketId: d.roster.marketId, intervalStart: new Date(T0).toISOString(), rosterVersion: 1, attempt: 0, coordinator: evil, prices: null };
    const seed = d.identities.get(evil)!.seed;
    const topic = marketTopics(d.roster.marketId).of('snapshot', evil);
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await tap.client.publishAsync(topic, canonicalJson(signSnapshot({ ...base, orders }, seed)), { qos: 1 });
    await tap.client.publishAsync(topic, canonicalJson(signSnapshot({ ...base, orders: orders.slice(1) }, seed)), { qos: 1 });
    await b.until(() => honest.every((id) => b.gateways.get(id)!.alarms.some((a) => a.code === 'market-equivocation')), 'equivocation alarms').catch((err: Error) => {
      throw new Error(`${err.message}; rejections ${JSON.stringify(b.gateways.get(honest[0]!)!.service.rejections.snapshot())}`);
    });
    for (const id of honest) expect(b.gateways.get(id)!.service.store.snapshots(T0).filter((s) => s.attempt === 0 && s.coordinator === evil)).toHaveLength(2);
    // Nobody votes on attempt 0; after the coordinator timeout the next one publishes and the interval clears.
    await b.clock.advance(PARAMS.snapshotWindowMs);
    expect(honest.every((id) => b.gateways.get(id)!.service.round(T0)!.voted === undefined)).toBe(true);
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs + PARAMS.coordinatorTimeoutMs);
    await b.until(() => honest.every((id) => (b.gateways.get(id)!.service.round(T0)!.snapshots.get(1)?.size ?? 0) === 1), 'attempt 1 snapshot');
    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => honest.every((id) => b.gateways.get(id)!.service.round(T0)!.status === 'final'), 'final on attempt 1');
    const certs = honest.map((id) => b.gateways.get(id)!.service.round(T0)!.certificate!);
    expect(new Set(certs.map((c) => c.resultHash)).size).toBe(1);
    expect(certs.every((c) => c.attempt === 1)).toBe(true);
    await tap.client.endAsync();
  });

  it('passes to the next coordinator when the coordinator dies at gate closure', async () => {
    const d = district({ blocks: 1, buildings: 4, parameters: PARAMS });
    block = new MarketBlock(d, START);
    await block.start();
    const b = block;
    const dead = coordinatorFor(d.roster, T0, 0)!.gatewayId;
    const live = d.gatewayIds.filter((id) => id !== dead);
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === 4), 'orders held');
    await b.gateways.get(dead)!.service.stop();
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs + PARAMS.coordinatorTimeoutMs);
    await b.until(() => live.every((id) => (b.gateways.get(id)!.service.round(T0)?.snapshots.get(1)?.size ?? 0) === 1), 'attempt 1 snapshot');
    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => live.every((id) => b.gateways.get(id)!.service.round(T0)!.status === 'final'), 'final without the dead coordinator');
    const certs = live.map((id) => b.gateways.get(id)!.service.round(T0)!.certificate!);
    expect(new Set(certs.map((c) => c.resultHash)).size).toBe(1);
    expect(certs[0]!.attempt).toBe(1);
    // The dead coordinator's order was collected before gate closure and still trades.
    expect(b.gateways.get(live[0]!)!.service.store.result(T0, d.roster.marketId)!.orders.some((o) => o.participant === dead)).toBe(true);
  });

  it('agrees although the gateways clocks are up to 2 s apart', async () => {
    const d = district({ blocks: 1, buildings: 3, parameters: PARAMS });
    block = new MarketBlock(d, START);
    const offsets = new Map(d.gatewayIds.map((id, i) => [id, new OffsetClock(block!.clock, [-2000, 0, 2000][i]!)] as const));
    await block.start(d.gatewayIds, offsets);
    for (let k = 0; k < 3; k++) await block.runInterval(T0 + k * block.intervalMs, d.gatewayIds, { slackMs: 2000 });
    for (let k = 0; k < 3; k++) {
      const hashes = d.gatewayIds.map((id) => block!.gateways.get(id)!.service.round(T0 + k * block!.intervalMs)!.certificate!.resultHash);
      expect(new Set(hashes).size).toBe(1);
    }
  });

  it('survives a Mosquitto restart mid-interval: sessions resume and the interval still clears', async () => {
    const d = district({ blocks: 1, buildings: 3, parameters: PARAMS });
    block = new MarketBlock(d, START);
    await block.start();
    const b = block;
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === 3), 'orders held');
    await b.broker.restart();
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.connected), 'reconnected after restart', 15_000);
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await b.until(() => d.gatewayIds.every((id) => (b.gateways.get(id)!.service.round(T0)?.snapshots.size ?? 0) > 0), 'snapshot after restart');
    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.round(T0)!.status === 'final'), 'final after restart');
  });

  it('rejects every kind of bad input with its reason, counted per member, without changing the result', async () => {
    // b1-h4 was a member once; its key is revoked in this roster.
    const d = district({ blocks: 1, buildings: 4, parameters: PARAMS, revoked: ['b1-h4'] });
    const ids = d.gatewayIds.filter((id) => id !== 'b1-h4');
    block = new MarketBlock(d, START);
    await block.start(ids);
    const b = block;
    const insider = 'b1-h1';
    const tap = await orderTap(b, insider);
    const topic = marketTopics(d.roster.marketId).of('order', insider);
    const send = (value: unknown): Promise<unknown> => tap.client.publishAsync(topic, typeof value === 'string' ? value : canonicalJson(value), { qos: 1 });
    let expected: Record<string, number> = {};
    await b.runInterval(T0, ids, {
      afterOrders: async () => {
        await tap.received(ids.length);
        const real = tap.orders.find((o) => o.payload.gatewayId === insider)!;
        const other = tap.orders.find((o) => o.payload.gatewayId === 'b1-h2')!;
        const p: OrderPayload = real.payload;
        const key = d.identities.get(insider)!.seed;
        const signedBy = (payload: unknown, seed: Uint8Array) => signEnvelope(ORDER_DOMAIN, payload, seed);
        await send('{"payload": not json');
        await send(`{"pad":"${'x'.repeat(70 * 1024)}"}`);
        await send({ ...signedBy({ ...p, sequence: 50, orderId: `${insider}-${p.orderId.split('-')[2]}-50` }, identityOf('mallory').seed), signer: real.signer });
        await send(signedBy(p, identityOf('stranger').seed));
        await send(signedBy({ ...p, sequence: 51, orderId: p.orderId.replace(/-\d+$/, '-51') }, d.identities.get('b1-h4')!.seed));
        await send(signedBy({ ...p, intervalStart: new Date(T0 + 60_000).toISOString() }, key));
        await send(signedBy({ ...p, sequence: 52, orderId: p.orderId.replace(/-\d+$/, '-52'), expiresAt: new Date(T0 - 10 * 60_000).toISOString() }, key));
        await send(signedBy({ ...p, bid: [{ energyWh: -5, priceMinorPerKWh: 100 }], offer: undefined }, key));
        await send(signedBy({ ...p, bid: [{ energyWh: 'NaN', priceMinorPerKWh: 100 }], offer: undefined }, key));
        await send(signedBy({ ...p, sequence: 53, orderId: p.orderId.replace(/-\d+$/, '-53'), bid: [{ energyWh: 500_000_000, priceMinorPerKWh: 100 }], offer: undefined }, key));
        await send(signedBy({ ...p, sequence: 54, orderId: p.orderId.replace(/-\d+$/, '-54'), bid: [{ energyWh: 500, priceMinorPerKWh: 10_000 }], offer: undefined }, key));
        await send(other);
        await send(real);
        await send(signedBy({ ...p, bid: [{ energyWh: 1, priceMinorPerKWh: 100 }], offer: undefined }, key));
        // The broker's ACL stops a member writing on another's topic: it never arrives.
        await tap.client.publishAsync(marketTopics(d.roster.marketId).of('order', 'b1-h2'), canonicalJson(real), { qos: 1 }).catch(() => undefined);
        expected = {
          'invalid-json': 1,
          oversized: 1,
          'bad-signature': 1,
          'non-member': 1,
          'revoked-key': 1,
          'wrong-interval': 1,
          expired: 1,
          'invalid-payload': 2,
          'invalid-quantity': 1,
          'price-out-of-bounds': 1,
          'topic-mismatch': 1,
          replay: 1,
          'duplicate-order-id': 1,
        };
        const total = Object.values(expected).reduce((s, n) => s + n, 0);
        await b.until(() => ids.every((id) => b.gateways.get(id)!.service.rejections.count(undefined, insider) >= total), 'all bad inputs counted').catch((err: Error) => {
          throw new Error(`${err.message}: ${JSON.stringify(b.gateways.get(ids[0]!)!.service.rejections.snapshot())}`);
        });
      },
    });
    for (const id of ids) {
      const s = b.gateways.get(id)!.service;
      expect(s.rejections.snapshot().byMember[insider]).toEqual(expected);
      expect(s.rejections.count(undefined, 'b1-h2')).toBe(0);
      const status = b.gateways.get(id)!.ctx.status.snapshot().market as { rejections: { byMember: Record<string, unknown> } };
      expect(status.rejections.byMember[insider]).toEqual(expected);
    }
    // The book holds exactly the honest orders, each once.
    const g = b.gateways.get(ids[0]!)!;
    const snap = g.service.store.snapshots(T0).find((s) => s.hash === g.service.store.interval(T0)!.snapshotHash)!;
    const inBook = (snap.envelope.payload.orders as SignedOrder[]).map((o) => o.signature).sort();
    const honest = ids.map((id) => b.gateways.get(id)!.service.store.ownOrders(T0).at(-1)!.signature).sort();
    expect(inBook).toEqual(honest);
    expect(new Set(ids.map((id) => b.gateways.get(id)!.service.round(T0)!.certificate!.resultHash)).size).toBe(1);
    await tap.client.endAsync();
  });

  it('takes a newer roster from the operator over MQTT: a revoked member trades no more and its orders are refused', async () => {
    const d = district({ blocks: 1, buildings: 4, parameters: PARAMS });
    block = new MarketBlock(d, START);
    await block.start();
    const b = block;
    await b.runInterval(T0, d.gatewayIds);
    const v2 = district({ blocks: 1, buildings: 4, parameters: PARAMS, version: 2, revoked: ['b1-h4'] }).roster;
    await b.publishAsOperator(marketTopics(d.roster.marketId).roster, signed(v2), true);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.roster?.version === 2), 'roster version 2 everywhere');
    const live = ['b1-h1', 'b1-h2', 'b1-h3'];
    const T1 = T0 + b.intervalMs;
    await b.runInterval(T1, live, {
      afterOrders: async () => {
        // The revoked gateway still has its password (the broker's ACL is the operator's next step): its order is refused anyway.
        const c = await b.rawClient('b1-h4');
        const order = signOrder(buildOrder({ marketId: d.roster.marketId, gatewayId: 'b1-h4', intervalStartMs: T1, intervalMs: b.intervalMs, sequence: 7, expiresAtMs: T1, consumptionWh: 900, pvWh: 0, prices: { block: 'block-1', gridImportPriceMinorPerKWh: 105, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 }, maxStepEnergyWh: 1_000_000, maxSteps: 10 })!, d.identities.get('b1-h4')!.seed);
        await c.publishAsync(marketTopics(d.roster.marketId).of('order', 'b1-h4'), canonicalJson(order), { qos: 1 });
        await c.endAsync();
        await b.until(() => live.every((id) => b.gateways.get(id)!.service.rejections.count('revoked-key', 'b1-h4') === 1), 'revoked order refused');
      },
    });
    const result = b.gateways.get('b1-h1')!.service.store.result(T1, d.roster.marketId)!;
    expect(result.orders.some((o) => o.participant === 'b1-h4')).toBe(false);
    expect(b.gateways.get('b1-h1')!.service.round(T1)!.certificate!.rosterVersion).toBe(2);
    expect(new Set(live.map((id) => b.gateways.get(id)!.service.round(T1)!.certificate!.resultHash)).size).toBe(1);
  });

  it('refuses a snapshot published before gate closure, which would shut out orders still due', async () => {
    const d = district({ blocks: 1, buildings: 4, parameters: PARAMS });
    const evil = coordinatorFor(d.roster, T0, 0)!.gatewayId;
    const honest = d.gatewayIds.filter((id) => id !== evil);
    block = new MarketBlock(d, START);
    await block.start(honest);
    const b = block;
    const tap = await orderTap(b, evil);
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await tap.received(honest.length);
    const orders = [...tap.orders].sort((x, y) => (x.payload.orderId < y.payload.orderId ? -1 : 1));
    const early = signSnapshot({ marketId: d.roster.marketId, intervalStart: new Date(T0).toISOString(), rosterVersion: 1, attempt: 0, coordinator: evil, orders, prices: null }, d.identities.get(evil)!.seed);
    await tap.client.publishAsync(marketTopics(d.roster.marketId).of('snapshot', evil), canonicalJson(early), { qos: 1 });
    await b.until(() => honest.every((id) => b.gateways.get(id)!.service.rejections.count('snapshot-early', evil) === 1), 'early snapshot refused');
    expect(honest.every((id) => (b.gateways.get(id)!.service.round(T0)?.snapshots.size ?? 0) === 0)).toBe(true);
    await tap.client.endAsync();
  });
});
