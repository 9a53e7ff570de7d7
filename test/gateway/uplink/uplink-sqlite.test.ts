import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../gateway/store/store.js';
import { enqueueRecord } from '../../../gateway/uplink/record.js';
import type { UplinkStatus } from '../../../gateway/uplink/uplink-service.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { energyRecord, fillEnergy, gateways, startSqliteOperator, startUplink, tempDir, type SqliteOperator } from '../../helpers/uplink-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function operatorOn(broker: TestBroker, file: string, gws: ReturnType<typeof gateways>): Promise<SqliteOperator> {
  const op = await startSqliteOperator(broker.url, file, gws);
  cleanups.push(op.stop);
  return op;
}

describe('uplink to a SQLite operator through a real mosquitto', () => {
  it('stores every record exactly once and acks the outbox only after the operator stored it (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const gws = gateways(2);
    const { storage } = await operatorOn(broker, join(dir, 'operator.db'), gws);
    for (const g of gws) {
      const store = Store.open(join(dir, `${g.id}.db`));
      fillEnergy(store, g, 96, 2);
      // Someone else's outbox entry (an order for the block broker) is left alone.
      store.outbox.enqueue({ id: `order:${g.id}:1`, kind: 'order', payload: 'not for the operator', createdMs: 0 });
      const { uplink, status } = startUplink(store, g, broker.url, { window: 16 });
      cleanups.push(async () => {
        await uplink.stop();
        store.close();
      });
      await uplink.drained(20_000);
      const s = status.snapshot().uplink as UplinkStatus;
      expect(s.backlog.count).toBe(0);
      expect(s.delivered).toBe(192);
      expect(store.db.prepare('SELECT acked_ms AS ackedMs, attempts FROM outbox WHERE kind = ?').get('order')).toEqual({ ackedMs: null, attempts: 0 });
    }
    expect(await storage.count()).toBe(384);
    const dupes = storage.db.prepare('SELECT COUNT(*) AS n FROM (SELECT id FROM records GROUP BY id HAVING COUNT(*) > 1)').get() as { n: number };
    expect(dupes.n).toBe(0);
  });

  it('keeps a backlog while the broker is down and drains it in seq order when it returns (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [g] = gateways(1);
    if (!g) throw new Error('no gateway');
    const { storage } = await operatorOn(broker, join(dir, 'operator.db'), [g]);
    const store = Store.open(join(dir, 'gw.db'));
    const { uplink, status } = startUplink(store, g, broker.url, { window: 8 });
    cleanups.push(async () => {
      await uplink.stop();
      store.close();
    });
    fillEnergy(store, g, 10);
    await uplink.drained(10_000);
    await broker.kill();
    // A simulated hour offline: four intervals per device, enqueued while the broker is down.
    for (let i = 10; i < 110; i++) enqueueRecord(store, energyRecord(g.id, 'meter-0', i), g.seed);
    const down = status.snapshot().uplink as UplinkStatus;
    expect(down.backlog.count).toBe(100);
    expect(down.backlog.oldestMs).not.toBeNull();
    await broker.restart();
    await uplink.drained(20_000);
    const order = storage.db.prepare("SELECT id FROM records WHERE kind = 'interval-energy' ORDER BY rowid").all() as Array<{ id: string }>;
    const expected = store.db.prepare('SELECT id FROM outbox ORDER BY seq').all() as Array<{ id: string }>;
    expect(order.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect((status.snapshot().uplink as UplinkStatus).reconnects).toBeGreaterThan(0);
  });

  it('keeps at most `window` records in flight, in seq order, until the operator acks (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [g] = gateways(1);
    if (!g) throw new Error('no gateway');
    const watcher = connect(broker.url, { protocolVersion: 5 });
    cleanups.push(() => watcher.endAsync(true));
    await new Promise<void>((resolve) => watcher.once('connect', () => resolve()));
    await watcher.subscribeAsync('nabo/v1/+/uplink/+/records', { qos: 1 });
    const seqs: number[] = [];
    const eight = new Promise<void>((resolve) =>
      watcher.on('message', (_t, p) => {
        seqs.push(...(JSON.parse(p.toString()) as { records: Array<{ seq: number }> }).records.map((r) => r.seq));
        if (seqs.length === 8) resolve();
      }),
    );
    const store = Store.open(join(dir, 'gw.db'));
    fillEnergy(store, g, 50);
    // No operator yet: nothing is acked, so the window fills and stays full.
    const { uplink, status } = startUplink(store, g, broker.url, { window: 8, ackTimeoutMs: 600_000 });
    cleanups.push(async () => {
      await uplink.stop();
      store.close();
    });
    await eight;
    uplink.kick();
    uplink.kick();
    const s = status.snapshot().uplink as UplinkStatus;
    expect([s.sent, s.inFlight, s.delivered, s.backlog.count]).toEqual([8, 8, 0, 50]);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const { storage } = await operatorOn(broker, join(dir, 'operator.db'), [g]);
    // The operator missed the first eight (it was not subscribed yet). The ack timeout is long
    // here, so a restarted uplink is what sends them again, from the oldest.
    await uplink.stop();
    const again = startUplink(store, g, broker.url, { window: 8, ackTimeoutMs: 600_000 });
    cleanups.push(() => again.uplink.stop());
    await again.uplink.drained(20_000);
    expect(await storage.count()).toBe(50);
    const order = storage.db.prepare('SELECT id FROM records ORDER BY rowid').all() as Array<{ id: string }>;
    expect(order.map((r) => r.id)).toEqual((store.db.prepare('SELECT id FROM outbox ORDER BY seq').all() as Array<{ id: string }>).map((r) => r.id));
  });
});
