// The demo's operator broker on TLS (gateway/demo/demo-tls.ts + mosquitto.ts): a CA made at
// start, passwords or client certificates, and what it refuses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBrokerTls } from '../../../gateway/demo/demo-tls.js';
import { startBroker, type RunningBroker } from '../../../gateway/demo/mosquitto.js';
import { MOSQUITTO, OPENSSL, requireTool } from '../../helpers/mosquitto.js';

const ACL = 'user b1-h1\ntopic write nabo/v1/m/uplink/b1-h1/records\n\nuser b1-h2\ntopic write nabo/v1/m/uplink/b1-h2/records\n';
let dir: string;
let broker: RunningBroker;
let certBroker: RunningBroker;

beforeAll(async () => {
  requireTool(MOSQUITTO, 'mosquitto');
  requireTool(OPENSSL, 'openssl');
  dir = mkdtempSync(join(tmpdir(), 'nabo-demo-tls-'));
  const users = { 'b1-h1': 'pw-1', 'b1-h2': 'pw-2' };
  broker = await startBroker({ dir: join(dir, 'passwords'), users, acl: ACL, tls: await makeBrokerTls(join(dir, 'passwords', 'tls')) });
  certBroker = await startBroker({ dir: join(dir, 'certs'), users, acl: ACL, tls: await makeBrokerTls(join(dir, 'certs', 'tls'), ['b1-h1']) });
}, 30_000);

afterAll(async () => {
  await broker?.stop();
  await certBroker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Connects, publishes one QoS 1 message, and says how the broker answered. */
async function publish(url: string, options: mqtt.IClientOptions, topic: string): Promise<string> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  try {
    await c.publishAsync(topic, 'x', { qos: 1 });
    return 'published';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.endAsync(true);
  }
}

function connect(url: string, options: mqtt.IClientOptions): Promise<string> {
  return mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...options }).then(
    async (c) => {
      await c.endAsync(true);
      return 'connected';
    },
    (err: Error) => err.message,
  );
}

describe("the demo's operator broker on TLS (needs mosquitto, openssl)", () => {
  it('listens on mqtts:// and names its CA', () => {
    expect(broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(broker.tls!.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it("accepts a gateway's login from a client that verifies the broker by its CA and address", async () => {
    expect(await connect(broker.url, { username: 'b1-h1', password: 'pw-1', ca: readFileSync(broker.tls!.caFile) })).toBe('connected');
  });

  it('refuses the same login over plain MQTT', async () => {
    expect(await connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'b1-h1', password: 'pw-1' })).not.toBe('connected');
  });

  it('is refused by a client that does not trust its CA, and refuses a wrong password', async () => {
    expect(await connect(broker.url, { username: 'b1-h1', password: 'pw-1' })).toMatch(/certificate/);
    expect(await connect(broker.url, { username: 'b1-h1', password: 'wrong', ca: readFileSync(broker.tls!.caFile) })).toMatch(/Not authorized/);
  });
});

describe("the demo's operator broker asking for client certificates (needs mosquitto, openssl)", () => {
  it('accepts a client with its certificate as the user of its CN, without a password', async () => {
    const own = certBroker.tls!.clients['b1-h1']!;
    const tls = { ca: readFileSync(certBroker.tls!.caFile), cert: readFileSync(own.certFile), key: readFileSync(own.keyFile) };
    expect(await publish(certBroker.url, tls, 'nabo/v1/m/uplink/b1-h1/records')).toBe('published');
    // The ACL applies to the certificate's CN, whatever username the client claims.
    expect(await publish(certBroker.url, { ...tls, username: 'b1-h2', password: 'pw-2' }, 'nabo/v1/m/uplink/b1-h2/records')).toMatch(/Not authorized/);
  });

  it('refuses a client without a certificate, even with a right password', async () => {
    expect(await connect(certBroker.url, { username: 'b1-h2', password: 'pw-2', ca: readFileSync(certBroker.tls!.caFile) })).not.toBe('connected');
  });
});
