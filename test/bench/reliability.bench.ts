// Long form of the SIGKILL reliability test: a gateway process killed at random points N
// times (default 200) while it produces and sends records to a SQLite operator through a real
// mosquitto. Reports whether any committed record was lost or stored twice and whether the
// store passed PRAGMA integrity_check; a table, then one JSON line.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '../../gateway/clock/clock.js';
import { MajorityFinality } from '../../gateway/operator/finality.js';
import { OperatorReceiver } from '../../gateway/operator/receiver.js';
import { SqliteStorage } from '../../gateway/operator/sqlite-storage.js';
import { openDatabase } from '../../gateway/store/database.js';
import { drainChild, runAndKill } from '../helpers/gateway-kill.js';
import { TestBroker } from '../helpers/mosquitto.js';
import { directoryOf, gateways, tempDir } from '../helpers/uplink-fixture.js';

const kills = Number(process.argv[2] ?? 200);
const broker = await TestBroker.start();
const dir = tempDir('nabo-bench-reliability-');
try {
  const storage = SqliteStorage.open(join(dir, 'operator.db'));
  const receiver = new OperatorReceiver({ brokerUrl: broker.url, storage, directory: directoryOf(gateways(1)), finality: new MajorityFinality(), clock: new RealClock() });
  await receiver.start();
  const file = join(dir, 'gateway.db');
  const committed: string[] = [];
  const t0 = performance.now();
  let integrityFailures = 0;
  for (let k = 0; k < kills; k++) {
    committed.push(...(await runAndKill(file, broker.url, 1 + Math.floor(Math.random() * 40))));
    if (k % 20 === 19) {
      const db = openDatabase(file, { check: false });
      if (db.pragma('integrity_check', { simple: true }) !== 'ok') integrityFailures++;
      db.close();
    }
  }
  await drainChild(file, broker.url);
  const db = openDatabase(file);
  const outboxIds = new Set((db.prepare('SELECT id FROM outbox').all() as Array<{ id: string }>).map((r) => r.id));
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  await receiver.stop();
  const stored = (storage.db.prepare('SELECT id FROM records').all() as Array<{ id: string }>).map((r) => r.id);
  const storedSet = new Set(stored);
  const lost = committed.filter((id) => !outboxIds.has(id) || !storedSet.has(id)).length;
  const result = { kills, committed: committed.length, outbox: outboxIds.size, stored: stored.length, storedTwice: receiver.stats().stored - storedSet.size, lost, integrity, integrityFailures, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
  await storage.close();
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(18)} ${String(v)}`);
  console.log(`no committed record lost, none stored twice, integrity ok → ${lost === 0 && result.storedTwice === 0 && integrity === 'ok' && integrityFailures === 0 ? 'held' : 'FAILED'}`);
  console.log(JSON.stringify({ bench: 'reliability', ...result }));
} finally {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
}
