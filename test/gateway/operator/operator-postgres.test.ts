import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../../gateway/operator/postgres-storage.js';
import { Store } from '../../../gateway/store/store.js';
import { enqueueRecord, signRecord } from '../../../gateway/uplink/record.js';
import type { UplinkService, UplinkStatus } from '../../../gateway/uplink/uplink-service.js';
import type { StatusBoard } from '../../../gateway/services/service.js';
import { recordsTopic } from '../../../gateway/uplink/wire.js';
import pg_ from 'pg';
import { TestBroker } from '../../helpers/mosquitto.js';
import { startOperatorProcess, type OperatorProcess } from '../../helpers/operator-process.js';
import { TestPostgres } from '../../helpers/postgres.js';
import { MARKET, energyRecord, fillEnergy, gateways, settlementRecord, startUplink, tempDir, tradeRecord, type TestGateway, deliveredAtLeast } from '../../helpers/uplink-fixture.js';
import { runCli } from '../cli/run-cli.js';

const ACL = `user operator
topic read nabo/v1/+/uplink/+/records
topic write nabo/v1/+/uplink/+/ack

pattern write nabo/v1/+/uplink/%u/records
pattern read nabo/v1/+/uplink/%u/ack
`;

const gws = gateways(3);
const passwords = Object.fromEntries([...gws.map((g) => [g.id, `pw-${g.id}`]), ['operator', 'pw-operator']]);
let broker: TestBroker;
let pg: TestPostgres;
let dir: string;
let rosterFile: string;

beforeAll(async () => {
  broker = await TestBroker.start({ tls: true, users: passwords, acl: ACL });
  pg = await TestPostgres.start();
  dir = tempDir();
  rosterFile = join(dir, 'roster.json');
  writeFileSync(rosterFile, JSON.stringify({ members: gws.map((g) => ({ gatewayId: g.id, publicKey: g.publicKey })) }));
}, 60_000);

afterAll(async () => {
  await broker?.close();
  pg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function operator(database: string): Promise<OperatorProcess> {
  return startOperatorProcess(['--broker', broker.url, '--ca', broker.tls?.caFile ?? '', '--username', 'operator', '--roster', rosterFile, '--database', database], { NABO_OPERATOR_PASSWORD: 'pw-operator' });
}

function gatewayUplink(store: Store, g: TestGateway, window = 32): { uplink: UplinkService; status: StatusBoard } {
  return startUplink(store, g, broker.url, { window, tls: { caFile: broker.tls?.caFile, rejectUnauthorized: true } }, { NABO_UPLINK_PASSWORD: `pw-${g.id}` });
}

/** One interval of the block: gw-1 sells to gw-2 and gw-3 at one price; everyone settles. */
function produceInterval(stores: Store[], i: number): void {
  const [s1, s2, s3] = gws as [TestGateway, TestGateway, TestGateway];
  const price = 80 + (i % 10);
  const sides: Array<[TestGateway, Store | undefined, 'buy' | 'sell', number]> = [
    [s1, stores[0], 'sell', 600],
    [s2, stores[1], 'buy', 400],
    [s3, stores[2], 'buy', 200],
  ];
  for (const [g, store, side, wh] of sides) {
    if (!store) continue;
    store.db.transaction(() => {
      const trade = tradeRecord(gws, g, i, side, wh, price);
      enqueueRecord(store, trade, g.seed);
      const metered = side === 'sell' ? { meteredImportWh: 0, meteredExportWh: 700 } : { meteredImportWh: wh + 50, meteredExportWh: 0 };
      const imbalanceImportWh = side === 'buy' ? 50 : 0;
      const imbalanceExportWh = side === 'sell' ? 100 : 0;
      enqueueRecord(store, settlementRecord(g, i, { ...metered, boughtWh: side === 'buy' ? wh : 0, soldWh: side === 'sell' ? wh : 0, imbalanceImportWh, imbalanceExportWh, tradeAmountMinor: side === 'buy' ? trade.payload.amountMinor : -trade.payload.amountMinor, imbalanceAmountMinor: Math.round((imbalanceImportWh * 150 - imbalanceExportWh * 40) / 1000), clearingPriceMinorPerKWh: price, gridImportPriceMinorPerKWh: 150, gridExportPriceMinorPerKWh: 40 }), g.seed);
      enqueueRecord(store, energyRecord(g.id, 'main-meter', i), g.seed);
    })();
  }
}

describe('nabo operator on PostgreSQL behind a TLS mosquitto with per-gateway credentials and an ACL', () => {
  it('two receivers share the load and store a day of three gateways exactly once; the report reconciles (needs mosquitto, openssl, postgresql-15)', async () => {
    const db = `${pg.url}`;
    const ops = [await operator(db), await operator(db)];
    const stores = gws.map((g) => Store.open(join(dir, `${g.id}.db`)));
    for (let i = 0; i < 96; i++) produceInterval(stores, i);
    const ups = stores.map((s, k) => gatewayUplink(s, gws[k] as TestGateway));
    try {
      await Promise.all(ups.map((u) => u.uplink.drained(60_000)));
      const storage = await PostgresStorage.open(db);
      try {
        expect(await storage.count()).toBe(3 * 96 * 3);
      } finally {
        await storage.close();
      }
      const finals = await Promise.all(ops.map((o) => o.stop()));
      const stats = finals.map((f) => (JSON.parse(f.trim().split('\n').pop() ?? '{}') as { stats: { stored: number; received: number } }).stats);
      // Both receivers took part (a shared subscription), and together stored each record once.
      expect(stats.every((s) => s.received > 0)).toBe(true);
      expect(stats.reduce((a, s) => a + s.stored, 0)).toBe(864);
      const r = await runCli(['operator', 'report', '--database', db, '--day', '2026-06-21', '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { reconciles: boolean; totals: Record<string, number>; buildings: unknown[]; blocks: Array<{ boughtWh: number; soldWh: number }> };
      expect(report.reconciles).toBe(true);
      expect(report.buildings).toHaveLength(3 * 96);
      expect(report.blocks).toHaveLength(96);
      // Totals equal what the gateways' own stores hold.
      const fromStores = { boughtWh: 0, soldWh: 0, tradeAmountMinor: 0 };
      for (const s of stores)
        for (const row of s.db.prepare("SELECT payload FROM outbox WHERE kind = 'settlement'").all() as Array<{ payload: string }>) {
          const p = (JSON.parse(row.payload) as { payload: { payload: { boughtWh: number; soldWh: number; tradeAmountMinor: number } } }).payload.payload;
          fromStores.boughtWh += p.boughtWh;
          fromStores.soldWh += p.soldWh;
          fromStores.tradeAmountMinor += p.tradeAmountMinor;
        }
      expect({ boughtWh: report.totals.boughtWh, soldWh: report.totals.soldWh, tradeAmountMinor: report.totals.tradeAmountMinor }).toEqual(fromStores);
      expect(report.totals.boughtWh).toBe(96 * 600);
    } finally {
      for (const u of ups) await u.uplink.stop();
      for (const s of stores) s.close();
      for (const o of ops) await o.kill();
    }
  }, 120_000);

  it('refuses a record signed for another gateway, a trade without a majority and a non-member, with reasons (needs mosquitto, openssl, postgresql-15)', async () => {
    const file = join(dir, 'refusals.db');
    const op = await operator(file);
    const [g1, g2] = gws as [TestGateway, TestGateway];
    const stranger: TestGateway = { ...g2, seed: new Uint8Array(32).fill(9) };
    const client = connect(broker.url, { protocolVersion: 5, username: g2.id, password: `pw-${g2.id}`, ca: broker.tls ? [readFileSync(broker.tls.caFile)] : undefined });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      const acks: string[] = [];
      await client.subscribeAsync(`nabo/v1/${MARKET}/uplink/${g2.id}/ack`, { qos: 1 });
      client.on('message', (_t, p) => acks.push(p.toString()));
      const send = (rec: unknown): Promise<unknown> => client.publishAsync(recordsTopic(MARKET, g2.id), JSON.stringify({ records: [{ seq: 1, record: rec }] }), { qos: 1 });
      await send(signRecord(energyRecord(g1.id, 'm', 1), g2.seed)); // claims to be gw-1
      await send(signRecord(tradeRecord(gws, g2, 2, 'buy', 100, 50, 1), g2.seed)); // 1 vote of 3
      await send(signRecord(energyRecord(g2.id, 'm', 3), stranger.seed)); // key not in the roster
      await send(signRecord(energyRecord(g2.id, 'm', 4), g2.seed)); // fine
      // Publishing on another gateway's topic is refused by the broker's ACL (MQTT 5 reason 135).
      const denied = await client.publishAsync(recordsTopic(MARKET, g1.id), '{"records":[]}', { qos: 1 }).then(
        () => null,
        (err: { code?: number }) => err.code ?? -1,
      );
      expect(denied).toBe(135);
      const deadline = Date.now() + 10_000;
      while (acks.join('').split('"status"').length - 1 < 4 && Date.now() < deadline) await new Promise((r) => client.once('message', r));
      const all = acks.flatMap((a) => (JSON.parse(a) as { acks: Array<{ id: string; status: string; reason?: string }> }).acks);
      const reasonOf = (id: string): string | undefined => all.find((a) => a.id === id)?.reason?.split(':')[0];
      expect(reasonOf(energyRecord(g1.id, 'm', 1).id)).toBe('topic');
      expect(reasonOf(tradeRecord(gws, g2, 2, 'buy', 100, 50).id)).toBe('finality');
      expect(reasonOf(energyRecord(g2.id, 'm', 3).id)).toBe('not-member');
      expect(all.find((a) => a.id === energyRecord(g2.id, 'm', 4).id)?.status).toBe('stored');
      const final = JSON.parse((await op.stop()).trim().split('\n').pop() ?? '{}') as { stored: number; refusals: Record<string, number> };
      expect(final.stored).toBe(1);
      expect(final.refusals).toEqual({ topic: 1, finality: 1, 'not-member': 1 });
    } finally {
      await client.endAsync(true);
      await op.kill();
    }
  }, 60_000);

  it('the operator and its PostgreSQL crashed mid-ingest lose nothing and store nothing twice (needs mosquitto, openssl, postgresql-15)', async () => {
    const admin = new pg_.Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE crash');
    await admin.end();
    const db = pg.url.replace(/\/postgres$/, '/crash');
    let op = await operator(db);
    const g = gws[0] as TestGateway;
    const store = Store.open(join(dir, 'crash-gateway.db'));
    fillEnergy(store, g, 500, 4);
    const { uplink } = gatewayUplink(store, g);
    try {
      const delivered = await deliveredAtLeast(uplink, 300);
      await op.kill();
      pg.stopServer('immediate');
      pg.startServer();
      op = await operator(db);
      await uplink.drained(90_000);
      const final = JSON.parse((await op.stop()).trim().split('\n').pop() ?? '{}') as { stored: number };
      const storage = await PostgresStorage.open(db);
      try {
        expect(await storage.count()).toBe(2000);
      } finally {
        await storage.close();
      }
      expect(final.stored).toBe(2000);
      expect(delivered).toBeLessThan(2000);
    } finally {
      await uplink.stop();
      store.close();
      await op.kill();
    }
  }, 120_000);
});
