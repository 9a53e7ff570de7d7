import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnchorService } from '../../../gateway/anchor/anchor-service.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { anchorConfigSchema } from '../../../gateway/uplink/config.js';
import { enqueueRecord } from '../../../gateway/uplink/record.js';
import { IotaTestNode } from '../../helpers/iota-test-node.js';
import { freePort } from '../../free-port.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { DAY_START_MS, fillEnergy, gateways, quietLog, startSqliteOperator, startUplink, tempDir, tradeRecord, type TestGateway } from '../../helpers/uplink-fixture.js';
import { runCli } from '../cli/run-cli.js';

const PACKAGE = `0x${'b2'.repeat(32)}`;
const gws = gateways(3);
const g = gws[0] as TestGateway;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('nabo verify on the operator side', () => {
  it('verifies every record the operator stored from its anchor record, against the ledger (needs mosquitto)', async () => {
    const broker = await TestBroker.start();
    const node = new IotaTestNode(await freePort());
    await node.start();
    const dir = tempDir('nabo-opverify-');
    cleanups.push(async () => {
      await broker.close();
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const operator = await startSqliteOperator(broker.url, join(dir, 'operator.db'), gws);
    const { storage } = operator;
    const store = Store.open(join(dir, 'gw.db'));
    const clock = new SimulatedClock({ startMs: DAY_START_MS });
    const anchor = new AnchorService({ config: anchorConfigSchema.parse({ nodeUrl: node.url, packageId: PACKAGE }), seed: g.seed, gatewayId: g.id });
    anchor.start({ clock, store, status: new StatusBoard(), log: quietLog });
    const { uplink } = startUplink(store, g, broker.url);
    cleanups.push(async () => {
      await anchor.stop();
      await uplink.stop();
      await operator.stop();
      store.close();
    });
    fillEnergy(store, g, 12);
    for (let i = 0; i < 4; i++) enqueueRecord(store, tradeRecord(gws, g, i, 'sell', 300, 80), g.seed);
    await clock.advance(3_600_000);
    await anchor.submitPending();
    uplink.kick();
    await uplink.drained(20_000);
    const roster = join(dir, 'roster.json');
    writeFileSync(roster, JSON.stringify({ members: gws.map((x) => ({ gatewayId: x.id, publicKey: x.publicKey })) }));
    const ids = (storage.db.prepare("SELECT id FROM records WHERE kind != 'anchor' ORDER BY id").all() as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toHaveLength(16);
    for (const id of ids) {
      const r = await runCli(['verify', id, '--database', join(dir, 'operator.db'), '--roster', roster, '--node', node.url, '--package', PACKAGE, '--format', 'json']);
      const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string }> }).checks;
      expect(checks.filter((c) => c.status !== 'ok'), id).toEqual([]);
      expect(checks.map((c) => c.name)).toEqual(id.startsWith('trade:') ? ['signature', 'finality', 'proof', 'ledger'] : ['signature', 'proof', 'ledger']);
      expect(r.code).toBe(0);
    }
  });
});
