import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ed25519Keypair } from '@iota/iota-sdk/keypairs/ed25519';
import { verifyTransactionSignature } from '@iota/iota-sdk/verify';
import { afterEach, describe, expect, it } from 'vitest';
import { AnchorService } from '../../../gateway/anchor/anchor-service.js';
import { AnchorStore } from '../../../gateway/anchor/anchor-store.js';
import { leafHash } from '../../../gateway/anchor/merkle.js';
import { RealClock, SimulatedClock } from '../../../gateway/clock/clock.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { anchorConfigSchema } from '../../../gateway/uplink/config.js';
import { enqueueRecord, recordHash, type SignedRecord } from '../../../gateway/uplink/record.js';
import { IotaTestNode } from '../../helpers/iota-test-node.js';
import { freePort } from '../../free-port.js';
import { DAY_START_MS, fillEnergy, gateways, quietLog, tempDir, tradeRecord, type TestGateway } from '../../helpers/uplink-fixture.js';
import { runCli } from '../cli/run-cli.js';

const PACKAGE = `0x${'a1'.repeat(32)}`;
const gws = gateways(3);
const g = gws[0] as TestGateway;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(nodeStarted = true): Promise<{ store: Store; node: IotaTestNode; anchor: AnchorService; clock: SimulatedClock; dir: string }> {
  const dir = tempDir('nabo-anchor-');
  const store = Store.open(join(dir, 'gw.db'));
  const node = new IotaTestNode(await freePort());
  if (nodeStarted) await node.start();
  const clock = new SimulatedClock({ startMs: DAY_START_MS });
  const anchor = new AnchorService({ config: anchorConfigSchema.parse({ nodeUrl: node.url, packageId: PACKAGE, retryMs: 60_000 }), seed: g.seed, gatewayId: g.id, ioClock: new RealClock() });
  anchor.start({ clock, store, status: new StatusBoard(), log: quietLog });
  cleanups.push(async () => {
    await anchor.stop();
    store.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, node, anchor, clock, dir };
}

describe('IOTA anchoring against a local JSON-RPC test node', () => {
  it('cuts a batch each simulated hour and anchors its root in a Move call whose signature verifies with the SDK', async () => {
    const { store, node, anchor, clock } = await setup();
    fillEnergy(store, g, 40);
    await clock.advance(3_600_000);
    await anchor.submitPending();
    expect(node.executed).toHaveLength(1);
    const tx = node.executed[0];
    if (!tx) throw new Error('nothing executed');
    const pk = await verifyTransactionSignature(tx.bytes, tx.signature);
    expect(pk.toIotaAddress()).toBe(Ed25519Keypair.fromSecretKey(g.seed).toIotaAddress());
    expect(tx.calls).toEqual([{ package: PACKAGE, module: 'anchor', function: 'anchor_root' }]);
    // The SDK asked the node for the gas price, a dry run and coins before executing.
    expect(node.calls).toEqual(expect.arrayContaining(['iotax_getReferenceGasPrice', 'iota_dryRunTransactionBlock', 'iotax_getCoins', 'iota_executeTransactionBlock']));
    const anchors = new AnchorStore(store.db);
    const batch = anchors.batch(1);
    expect(batch?.leafCount).toBe(40);
    expect(Buffer.from(tx.inputs[0]?.value as number[]).toString('hex')).toBe(batch?.root);
    expect(batch?.txDigest).toBe(tx.digest);
    expect(batch?.checkpoint).toBe(tx.checkpoint);
    // The receipt went into the outbox as an anchor record, which the next batch covers.
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'anchor'").get()).toEqual({ n: 1 });
    await clock.advance(3_600_000);
    await anchor.submitPending();
    expect(anchors.batch(2)?.leafCount).toBe(1);
    // An hour without new records cuts no batch.
    await clock.advance(3_600_000);
    await anchor.submitPending();
    expect(anchors.batch(3)?.leafCount).toBe(1);
    await clock.advance(3_600_000);
    await anchor.submitPending();
    expect(node.executed).toHaveLength(4);
  });

  it('keeps a batch while the node is unreachable and submits it when the node answers', async () => {
    const { store, node, anchor } = await setup(false);
    fillEnergy(store, g, 5);
    await anchor.cutAndSubmit();
    const anchors = new AnchorStore(store.db);
    expect(anchors.counts()).toMatchObject({ batches: 1, anchored: 0, waiting: 1 });
    expect(anchors.counts().lastError).toMatch(/^node:/);
    await node.start();
    await anchor.submitPending();
    expect(anchors.counts()).toMatchObject({ batches: 1, anchored: 1, waiting: 0, lastError: null });
  });

  it('nabo verify passes a stored record and fails a tampered record, proof or root, and a trade without a majority', async () => {
    const { store, node, anchor, dir } = await setup();
    fillEnergy(store, g, 9);
    enqueueRecord(store, tradeRecord(gws, g, 3, 'sell', 500, 90), g.seed);
    enqueueRecord(store, tradeRecord(gws, g, 4, 'sell', 500, 90, 1), g.seed);
    await anchor.cutAndSubmit();
    const roster = join(dir, 'roster.json');
    writeFileSync(roster, JSON.stringify({ members: gws.map((x) => ({ gatewayId: x.id, publicKey: x.publicKey })) }));
    const common = ['--store', join(dir, 'gw.db'), '--roster', roster, '--node', node.url, '--package', PACKAGE, '--format', 'json'];
    const tradeId = tradeRecord(gws, g, 3, 'sell', 500, 90).id;
    const good = await runCli(['verify', tradeId, ...common]);
    const out = JSON.parse(good.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }>; evidence: { record: SignedRecord; proof: { steps: Array<{ hash: string }> }; anchor: { root: string; digest: string } } };
    expect(out.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['signature:ok', 'finality:ok', 'proof:ok', 'ledger:ok']);
    expect(good.code).toBe(0);

    const weak = await runCli(['verify', tradeRecord(gws, g, 4, 'sell', 500, 90).id, ...common]);
    expect(weak.code).toBe(1);
    expect((JSON.parse(weak.stdout) as { checks: Array<{ name: string; status: string }> }).checks.find((c) => c.name === 'finality')?.status).toBe('failed');

    const statusOf = async (evidence: unknown, name: string): Promise<[number, string | undefined]> => {
      const f = join(dir, `ev-${name}-${Math.random()}.json`);
      writeFileSync(f, JSON.stringify(evidence));
      const r = await runCli(['verify', f, ...common]);
      return [r.code, (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string }> }).checks.find((c) => c.name === name)?.status];
    };
    const ev = out.evidence;
    const tamperedRecord = { ...ev, record: { ...ev.record, payload: { ...ev.record.payload, payload: { ...(ev.record.payload.payload as object), energyWh: 5000 } } } };
    expect(await statusOf(tamperedRecord, 'signature')).toEqual([1, 'failed']);
    const tamperedProof = { ...ev, proof: { ...ev.proof, steps: ev.proof.steps.map((s, i) => (i === 0 ? { ...s, hash: 'f'.repeat(64) } : s)) } };
    expect(await statusOf(tamperedProof, 'proof')).toEqual([1, 'failed']);
    // A forged one-leaf "batch" whose root the proof does reach: only the ledger catches it.
    const forgedRoot = { ...ev, proof: { leafIndex: 0, leafCount: 1, steps: [] }, anchor: { ...ev.anchor, root: leafHash(recordHash(ev.record)) } };
    expect(await statusOf(forgedRoot, 'proof')).toEqual([1, 'ok']);
    expect(await statusOf(forgedRoot, 'ledger')).toEqual([1, 'failed']);
  });

  it('splits a long backlog into batches of at most 2048 records', async () => {
    const { store, anchor } = await setup();
    fillEnergy(store, g, 1500, 3);
    await anchor.cutAndSubmit();
    const anchors = new AnchorStore(store.db);
    expect([anchors.batch(1)?.leafCount, anchors.batch(2)?.leafCount, anchors.batch(3)?.leafCount]).toEqual([2048, 2048, 404]);
    expect(anchors.counts()).toMatchObject({ batches: 3, anchored: 3 });
  });
});
