import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { checkSignedText, SNAPSHOT_DOMAIN, snapshotPayloadSchema, type SignedOrder, type SnapshotPayload } from '../../../gateway/market/messages.js';
import { buildOrder, signOrder } from '../../../gateway/market/order-builder.js';
import { MemberIndex } from '../../../gateway/market/order-rules.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { signSnapshot, snapshotHash } from '../../../gateway/market/snapshot.js';
import { isReferenced, isWant, referencedSnapshot, resolveSnapshot, wantSchema } from '../../../gateway/market/snapshot-wire.js';
import { district } from './market-fixtures.js';

const T = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 2, buildings: 3 });
const members = new MemberIndex(d.roster);
const ORDERS = d.gatewayIds
  .map((g, i) => {
    const block = members.byGateway(g)!.block;
    const prices = { block, gridImportPriceMinorPerKWh: block === 'block-1' ? 105 : 110, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 };
    return signOrder(buildOrder({ marketId: 'test-market', gatewayId: g, intervalStartMs: T, intervalMs: 900_000, sequence: 0, expiresAtMs: T, consumptionWh: 300 + 100 * i, pvWh: i % 2 ? 0 : 1400, prices, maxStepEnergyWh: 1_000_000, maxSteps: 10 })!, d.identities.get(g)!.seed);
  })
  .sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : 1));
const coordinator = coordinatorFor(d.roster, T, 0)!.gatewayId;
const payload: SnapshotPayload = { marketId: 'test-market', intervalStart: new Date(T).toISOString(), rosterVersion: 1, attempt: 0, coordinator, orders: ORDERS as unknown[], prices: null };
const full = signSnapshot(payload, d.identities.get(coordinator)!.seed);
/** What a receiver parses off the broker. */
const wire = (value: unknown): unknown => JSON.parse(canonicalJson(value));

describe('snapshot on the wire', () => {
  it('names each order by its signature, and rebuilds to the signed snapshot with the same hash', () => {
    const referenced = wire(referencedSnapshot(full));
    expect(isReferenced(referenced)).toBe(true);
    expect(isReferenced(wire(full))).toBe(false);
    expect(canonicalJson(referenced).length).toBeLessThan(canonicalJson(full).length / 2);
    const bySignature = new Map(ORDERS.map((o) => [o.signature, wire(o) as SignedOrder]));
    const r = resolveSnapshot(referenced, (s) => bySignature.get(s));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = checkSignedText(r.value, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(canonicalJson(c.value.envelope)).toBe(canonicalJson(full));
    expect(snapshotHash(c.value.envelope)).toBe(snapshotHash(full));
  });

  it('lists the orders a gateway does not hold, and refuses a reference that is not a signature', () => {
    const referenced = wire(referencedSnapshot(full));
    const held = new Map(ORDERS.slice(2).map((o) => [o.signature, o]));
    const r = resolveSnapshot(referenced, (s) => held.get(s));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.error.kind).toBe('orders-missing');
    expect(r.missing).toEqual(ORDERS.slice(0, 2).map((o) => o.signature));
    const bad = wire({ ...full, payload: { ...payload, orders: ['not-a-signature'] } });
    const b = resolveSnapshot(bad, () => undefined);
    expect(b.ok ? 'ok' : b.error.kind).toBe('malformed');
  });

  it('does not verify when the coordinator signed other orders than the ones referenced', () => {
    const other = signSnapshot({ ...payload, orders: ORDERS.slice(1) as unknown[] }, d.identities.get(coordinator)!.seed);
    // The references of one snapshot under the signature of another: rebuilt, then refused.
    const forged = wire({ ...referencedSnapshot(full), signature: other.signature });
    const r = resolveSnapshot(forged, (s) => ORDERS.find((o) => o.signature === s));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = checkSignedText(r.value, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
    expect(c.ok ? 'ok' : c.error.kind).toBe('bad-signature');
  });

  it('reads a request for the full form and refuses one of another shape', () => {
    const want = { want: { marketId: 'test-market', intervalStart: payload.intervalStart, attempt: 0, coordinator } };
    expect(isWant(wire(want))).toBe(true);
    expect(wantSchema.safeParse(wire(want)).success).toBe(true);
    expect(wantSchema.safeParse({ want: { ...want.want, attempt: -1 } }).success).toBe(false);
    expect(wantSchema.safeParse({ ...want, extra: 1 }).success).toBe(false);
  });
});
