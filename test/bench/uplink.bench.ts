// Uplink benchmark: (1) drain time of one building's 7-day offline backlog through a real
// mosquitto to a SQLite operator (target < 10 s); (2) operator ingest in records/s on SQLite
// and on PostgreSQL with one and two receivers (`nabo operator run` processes), fed by raw
// publishers so the operator is the bottleneck. Prints a table, then one JSON line.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { connect } from 'mqtt';
import { RealClock } from '../../gateway/clock/clock.js';
import { MajorityFinality } from '../../gateway/operator/finality.js';
import { OperatorReceiver } from '../../gateway/operator/receiver.js';
import { openOperatorStorage } from '../../gateway/operator/storage.js';
import { SqliteStorage } from '../../gateway/operator/sqlite-storage.js';
import { Store } from '../../gateway/store/store.js';
import { enqueueRecord, recordText, signRecord } from '../../gateway/uplink/record.js';
import { recordsTopic } from '../../gateway/uplink/wire.js';
import { TestBroker } from '../helpers/mosquitto.js';
import { startOperatorProcess } from '../helpers/operator-process.js';
import { TestPostgres } from '../helpers/postgres.js';
import { directoryOf, energyRecord, gateways, MARKET, settlementRecord, startUplink, tempDir, tradeRecord, type TestGateway } from '../helpers/uplink-fixture.js';

const DAYS = 7;
const INTERVALS = DAYS * 96;
const DEVICES = 4;

async function drainBacklog(broker: TestBroker, dir: string): Promise<{ records: number; seconds: number; recordsPerSecond: number }> {
  const gws = gateways(3);
  const g = gws[0] as TestGateway;
  const storage = SqliteStorage.open(join(dir, 'drain-operator.db'));
  const receiver = new OperatorReceiver({ brokerUrl: broker.url, storage, directory: directoryOf(gws), finality: new MajorityFinality(), clock: new RealClock() });
  await receiver.start();
  const store = Store.open(join(dir, 'drain-gw.db'));
  // A week offline: per interval the meters' energy, a trade with its certificate and a settlement.
  store.db.transaction(() => {
    for (let i = 0; i < INTERVALS; i++) {
      for (let d = 0; d < DEVICES; d++) enqueueRecord(store, energyRecord(g.id, `meter-${d}`, i), g.seed);
      const trade = tradeRecord(gws, g, i, 'sell', 500, 90);
      enqueueRecord(store, trade, g.seed);
      enqueueRecord(store, settlementRecord(g, i, { meteredImportWh: 0, meteredExportWh: 600, boughtWh: 0, soldWh: 500, imbalanceImportWh: 0, imbalanceExportWh: 100, tradeAmountMinor: -trade.payload.amountMinor, imbalanceAmountMinor: -4, clearingPriceMinorPerKWh: 90, gridImportPriceMinorPerKWh: 150, gridExportPriceMinorPerKWh: 40 }), g.seed);
    }
  })();
  const records = store.outbox.pendingCount();
  const t0 = performance.now();
  const { uplink } = startUplink(store, g, broker.url, {});
  await uplink.drained(120_000);
  const seconds = (performance.now() - t0) / 1000;
  await uplink.stop();
  await receiver.stop();
  const stored = await storage.count();
  if (stored !== records) throw new Error(`drain: operator stored ${stored} of ${records}`);
  await storage.close();
  store.close();
  return { records, seconds: Number(seconds.toFixed(2)), recordsPerSecond: Math.round(records / seconds) };
}

async function ingest(broker: TestBroker, database: string, receivers: number, roster: string, messages: Array<[string, string]>): Promise<{ seconds: number; recordsPerSecond: number }> {
  const ops = [];
  for (let k = 0; k < receivers; k++) ops.push(await startOperatorProcess(['--broker', broker.url, '--roster', roster, '--database', database]));
  const storage = await openOperatorStorage(database);
  // One PostgreSQL database serves the runs one after another: count only what this run adds.
  const before = await storage.count();
  const clients = new Map<string, ReturnType<typeof connect>>();
  const t0 = performance.now();
  await Promise.all(
    [...new Set(messages.map(([t]) => t))].map(async (topic) => {
      const c = connect(broker.url, { protocolVersion: 5 });
      clients.set(topic, c);
      await new Promise<void>((resolve) => c.once('connect', () => resolve()));
      await Promise.all(messages.filter(([t]) => t === topic).map(([t, m]) => c.publishAsync(t, m, { qos: 1 })));
    }),
  );
  // Polled here because the receivers are other processes; the bench is not a test.
  while ((await storage.count()) - before < messages.length) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of clients.values()) await c.endAsync();
  for (const o of ops) await o.stop();
  await storage.close();
  return { seconds: Number(seconds.toFixed(2)), recordsPerSecond: Math.round(messages.length / seconds) };
}

const perGateway = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2000);
const drainOnly = process.argv.includes('--drain-only');

async function ingestRuns(broker: TestBroker, pg: TestPostgres, dir: string): Promise<Array<{ backend: string; receivers: number; records: number; seconds: number; recordsPerSecond: number }>> {
  const gws = gateways(10);
  const roster = join(dir, 'roster.json');
  writeFileSync(roster, JSON.stringify({ members: gws.map((g) => ({ gatewayId: g.id, publicKey: g.publicKey })) }));
  const makeMessages = (salt: number): Array<[string, string]> =>
    gws.flatMap((g) => Array.from({ length: perGateway }, (_, i): [string, string] => [recordsTopic(MARKET, g.id), `{"records":[{"seq":${i + 1},"record":${recordText(signRecord(energyRecord(g.id, `m${salt}`, i), g.seed))}}]}`]));
  const runs = [];
  const configs: Array<[string, string, number]> = [
    ['sqlite', join(dir, 'ingest.db'), 1],
    ['postgres', pg.url, 1],
    ['postgres', pg.url, 2],
  ];
  for (const [k, [backend, database, receivers]] of configs.entries()) {
    const msgs = makeMessages(k);
    runs.push({ backend, receivers, records: msgs.length, ...(await ingest(broker, database, receivers, roster, msgs)) });
  }
  return runs;
}

const broker = await TestBroker.start();
const pg = await TestPostgres.start();
const dir = tempDir('nabo-bench-uplink-');
try {
  const drain = await drainBacklog(broker, dir);
  console.log(`7-day backlog of one building: ${drain.records} records drained in ${drain.seconds} s (${drain.recordsPerSecond} records/s); target < 10 s → ${drain.seconds < 10 ? 'met' : 'MISSED'}`);
  const runs = drainOnly ? [] : await ingestRuns(broker, pg, dir);
  const header = ['backend', 'receivers', 'records', 'seconds', 'records/s'];
  const cells = runs.map((r) => [r.backend, r.receivers, r.records, r.seconds, r.recordsPerSecond].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  if (runs.length > 0) console.log(header.map((h, i) => h.padEnd(widths[i] ?? 0)).join('  '));
  for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i] ?? 0)).join('  '));
  console.log(JSON.stringify({ bench: 'uplink', drain: { ...drain, targetSeconds: 10 }, ingest: runs }));
} finally {
  await broker.close();
  pg.close();
  rmSync(dir, { recursive: true, force: true });
}
