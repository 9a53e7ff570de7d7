import { existsSync, readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { requireTool, TestBroker } from './mosquitto.js';
import { connect, Inbox, tryConnect } from './mqtt-client.js';

let brokers: TestBroker[] = [];
let clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const b of brokers.splice(0)) await b.close();
});

async function start(options: Parameters<typeof TestBroker.start>[0]): Promise<TestBroker> {
  const b = await TestBroker.start(options);
  brokers.push(b);
  return b;
}

async function client(url: string, options: Parameters<typeof connect>[1] = {}): Promise<MqttClient> {
  const c = await connect(url, options);
  clients.push(c);
  return c;
}

describe('the test broker (needs mosquitto, openssl)', () => {
  it('keeps a retained message across a restart on the same port when persistent', async () => {
    const b = await start({ persistence: true });
    const port = b.port;
    const writer = await client(b.url);
    await writer.publishAsync('t/retained', 'kept', { qos: 1, retain: true });
    await b.restart();
    expect(b.port).toBe(port);
    const reader = await client(b.url);
    const inbox = new Inbox(reader);
    await reader.subscribeAsync('t/retained', { qos: 1 });
    await inbox.waitFor('t/retained');
    expect(inbox.received).toEqual([{ topic: 't/retained', payload: 'kept', retain: true }]);
  });

  it('forgets retained messages across a restart without persistence', async () => {
    const b = await start({});
    const writer = await client(b.url);
    await writer.publishAsync('t/retained', 'lost', { qos: 1, retain: true });
    await b.restart();
    const reader = await client(b.url);
    const inbox = new Inbox(reader);
    await reader.subscribeAsync(['t/retained', 't/marker'], { qos: 1 });
    await reader.publishAsync('t/marker', 'after', { qos: 1 });
    await inbox.waitFor('t/marker');
    expect(inbox.topics()).toEqual(['t/marker']);
  });

  it('refuses a wrong password and anonymous clients, and applies the ACL text', async () => {
    const b = await start({ users: { alice: 'pw-a' }, acl: 'user alice\ntopic readwrite alice/#\n' });
    expect(await tryConnect(b.url, { username: 'alice', password: 'guess' })).toMatchObject({ ok: false });
    expect(await tryConnect(b.url, {})).toMatchObject({ ok: false });
    const alice = await client(b.url, { username: 'alice', password: 'pw-a' });
    const inbox = new Inbox(alice);
    await alice.subscribeAsync('#', { qos: 1 });
    await alice.publishAsync('bob/x', 'not allowed', { qos: 1 });
    await alice.publishAsync('alice/x', 'allowed', { qos: 1 });
    await inbox.waitFor('alice/x');
    expect(inbox.topics()).toEqual(['alice/x']);
  });

  it('serves TLS with the certificates it made, and refuses a client that does not trust them', async () => {
    const b = await start({ tls: true });
    expect(b.url).toMatch(/^mqtts:/);
    expect(b.tls && existsSync(b.tls.caFile)).toBe(true);
    await client(b.url, { ca: readFileSync(b.tls!.caFile) });
    expect(await tryConnect(b.url, {})).toMatchObject({ ok: false, reason: expect.stringMatching(/self[- ]signed|unable to verify|certificate/i) });
  });

  it("runs a config the test wrote and keeps the broker's log", async () => {
    const b = await start({ config: (port) => `listener ${port} 127.0.0.1\nallow_anonymous true\nlog_dest stderr\nlog_type all\n` });
    await client(b.url, { clientId: 'the-logged-one' });
    await b.waitForLog(/New client connected .* as the-logged-one/);
    expect(b.log()).toMatch(/mosquitto version \S+ running/);
  });

  it('says why when the broker never logs that it runs', async () => {
    await expect(start({ config: (port) => `listener ${port} 127.0.0.1\nlog_dest none\n`, startTimeoutMs: 1000 })).rejects.toThrow(/did not log 'running' within/);
  });

  it('names the missing tool and how to install it', () => {
    expect(() => requireTool('/nonexistent/mosquitto', 'mosquitto')).toThrow(/this test needs mosquitto at \/nonexistent\/mosquitto; install it \(apt-get install/);
  });
});
