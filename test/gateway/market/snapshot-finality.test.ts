import { describe, expect, it } from 'vitest';
import { signEnvelope } from '../../../core/signed-envelope.js';
import { signVote, verifyCertificate, VoteTally } from '../../../gateway/market/finality.js';
import { buildOrder, signOrder } from '../../../gateway/market/order-builder.js';
import type { SnapshotPayload } from '../../../gateway/market/messages.js';
import { MemberIndex } from '../../../gateway/market/order-rules.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { clearSnapshot, signSnapshot, verifySnapshot } from '../../../gateway/market/snapshot.js';
import { district, identityOf } from './market-fixtures.js';

const T = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 2, buildings: 2 });
const members = new MemberIndex(d.roster);
const prices = { block: 'block-1', gridImportPriceMinorPerKWh: 105, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 };

function order(gatewayId: string, consumptionWh: number, pvWh: number, sequence = 0) {
  const block = members.byGateway(gatewayId)!.block;
  const p = { ...prices, block, gridImportPriceMinorPerKWh: block === 'block-1' ? 105 : 110 };
  return signOrder(buildOrder({ marketId: 'test-market', gatewayId, intervalStartMs: T, intervalMs: 900_000, sequence, expiresAtMs: T, consumptionWh, pvWh, prices: p, maxStepEnergyWh: 1_000_000, maxSteps: 10 })!, d.identities.get(gatewayId)!.seed);
}

const ORDERS = [order('b1-h1', 200, 1500), order('b1-h2', 900, 0), order('b2-h1', 700, 0), order('b2-h2', 100, 900)].sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : 1));
const coordinator = coordinatorFor(d.roster, T, 0)!;
const base: SnapshotPayload = { marketId: 'test-market', intervalStart: new Date(T).toISOString(), rosterVersion: 1, attempt: 0, coordinator: coordinator.gatewayId, orders: ORDERS as unknown[], prices: null };
const seedOf = (g: string) => d.identities.get(g)!.seed;

describe('snapshot verification', () => {
  it('accepts the coordinator’s snapshot and clears it to the same hash every time', async () => {
    const v = verifySnapshot(signSnapshot(base, seedOf(coordinator.gatewayId)), d.roster);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.book.orders.map((o) => o.id)).toEqual(ORDERS.flatMap((o) => [o.payload.bid ? `${o.payload.orderId}:bid` : [], o.payload.offer ? `${o.payload.orderId}:offer` : []].flat()));
    const a = await clearSnapshot(v.value, d.roster);
    const b = await clearSnapshot(v.value, d.roster);
    expect(a.result!.totals.tradedWh).toBeGreaterThan(0);
    expect(a.resultHash).toBe(b.resultHash);
  });

  it('refuses a snapshot signed by a member out of turn, for another roster version, or with a tampered, unsorted or doubled order', () => {
    const other = d.gatewayIds.find((g) => g !== coordinator.gatewayId)!;
    const kind = (payload: typeof base, signer = coordinator.gatewayId) => {
      const v = verifySnapshot(signSnapshot(payload, seedOf(signer)), d.roster);
      return v.ok ? 'ok' : v.error.kind;
    };
    expect(kind({ ...base, coordinator: other }, other)).toBe('not-coordinator');
    expect(kind(base, other)).toBe('not-coordinator');
    expect(kind({ ...base, rosterVersion: 2 })).toBe('roster-version');
    const tampered = { ...ORDERS[0]!, payload: { ...ORDERS[0]!.payload, sequence: 9 } };
    expect(kind({ ...base, orders: [tampered, ...ORDERS.slice(1)] })).toBe('bad-order');
    expect(kind({ ...base, orders: [...ORDERS].reverse() })).toBe('unsorted-orders');
    expect(kind({ ...base, orders: [...ORDERS, order('b2-h2', 100, 2000, 1)] })).toBe('duplicate-gateway');
    expect(kind({ ...base, orders: [...ORDERS, signEnvelope('order', { ...ORDERS[0]!.payload, orderId: 'zz-1-0', gatewayId: 'zz' }, identityOf('stranger').seed)] })).toBe('bad-order');
    expect(kind({ ...base, prices: signEnvelope('prices', { marketId: 'test-market', version: 1, intervals: [] }, seedOf('b1-h1')) })).toBe('bad-prices');
  });
});

describe('votes and the finality certificate', () => {
  const vote = (voter: string, resultHash: string, attempt = 0) => signVote({ marketId: 'test-market', intervalStart: new Date(T).toISOString(), voter, attempt, snapshotHash: 'a'.repeat(64), resultHash }, seedOf(voter));

  it('is final only with more than half of the members on one hash, and the certificate verifies on its own', () => {
    const tally = new VoteTally(new Date(T).toISOString(), d.roster, members);
    expect(tally.add(vote('b1-h1', '1'.repeat(64)), 'b1-h1').ok).toBe(true);
    expect(tally.add(vote('b1-h2', '1'.repeat(64)), 'b1-h2').ok).toBe(true);
    expect(tally.add(vote('b2-h1', '2'.repeat(64)), 'b2-h1').ok).toBe(true);
    expect(tally.certificate()).toBeUndefined();
    expect(tally.add(vote('b2-h2', '1'.repeat(64)), 'b2-h2').ok).toBe(true);
    const cert = tally.certificate()!;
    expect(cert.resultHash).toBe('1'.repeat(64));
    expect(cert.votes.map((v) => v.payload.voter)).toEqual(['b1-h1', 'b1-h2', 'b2-h2']);
    expect(verifyCertificate(cert, d.roster, members).ok).toBe(true);
    expect(verifyCertificate({ ...cert, votes: cert.votes.slice(0, 2) }, d.roster, members).ok).toBe(false);
    expect(verifyCertificate({ ...cert, resultHash: '2'.repeat(64) }, d.roster, members).ok).toBe(false);
  });

  it('refuses a second vote of a member (kept as evidence), a replay, another topic and a non-member', () => {
    const tally = new VoteTally(new Date(T).toISOString(), d.roster, members);
    const kind = (r: ReturnType<VoteTally['add']>) => (r.ok ? 'counted' : r.error.kind);
    expect(kind(tally.add(vote('b1-h1', '1'.repeat(64)), 'b1-h1'))).toBe('counted');
    expect(kind(tally.add(vote('b1-h1', '1'.repeat(64)), 'b1-h1'))).toBe('replay');
    expect(kind(tally.add(vote('b1-h1', '2'.repeat(64)), 'b1-h1'))).toBe('double-vote');
    expect(tally.doubleVotes).toHaveLength(1);
    expect(kind(tally.add(vote('b1-h2', '1'.repeat(64)), 'b2-h1'))).toBe('topic-mismatch');
    const stranger = signVote({ marketId: 'test-market', intervalStart: new Date(T).toISOString(), voter: 'b2-h1', attempt: 0, snapshotHash: 'a'.repeat(64), resultHash: '1'.repeat(64) }, identityOf('stranger').seed);
    expect(kind(tally.add(stranger, 'b2-h1'))).toBe('non-member');
  });
});
