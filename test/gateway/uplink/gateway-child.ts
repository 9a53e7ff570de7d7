// Child process for the SIGKILL test: a gateway that keeps producing records (each in its own
// durable transaction, like the market does) while its uplink sends them; it says on stdout
// which record ids it has committed, until the parent kills it. With `drain` it produces
// nothing, waits for the backlog to reach zero and exits 0.
import { createLogger } from '../../../gateway/log/logger.js';
import { RealClock } from '../../../gateway/clock/clock.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { uplinkConfigSchema } from '../../../gateway/uplink/config.js';
import { enqueueRecord } from '../../../gateway/uplink/record.js';
import { UplinkService } from '../../../gateway/uplink/uplink-service.js';
import { energyRecord, gateways, MARKET } from '../../helpers/uplink-fixture.js';

const [file, brokerUrl, mode] = process.argv.slice(2);
if (!file || !brokerUrl) throw new Error('usage: gateway-child <store> <brokerUrl> [drain]');
const [g] = gateways(1);
if (!g) throw new Error('no gateway');
const store = Store.open(file);
const clock = new RealClock();
const uplink = new UplinkService({ config: uplinkConfigSchema.parse({ enabled: true, brokerUrl, marketId: MARKET, window: 8, ackTimeoutMs: 1_000, reconnectMinMs: 50, reconnectMaxMs: 500 }), gatewayId: g.id, pollMs: 20 });
uplink.start({ clock, store, status: new StatusBoard(), log: createLogger({ level: 'silent', pretty: false }) });

if (mode === 'drain') {
  await uplink.drained(60_000);
  await uplink.stop();
  store.close();
  process.stdout.write('drained\n');
  process.exit(0);
}

let i = (store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
process.stdout.write('ready\n');
const produce = (): void => {
  const rec = energyRecord(g.id, 'main-meter', i++);
  enqueueRecord(store, rec, g.seed);
  process.stdout.write(`committed ${rec.id}\n`);
  uplink.kick();
  clock.setTimeout(produce, 2);
};
produce();
