import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { signVote } from '../../../gateway/market/finality.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { blocksDisposedAfterEach, PARAMS, T0 } from './market-block-suite.js';
import { district } from './market-fixtures.js';

const newBlock = blocksDisposedAfterEach();

describe('votes after finality, over a real Mosquitto (needs mosquitto)', () => {
  it('are checked and stored at the deadline, a forged one refused and counted then', async () => {
    const d = district({ blocks: 2, buildings: 3, parameters: PARAMS });
    const b = newBlock(d);
    await b.start();
    const ids = d.gatewayIds;
    await b.runInterval(T0, ids);
    const insider = ids[0]!;
    // A vote of the insider altered after signing, arriving when every gateway is final.
    const signed = signVote({ marketId: d.roster.marketId, intervalStart: new Date(T0).toISOString(), voter: insider, attempt: 0, snapshotHash: 'a'.repeat(64), resultHash: 'b'.repeat(64) }, d.identities.get(insider)!.seed);
    const forged = { ...signed, payload: { ...signed.payload, resultHash: 'c'.repeat(64) } };
    const c = await b.rawClient(insider);
    await c.publishAsync(marketTopics(d.roster.marketId).of('vote', insider), canonicalJson(forged), { qos: 1 });
    await c.endAsync();
    await b.until(() => ids.every((id) => b.gateways.get(id)!.service.round(T0)!.lateVotes.length > 0), 'the forged vote held back at every gateway');
    for (const id of ids) expect(b.gateways.get(id)!.service.rejections.count('bad-signature')).toBe(0);

    await b.clock.advanceTo(b.gate(T0) + PARAMS.finalityTimeoutMs);
    await b.until(() => ids.every((id) => b.gateways.get(id)!.service.rejections.count('bad-signature', insider) === 1), 'the forged vote refused at the deadline');
    for (const id of ids) {
      const s = b.gateways.get(id)!.service;
      expect(s.round(T0)!.lateVotes).toHaveLength(0);
      expect(s.round(T0)!.status).toBe('final');
      // Every member's vote is stored as evidence by then, each once.
      expect(s.store.votes(T0).map((v) => v.payload.voter).sort()).toEqual([...ids].sort());
    }
  }, 60_000);
});
