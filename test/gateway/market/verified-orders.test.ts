import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { decodeSignedText, SNAPSHOT_DOMAIN, snapshotPayloadSchema, type SnapshotPayload } from '../../../gateway/market/messages.js';
import { buildOrder, signOrder } from '../../../gateway/market/order-builder.js';
import { MemberIndex } from '../../../gateway/market/order-rules.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { clearSnapshot, signSnapshot, snapshotHash, verifySnapshot } from '../../../gateway/market/snapshot.js';
import { VerifiedOrders } from '../../../gateway/market/verified-orders.js';
import { district } from './market-fixtures.js';

const T = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 2, buildings: 3 });
const members = new MemberIndex(d.roster);

function order(gatewayId: string, consumptionWh: number, pvWh: number) {
  const block = members.byGateway(gatewayId)!.block;
  const prices = { block, gridImportPriceMinorPerKWh: block === 'block-1' ? 105 : 110, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 };
  return signOrder(buildOrder({ marketId: 'test-market', gatewayId, intervalStartMs: T, intervalMs: 900_000, sequence: 0, expiresAtMs: T, consumptionWh, pvWh, prices, maxStepEnergyWh: 1_000_000, maxSteps: 10 })!, d.identities.get(gatewayId)!.seed);
}

const ORDERS = d.gatewayIds.map((g, i) => order(g, 300 + 100 * i, i % 2 === 0 ? 1500 : 0)).sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : 1));
const coordinator = coordinatorFor(d.roster, T, 0)!;
const base: SnapshotPayload = { marketId: 'test-market', intervalStart: new Date(T).toISOString(), rosterVersion: 1, attempt: 0, coordinator: coordinator.gatewayId, orders: ORDERS as unknown[], prices: null };
const seed = d.identities.get(coordinator.gatewayId)!.seed;
/** The snapshot as a receiver has it: bytes off the wire, decoded, with the payload's canonical JSON. */
const received = (payload: SnapshotPayload) => {
  const d = decodeSignedText(Buffer.from(canonicalJson(signSnapshot(payload, seed))), 1 << 20, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
  if (!d.ok) throw new Error(d.error.detail);
  return d.value;
};

describe('orders verified at intake', () => {
  it('spare the snapshot check every signature, with the same hash, book and result as a full check', async () => {
    const cache = new VerifiedOrders();
    for (const o of ORDERS) cache.add(o);
    const { envelope, canonicalPayload } = received(base);
    const full = verifySnapshot(envelope, d.roster, members);
    const quick = verifySnapshot(envelope, d.roster, members, { verified: cache, canonicalPayload });
    expect(full.ok && quick.ok).toBe(true);
    if (!full.ok || !quick.ok) return;
    expect(cache.hits).toBe(ORDERS.length);
    expect(cache.misses).toBe(0);
    expect(quick.value.hash).toBe(full.value.hash);
    expect(quick.value.hash).toBe(snapshotHash(envelope));
    expect(quick.value.book).toEqual(full.value.book);
    expect((await clearSnapshot(quick.value, d.roster)).resultHash).toBe((await clearSnapshot(full.value, d.roster)).resultHash);
  });

  it('do not let an order altered inside the snapshot pass under its cached signature', () => {
    const cache = new VerifiedOrders();
    for (const o of ORDERS) cache.add(o);
    const first = ORDERS[0]!;
    const tampered = { ...first, payload: { ...first.payload, bid: [{ energyWh: 999_999, priceMinorPerKWh: 60 }], offer: undefined } };
    const padded = { ...first, note: 'extra' };
    for (const bad of [tampered, { ...first, signer: ORDERS[1]!.signer }]) {
      const { envelope, canonicalPayload } = received({ ...base, orders: [bad, ...ORDERS.slice(1)] });
      const v = verifySnapshot(envelope, d.roster, members, { verified: cache, canonicalPayload });
      expect(v.ok ? 'ok' : v.error.kind).toBe('bad-order');
    }
    // An extra field is no hit either; the full check decides, as it always did.
    const { envelope } = received({ ...base, orders: [padded, ...ORDERS.slice(1)] });
    const before = cache.misses;
    const a = verifySnapshot(envelope, d.roster, members, { verified: cache });
    const b = verifySnapshot(envelope, d.roster, members);
    expect(cache.misses).toBe(before + 1);
    expect(a.ok).toBe(b.ok);
  });

  it('miss on everything when turned off, and forget intervals that are over', () => {
    const off = new VerifiedOrders(0);
    for (const o of ORDERS) off.add(o);
    expect(off.size).toBe(0);
    expect(off.match(ORDERS[0])).toBeUndefined();
    const cache = new VerifiedOrders();
    for (const o of ORDERS) cache.add(o);
    cache.prune(T);
    expect(cache.size).toBe(ORDERS.length);
    cache.prune(T + 1);
    expect(cache.size).toBe(0);
  });

  it('stay within their bound when flooded with one interval’s orders', () => {
    const cache = new VerifiedOrders(4);
    for (const o of ORDERS) cache.add(o);
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.bySig(ORDERS.at(-1)!.signature)).toBeDefined();
  });
});
