import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../../gateway/operator/sqlite-storage.js';
import { openDatabase } from '../../../gateway/store/database.js';
import { Store } from '../../../gateway/store/store.js';
import type { UplinkStatus } from '../../../gateway/uplink/uplink-service.js';
import { drainChild, runAndKill } from '../../helpers/gateway-kill.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { startOperatorProcess } from '../../helpers/operator-process.js';
import { fillEnergy, gateways, startSqliteOperator, startUplink, tempDir, deliveredAtLeast } from '../../helpers/uplink-fixture.js';
import { writeFileSync } from 'node:fs';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('uplink reliability with a real mosquitto', () => {
  it('SIGKILLed 20 times at random points, a gateway loses no committed record and the operator stores none twice (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const gws = gateways(1);
    const { receiver, storage, stop } = await startSqliteOperator(broker.url, join(dir, 'operator.db'), gws);
    cleanups.push(stop);
    const file = join(dir, 'gateway.db');
    const committed: string[] = [];
    for (let k = 0; k < 20; k++) committed.push(...(await runAndKill(file, broker.url, 1 + Math.floor(Math.random() * 40))));
    const check = openDatabase(file);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    await drainChild(file, broker.url);
    const store = Store.open(file);
    const outboxIds = (store.db.prepare('SELECT id FROM outbox').all() as Array<{ id: string }>).map((r) => r.id);
    store.close();
    const stored = new Set((storage.db.prepare('SELECT id FROM records').all() as Array<{ id: string }>).map((r) => r.id));
    // Every id the child reported as committed survived the kills and reached the operator.
    expect(committed.filter((id) => !outboxIds.includes(id))).toEqual([]);
    expect(outboxIds.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(outboxIds.length);
    const s = receiver.stats();
    expect(s.stored).toBe(outboxIds.length);
  }, 180_000);

  it('the operator SIGKILLed mid-ingest loses nothing and stores nothing twice after it restarts (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [g] = gateways(1);
    if (!g) throw new Error('no gateway');
    const roster = join(dir, 'roster.json');
    writeFileSync(roster, JSON.stringify({ members: [{ gatewayId: g.id, publicKey: g.publicKey }] }));
    const db = join(dir, 'operator.db');
    const args = ['--broker', broker.url, '--roster', roster, '--database', db];
    let op = await startOperatorProcess(args);
    cleanups.push(() => op.kill());
    const store = Store.open(join(dir, 'gateway.db'));
    fillEnergy(store, g, 500, 4);
    const { uplink, status } = startUplink(store, g, broker.url, { window: 32 });
    cleanups.push(async () => {
      await uplink.stop();
      store.close();
    });
    await deliveredAtLeast(uplink, 300);
    await op.kill();
    op = await startOperatorProcess(args);
    await uplink.drained(60_000);
    const final = JSON.parse((await op.stop()).trim().split('\n').pop() ?? '{}') as { stored: number };
    expect(final.stored).toBe(2000);
    // What the dead operator had taken but not acked was sent again after the ack timeout.
    expect((status.snapshot().uplink as UplinkStatus).resent).toBeGreaterThan(0);
    const storage = SqliteStorage.open(db);
    try {
      const pending = store.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_ms IS NULL').get() as { n: number };
      expect(pending.n).toBe(0);
      expect(await storage.count()).toBe(2000);
      expect(storage.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await storage.close();
    }
  }, 120_000);
});
