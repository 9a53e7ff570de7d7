import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoAcl } from '../../gateway/cli/init/mosquitto-acl.js';
import { MOSQUITTO, MOSQUITTO_PASSWD, OPENSSL, requireTool, TestBroker, writePasswords } from '../helpers/mosquitto.js';
import { connect, Inbox, tryConnect } from '../helpers/mqtt-client.js';

const MARKET = 'm1';
const ROOT = `nabo/v1/${MARKET}`;
const USERS = { gw1: 'pw-gw1', gw2: 'pw-gw2', operator: 'pw-op' };

let dir: string;
let broker: TestBroker;
let ca: Buffer;
const clients: MqttClient[] = [];

/** A TLS client that trusts the block's test CA. */
async function as(user: keyof typeof USERS): Promise<MqttClient> {
  const c = await connect(broker.url, { username: user, password: USERS[user], ca, clientId: `${user}-${clients.length}` });
  clients.push(c);
  return c;
}

/** The shipped block broker conf with this test's paths and port; what a test cannot use from it (syslog, pid file) left out. */
function blockBrokerConf(dir: string, port: number): string {
  return (
    readFileSync('deploy/mosquitto/mosquitto.conf', 'utf8')
      .replaceAll('/etc/mosquitto/nabo/', `${dir}/`)
      .replace('/var/lib/mosquitto/', `${dir}/data/`)
      .replace('include_dir /etc/mosquitto/conf.d', `include_dir ${dir}/conf.d`)
      .replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^pid_file .*$/m, '')
      // The 'running' line the harness waits for is logged at information level.
      .replace(/^log_dest syslog$/m, 'log_dest stderr\nlog_type information')
  );
}

beforeAll(async () => {
  requireTool(MOSQUITTO, 'mosquitto');
  requireTool(MOSQUITTO_PASSWD, 'mosquitto_passwd');
  requireTool(OPENSSL, 'openssl');
  dir = mkdtempSync(join(tmpdir(), 'nabo-mosquitto-'));
  for (const sub of ['data', 'conf.d']) mkdirSync(join(dir, sub));
  const certs = spawnSync('bash', ['deploy/certs/make-test-ca.sh', '--out', join(dir, 'certs'), '--block', 'b1', '--broker-name', 'localhost', '--broker-name', '127.0.0.1', '--gateway', 'gw1'], { encoding: 'utf8' });
  if (certs.status !== 0) throw new Error(`make-test-ca.sh failed: ${certs.stderr}`);
  ca = readFileSync(join(dir, 'certs', 'ca.crt'));
  writePasswords(join(dir, 'passwd'), USERS);
  const acl = mosquittoAcl({ marketId: MARKET, operator: 'operator', gateways: ['gw1', 'gw2'] });
  if (!acl.ok) throw new Error(acl.error.detail);
  writeFileSync(join(dir, 'acl'), acl.value);
  broker = await TestBroker.start({ config: (port) => blockBrokerConf(dir, port), scheme: 'mqtts' });
}, 30_000);

afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
});

afterAll(async () => {
  await broker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('block broker from deploy/mosquitto (needs mosquitto and openssl)', () => {
  it('lets a gateway publish its own order over TLS and its neighbour read it', async () => {
    const gw2 = await as('gw2');
    const inbox = new Inbox(gw2);
    await gw2.subscribeAsync(`${ROOT}/order/+`, { qos: 1 });
    const gw1 = await as('gw1');
    await gw1.publishAsync(`${ROOT}/order/gw1`, 'signed order', { qos: 1 });
    await inbox.waitFor(`${ROOT}/order/gw1`);
    expect(inbox.received).toEqual([{ topic: `${ROOT}/order/gw1`, payload: 'signed order', retain: false }]);
  });

  it("drops a gateway's publications on another gateway's topics and on the operator's", async () => {
    const operator = await as('operator');
    const inbox = new Inbox(operator);
    await operator.subscribeAsync(`${ROOT}/#`, { qos: 1 });
    const gw1 = await as('gw1');
    for (const topic of [`${ROOT}/order/gw2`, `${ROOT}/vote/gw2`, `${ROOT}/uplink/gw2/records`, `${ROOT}/roster`, `${ROOT}/prices`]) await gw1.publishAsync(topic, 'forged', { qos: 1 });
    // QoS 1 from one client arrives in order: once the marker is in, anything before it would be.
    await gw1.publishAsync(`${ROOT}/alarm/gw1`, 'marker', { qos: 1 });
    await inbox.waitFor(`${ROOT}/alarm/gw1`);
    expect(inbox.topics()).toEqual([`${ROOT}/alarm/gw1`]);
  });

  it("gives a gateway none of the operator side's messages for other gateways, however it subscribes", async () => {
    const gw1 = await as('gw1');
    const inbox = new Inbox(gw1);
    // Mosquitto 2 grants any subscription and applies the ACL to each message it would deliver.
    await gw1.subscribeAsync([`${ROOT}/uplink/#`, `${ROOT}/uplink/gw2/ack`, `${ROOT}/uplink/gw1/ack`, `${ROOT}/#`], { qos: 1 });
    const gw2 = await as('gw2');
    const gw2Inbox = new Inbox(gw2);
    await gw2.subscribeAsync(`${ROOT}/uplink/gw2/ack`, { qos: 1 });
    const operator = await as('operator');
    await operator.publishAsync(`${ROOT}/uplink/gw2/ack`, 'ack for gw2', { qos: 1 });
    await operator.publishAsync(`${ROOT}/uplink/gw2/records`, 'not even the operator relays these', { qos: 1 });
    await operator.publishAsync(`${ROOT}/uplink/gw1/ack`, 'ack for gw1', { qos: 1 });
    await inbox.waitFor(`${ROOT}/uplink/gw1/ack`);
    await gw2Inbox.waitFor(`${ROOT}/uplink/gw2/ack`);
    expect(inbox.received.length).toBeGreaterThan(0);
    expect(inbox.received.filter((m) => m.topic !== `${ROOT}/uplink/gw1/ack`)).toEqual([]);
  });

  it('refuses a plain connection, an untrusted certificate and a wrong password', async () => {
    const plain = await tryConnect(`mqtt://127.0.0.1:${broker.port}`, { username: 'gw1', password: USERS.gw1, connectTimeout: 3000 });
    expect(plain.ok).toBe(false);
    const untrusted = await tryConnect(broker.url, { username: 'gw1', password: USERS.gw1 });
    expect(untrusted).toMatchObject({ ok: false, reason: expect.stringMatching(/self[- ]signed|unable to verify|certificate/i) });
    const wrong = await tryConnect(broker.url, { username: 'gw1', password: 'guess', ca });
    expect(wrong).toMatchObject({ ok: false, reason: expect.stringMatching(/Not authorized|Bad username or password/i) });
    const anonymous = await tryConnect(broker.url, { ca });
    expect(anonymous.ok).toBe(false);
  });

  it('drops a message above the size limit and delivers the next one', async () => {
    const gw2 = await as('gw2');
    const inbox = new Inbox(gw2);
    await gw2.subscribeAsync(`${ROOT}/snapshot/+`, { qos: 1 });
    const gw1 = await as('gw1');
    await gw1.publishAsync(`${ROOT}/snapshot/gw1`, 'x'.repeat(300_000), { qos: 1 });
    await gw1.publishAsync(`${ROOT}/snapshot/gw1`, 'small', { qos: 1 });
    await inbox.waitFor(`${ROOT}/snapshot/gw1`);
    expect(inbox.received.map((m) => m.payload)).toEqual(['small']);
  });

  it('keeps the retained roster across a broker restart (persistence)', async () => {
    const operator = await as('operator');
    await operator.publishAsync(`${ROOT}/roster`, 'signed roster v7', { qos: 1, retain: true });
    // SIGTERM: the broker saves its persistence; it comes back on the same port and files.
    await broker.restart();
    const gw1 = await as('gw1');
    const inbox = new Inbox(gw1);
    await gw1.subscribeAsync(`${ROOT}/roster`, { qos: 1 });
    await inbox.waitFor(`${ROOT}/roster`);
    expect(inbox.received).toEqual([{ topic: `${ROOT}/roster`, payload: 'signed roster v7', retain: true }]);
  }, 30_000);
});

describe('bridge from the block broker to the operator broker (needs mosquitto and openssl)', () => {
  let operatorBroker: TestBroker | undefined;
  let blockBroker: TestBroker | undefined;
  let bridgeDir: string;
  afterAll(async () => {
    await blockBroker?.close();
    await operatorBroker?.close();
    if (bridgeDir) rmSync(bridgeDir, { recursive: true, force: true });
  });

  it('brings the operator’s retained roster to the block and carries a gateway’s uplink records out, over TLS', async () => {
    bridgeDir = mkdtempSync(join(tmpdir(), 'nabo-bridge-'));
    for (const sub of ['data', 'conf.d', 'op-data']) mkdirSync(join(bridgeDir, sub));
    const certs = join(dir, 'certs');
    // The operator's broker: TLS with the same test CA, a bridge user and the operator.
    const operatorTls = { caFile: `${certs}/ca.crt`, certFile: `${certs}/broker.crt`, keyFile: `${certs}/broker.key` };
    operatorBroker = await TestBroker.start({ tls: operatorTls, users: { 'nabo-bridge-b1': 'bridge-pw', operator: USERS.operator } });
    const opPort = operatorBroker.port;

    // The block broker: the shipped conf, its bridge file filled in for this block.
    const bridge = readFileSync('deploy/mosquitto/conf.d/nabo-bridge.conf', 'utf8')
      .replaceAll('MARKET', MARKET)
      .replaceAll('BLOCK', 'b1')
      .replace(/^address .*$/m, `address 127.0.0.1:${opPort}`)
      .replace(/^bridge_cafile .*$/m, `bridge_cafile ${certs}/ca.crt`)
      .replace(/^remote_password .*$/m, 'remote_password bridge-pw');
    writeFileSync(join(bridgeDir, 'conf.d', 'nabo-bridge.conf'), bridge);
    for (const f of ['passwd', 'acl']) writeFileSync(join(bridgeDir, f), readFileSync(join(dir, f)));
    mkdirSync(join(bridgeDir, 'certs'));
    for (const f of ['broker.crt', 'broker.key', 'ca.crt']) writeFileSync(join(bridgeDir, 'certs', f), readFileSync(join(certs, f)));
    blockBroker = await TestBroker.start({ config: (port) => blockBrokerConf(bridgeDir, port), scheme: 'mqtts' });

    const operator = await connect(operatorBroker.url, { username: 'operator', password: USERS.operator, ca, clientId: 'operator-upstream' });
    clients.push(operator);
    const opInbox = new Inbox(operator);
    await operator.subscribeAsync(`${ROOT}/uplink/+/records`, { qos: 1 });
    await operator.publishAsync(`${ROOT}/roster`, 'signed roster', { qos: 1, retain: true });

    const gw1 = await connect(blockBroker.url, { username: 'gw1', password: USERS.gw1, ca, clientId: 'gw1-bridged' });
    clients.push(gw1);
    const gwInbox = new Inbox(gw1);
    await gw1.subscribeAsync(`${ROOT}/roster`, { qos: 1 });
    // The roster arriving proves the bridge is up; then records go out through it.
    await gwInbox.waitFor(`${ROOT}/roster`, 20_000);
    expect(gwInbox.received[0]).toMatchObject({ payload: 'signed roster' });
    await gw1.publishAsync(`${ROOT}/uplink/gw1/records`, 'signed records batch', { qos: 1 });
    await opInbox.waitFor(`${ROOT}/uplink/gw1/records`, 20_000);
    expect(opInbox.received).toEqual([{ topic: `${ROOT}/uplink/gw1/records`, payload: 'signed records batch', retain: false }]);
    expect(blockBroker.log()).toMatch(/Connecting bridge .*nabo-operator/);
    expect(operatorBroker.log()).toMatch(/as nabo-bridge-m1-b1 .*u.nabo-bridge-b1/);
  }, 60_000);
});
