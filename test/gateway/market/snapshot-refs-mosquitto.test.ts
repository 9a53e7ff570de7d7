import { describe, expect, it } from 'vitest';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { verifySnapshot } from '../../../gateway/market/snapshot.js';
import { blocksDisposedAfterEach, PARAMS, T0 } from './market-block-suite.js';
import { district } from './market-fixtures.js';

const newBlock = blocksDisposedAfterEach();

describe('snapshots naming their orders by signature, over a real Mosquitto (needs mosquitto)', () => {
  it('a gateway that missed the orders asks the coordinator, which publishes the full form once; all agree', async () => {
    const d = district({ blocks: 2, buildings: 3, parameters: PARAMS });
    const b = newBlock(d);
    const coordinator = coordinatorFor(d.roster, T0, 0)!.gatewayId;
    const late = d.gatewayIds.find((id) => id !== coordinator)!;
    const early = d.gatewayIds.filter((id) => id !== late);
    await b.start(early);
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => early.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === early.length), 'the early orders held');
    // Started after the others published: its new session never saw their orders.
    const g = await b.startGateway(late);
    await b.until(() => g.service.connected && g.service.roster !== undefined, 'the late gateway connected with a roster');
    await b.clock.advance(1000);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === (id === late ? 1 : d.gatewayIds.length)), 'every order held, the late gateway only its own');
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await b.until(() => d.gatewayIds.every((id) => (b.gateways.get(id)!.service.round(T0)?.snapshots.size ?? 0) > 0), 'a snapshot at every gateway');
    await b.clock.advance(PARAMS.snapshotWindowMs);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.round(T0)?.status === 'final'), 'final everywhere');

    const hashes = new Set(d.gatewayIds.map((id) => b.gateways.get(id)!.service.round(T0)!.certificate!.resultHash));
    expect(hashes.size).toBe(1);
    expect(g.service.rejections.count('snapshot-orders-missing')).toBe(1);
    expect(g.service.counters.snapshotsWanted).toBe(1);
    expect(b.gateways.get(coordinator)!.service.counters.snapshotsResent).toBe(1);
    for (const id of early) {
      const s = b.gateways.get(id)!.service;
      expect(s.rejections.count('snapshot-orders-missing')).toBe(0);
      expect(s.counters.snapshotsWanted).toBe(0);
    }
    // The late gateway stored the signed snapshot itself (every order in it), hash-identical, and it replays.
    const snapshotHash = b.gateways.get(coordinator)!.service.round(T0)!.certificate!.snapshotHash;
    const stored = g.service.store.snapshots(T0).find((s) => s.hash === snapshotHash)!;
    expect(stored.envelope.payload.orders).toHaveLength(d.gatewayIds.length);
    const replayed = verifySnapshot(stored.envelope, d.roster);
    expect(replayed.ok && replayed.value.hash).toBe(snapshotHash);
  }, 60_000);

  it('sends a snapshot far smaller than the book it stands for', async () => {
    const d = district({ blocks: 2, buildings: 3, parameters: PARAMS });
    const b = newBlock(d);
    await b.start();
    const coordinator = b.gateways.get(coordinatorFor(d.roster, T0, 0)!.gatewayId)!;
    await b.clock.advanceTo(b.gate(T0) - 30_000);
    await b.until(() => d.gatewayIds.every((id) => b.gateways.get(id)!.service.ordersHeld(T0) === d.gatewayIds.length), 'orders held');
    const before = coordinator.service.counters.publishedBytes;
    await b.clock.advanceTo(b.gate(T0) + PARAMS.clockSkewMs);
    await b.until(() => d.gatewayIds.every((id) => (b.gateways.get(id)!.service.round(T0)?.snapshots.size ?? 0) > 0), 'a snapshot at every gateway');
    const sentBytes = coordinator.service.counters.publishedBytes - before;
    const storedBytes = JSON.stringify(coordinator.service.store.snapshots(T0)[0]!.envelope).length;
    expect(coordinator.service.counters.snapshotsSent).toBe(1);
    expect(sentBytes).toBeLessThan(storedBytes / 2);
    for (const id of d.gatewayIds) expect(b.gateways.get(id)!.service.rejections.count()).toBe(0);
  }, 60_000);
});
