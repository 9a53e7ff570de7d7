import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../gateway/store/store.js';
import type { UplinkStatus } from '../../../gateway/uplink/uplink-service.js';
import { makeClientCert, TestBroker } from '../../helpers/mosquitto.js';
import { fillEnergy, gateways, startSqliteOperator, startUplink, tempDir, type TestGateway } from '../../helpers/uplink-fixture.js';

const ACL = `user operator
topic read nabo/v1/+/uplink/+/records
topic write nabo/v1/+/uplink/+/ack

pattern write nabo/v1/+/uplink/%u/records
pattern read nabo/v1/+/uplink/%u/ack
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('uplink authenticated by a client certificate', () => {
  it('delivers with the gateway certificate (its CN the username under the ACL) and is refused without one (needs mosquitto, openssl)', async () => {
    const broker = await TestBroker.start({ tls: true, clientCertificates: true, acl: ACL });
    cleanups.push(() => broker.close());
    const ca = broker.tls?.caFile ?? '';
    const gws = gateways(2);
    const [g1, g2] = gws as [TestGateway, TestGateway];
    const opCert = makeClientCert(broker.dir, 'operator');
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { storage, stop } = await startSqliteOperator(broker.url, join(dir, 'operator.db'), gws, { caFile: ca, ...opCert });
    cleanups.push(stop);
    const store = Store.open(join(dir, 'gw1.db'));
    fillEnergy(store, g1, 20);
    const { uplink } = startUplink(store, g1, broker.url, { tls: { caFile: ca, ...makeClientCert(broker.dir, g1.id), rejectUnauthorized: true } });
    cleanups.push(async () => {
      await uplink.stop();
      store.close();
    });
    await uplink.drained(15_000);
    expect(await storage.count()).toBe(20);

    // gw-2 without a certificate never connects; its backlog stays and the error says why.
    const store2 = Store.open(join(dir, 'gw2.db'));
    fillEnergy(store2, g2, 3);
    const { uplink: u2, status } = startUplink(store2, g2, broker.url, { tls: { caFile: ca, rejectUnauthorized: true } });
    cleanups.push(async () => {
      await u2.stop();
      store2.close();
    });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if ((status.snapshot().uplink as UplinkStatus).reconnects >= 2) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    const s = status.snapshot().uplink as UplinkStatus;
    expect(s.connected).toBe(false);
    expect(s.backlog.count).toBe(3);
    expect(await storage.count()).toBe(20);
  }, 60_000);
});
