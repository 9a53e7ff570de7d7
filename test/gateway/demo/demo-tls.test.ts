import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBrokerTls } from '../../../gateway/demo/demo-tls.js';
import { startBroker, type RunningBroker } from '../../../gateway/demo/mosquitto.js';
import { MOSQUITTO, OPENSSL, requireTool } from '../../helpers/mosquitto.js';

let dir: string;
let broker: RunningBroker;

beforeAll(async () => {
  requireTool(MOSQUITTO, 'mosquitto');
  requireTool(OPENSSL, 'openssl');
  dir = mkdtempSync(join(tmpdir(), 'nabo-demo-tls-'));
  const tls = await makeBrokerTls(join(dir, 'tls'));
  broker = await startBroker({ dir, users: { 'b1-h1': 'pw-1' }, acl: 'user b1-h1\ntopic write nabo/v1/m/uplink/b1-h1/records\n', tls });
});

afterAll(async () => {
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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
    expect(readFileSync(broker.caFile!, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it("accepts a gateway's login from a client that verifies the broker by its CA and address", async () => {
    expect(await connect(broker.url, { username: 'b1-h1', password: 'pw-1', ca: readFileSync(broker.caFile!) })).toBe('connected');
  });

  it('refuses the same login over plain MQTT', async () => {
    expect(await connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'b1-h1', password: 'pw-1' })).not.toBe('connected');
  });

  it('is refused by a client that does not trust its CA, and refuses a wrong password', async () => {
    expect(await connect(broker.url, { username: 'b1-h1', password: 'pw-1' })).toMatch(/certificate/);
    expect(await connect(broker.url, { username: 'b1-h1', password: 'wrong', ca: readFileSync(broker.caFile!) })).toMatch(/Not authorized/);
  });
});
