import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { signVote } from '../../../gateway/market/finality.js';
import { majorityOf } from '../../../gateway/market/roster.js';
import { clearSnapshot } from '../../../gateway/market/snapshot.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { blocksDisposedAfterEach, PARAMS, T0 } from './market-block-suite.js';
import { district, identityOf } from './market-fixtures.js';

const newBlock = blocksDisposedAfterEach();

describe('votes held until they can make a certificate, over a real Mosquitto (needs mosquitto)', () => {
  it('checks a majority of signatures before final and the other votes at the deadline, storing every vote once', async () => {
    const d = district({ blocks: 2, buildings: 4, parameters: PARAMS });
    const b = newBlock(d);
    await b.start();
    const ids = d.gatewayIds;
    const need = majorityOf(d.roster);
    expect(need).toBeLessThan(ids.length);
    await b.runInterval(T0, ids);
    // Every vote has reached every gateway by the time they are all final here: wait for the rest to be deferred.
    // Every vote reaches every gateway: the ones not checked wait, held (came while the majority's checks ran) or deferred (came after).
    const waiting = (id: string): number => b.gateways.get(id)!.service.counters.votesDeferred + b.gateways.get(id)!.service.round(T0)!.heldVotes;
    await b.until(() => ids.every((id) => b.gateways.get(id)!.service.counters.votesChecked + waiting(id) === ids.length), 'every vote received');
    for (const id of ids) {
      const s = b.gateways.get(id)!.service;
      expect(s.counters.votesChecked, id).toBe(need);
      expect(waiting(id), id).toBe(ids.length - need);
      expect(s.round(T0)!.certificate!.votes).toHaveLength(need);
    }
    await b.clock.advanceTo(b.gate(T0) + PARAMS.finalityTimeoutMs);
    await b.until(() => ids.every((id) => b.gateways.get(id)!.service.counters.votesChecked === ids.length), 'the deferred votes checked at the deadline');
    for (const id of ids) {
      const s = b.gateways.get(id)!.service;
      expect(s.round(T0)!.status).toBe('final');
      expect(s.rejections.count('bad-signature')).toBe(0);
      expect(s.store.votes(T0).map((v) => v.payload.voter).sort()).toEqual([...ids].sort());
    }
  }, 60_000);

  it('refuses a forged vote held among the majority when that result is checked, and the result becomes final on honest votes', async () => {
    const d = district({ blocks: 2, buildings: 3, parameters: PARAMS });
    const b = newBlock(d);
    await b.start();
    const ids = d.gatewayIds;
    const all = ids.map((id) => b.gateways.get(id)!);
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => all.every((g) => g.service.ordersHeld(T0) === ids.length), 'orders held');
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await b.until(() => all.every((g) => (g.service.round(T0)?.snapshots.size ?? 0) > 0), 'a snapshot at every gateway');
    // The result every honest gateway will vote for, and a vote for it in the insider's name signed by another key.
    const snapshot = [...all[0]!.service.round(T0)!.snapshots.get(0)!.values()][0]!;
    const { resultHash } = await clearSnapshot(snapshot, d.roster);
    const insider = ids[0]!;
    const forged = signVote({ marketId: d.roster.marketId, intervalStart: new Date(T0).toISOString(), voter: insider, attempt: 0, snapshotHash: snapshot.hash, resultHash }, identityOf('not-a-member').seed);
    const c = await b.rawClient(insider);
    await c.publishAsync(marketTopics(d.roster.marketId).of('vote', insider), canonicalJson({ ...forged, signer: d.identities.get(insider)!.publicKey }), { qos: 1 });
    await c.endAsync();
    await b.until(() => all.every((g) => g.service.round(T0)!.heldVotes === 1), 'the forged vote held at every gateway');
    expect(all.every((g) => g.service.counters.votesChecked === 0)).toBe(true);

    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => all.every((g) => g.service.round(T0)?.status === 'final'), 'final everywhere');
    for (const g of all) {
      // Refused on arrival of the votes that made its result checkable, not at the deadline.
      expect(g.service.rejections.count('bad-signature', insider), g.id).toBe(1);
      const cert = g.service.round(T0)!.certificate!;
      expect(cert.resultHash).toBe(resultHash);
      expect(cert.votes.every((v) => d.identities.get(v.payload.voter)!.publicKey === v.signer)).toBe(true);
    }
  }, 60_000);

  it('holds at most twice the members votes per interval and checks any beyond that at once', async () => {
    const d = district({ blocks: 1, buildings: 3, parameters: PARAMS });
    const b = newBlock(d);
    await b.start();
    const ids = d.gatewayIds;
    const all = ids.map((id) => b.gateways.get(id)!);
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => all.every((g) => g.service.ordersHeld(T0) === ids.length), 'orders held');
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await b.until(() => all.every((g) => (g.service.round(T0)?.snapshots.size ?? 0) > 0), 'a snapshot at every gateway');
    // An insider floods forged votes, each for another result, so none can make a certificate.
    const insider = ids[0]!;
    const bound = 2 * ids.length;
    const c = await b.rawClient(insider);
    for (let i = 0; i < bound + 3; i++) {
      const forged = signVote({ marketId: d.roster.marketId, intervalStart: new Date(T0).toISOString(), voter: insider, attempt: 0, snapshotHash: 'a'.repeat(64), resultHash: i.toString(16).padStart(64, '0') }, identityOf('not-a-member').seed);
      await c.publishAsync(marketTopics(d.roster.marketId).of('vote', insider), canonicalJson({ ...forged, signer: d.identities.get(insider)!.publicKey }), { qos: 1 });
    }
    await c.endAsync();
    await b.until(() => all.every((g) => g.service.rejections.count('bad-signature', insider) === 3), 'the votes beyond the bound refused at once');
    for (const g of all) expect(g.service.round(T0)!.heldVotes, g.id).toBe(bound);

    // The honest votes are checked as they come all the same (the bound holds no more), and the interval is final.
    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => all.every((g) => g.service.round(T0)?.status === 'final'), 'final everywhere');
    await b.clock.advanceTo(b.gate(T0) + PARAMS.finalityTimeoutMs);
    await b.until(() => all.every((g) => g.service.rejections.count('bad-signature', insider) === bound + 3), 'every forged vote refused by the deadline');
    for (const g of all) expect(g.service.round(T0)!.heldVotes).toBe(0);
  }, 60_000);
});
