// The operator's side of a short district, as issue #11 asks for it in CI size: `nabo demo`
// with 2 blocks × 2 buildings trading two simulated hours around noon, the operator's broker on
// TLS only (a CA made at start, a password and ACL per gateway) and `nabo operator` on a
// throwaway PostgreSQL 15 cluster. While it runs, the broker is probed: a gateway's own login
// over TLS is accepted, the same login over plain MQTT or without the CA is refused, and the
// ACL refuses a publish into another gateway's uplink. Afterwards the operator holds every
// record the gateways' outboxes hold as acknowledged, exactly once, each one verifies, and its
// day report reconciles with traded totals equal to the trades the gateways sent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSummary } from '../../../gateway/demo/summary.js';
import { MajorityFinality } from '../../../gateway/operator/finality.js';
import { readRosterFile } from '../../../gateway/operator/member-directory.js';
import { verifyIncoming } from '../../../gateway/operator/verify-record.js';
import { Store } from '../../../gateway/store/store.js';
import { RECORD_KINDS_SQL } from '../../../gateway/uplink/record.js';
import { NABO_CLI, startChild } from '../../helpers/child-process.js';
import { MOSQUITTO, OPENSSL, requireTool } from '../../helpers/mosquitto.js';
import { countByKind, readOperatorDatabase } from '../../helpers/operator-database.js';
import { TestPostgres } from '../../helpers/postgres.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from '../cli/run-cli.js';

const MARKET = 'trondheim-demo';
let pg: TestPostgres | undefined;

beforeAll(async () => {
  requireTool(MOSQUITTO, 'mosquitto');
  requireTool(OPENSSL, 'openssl');
  pg = await TestPostgres.start();
}, 60_000);

afterAll(() => {
  pg?.close();
  removeTempFolders();
});

type Attempt = { connected: true; publishError?: string } | { connected: false; error: string };

/** Connects (no retries) and, when asked, publishes one QoS 1 message; the broker's answer either way. */
async function attempt(url: string, options: mqtt.IClientOptions, publishTo?: string): Promise<Attempt> {
  let client: mqtt.MqttClient;
  try {
    client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  } catch (err) {
    return { connected: false, error: (err as Error).message };
  }
  try {
    if (!publishTo) return { connected: true };
    try {
      await client.publishAsync(publishTo, 'not a record', { qos: 1 });
      return { connected: true };
    } catch (err) {
      return { connected: true, publishError: (err as Error).message };
    }
  } finally {
    await client.endAsync(true);
  }
}

describe('a short district with the operator broker on TLS and nabo operator on PostgreSQL (needs mosquitto, openssl, PostgreSQL 15)', () => {
  it('refuses plain MQTT, stores every acknowledged record exactly once, and every stored record verifies', async () => {
    const database = pg!.url;
    const dir = tempFolder('nabo-district-operator-');
    const data = join(dir, 'data');
    const started = performance.now();
    let code: number | null = null;
    const demo = startChild(process.execPath, [...NABO_CLI, 'demo', '--blocks', '2', '--buildings', '2', '--from', '10:00', '--hours', '2', '--speed', '120', '--tcp-only', '--exit', '--data', data, '--out', join(dir, 'out'), '--format', 'json', '--operator-database', database]);
    try {
      await demo.waitFor(/operator broker mqtts:\/\/127\.0\.0\.1:\d+ \(CA [^)]+\)/, 120_000, 'stderr');
      const line = /operator broker (mqtts:\/\/127\.0\.0\.1:(\d+)) \(CA ([^)]+)\)/.exec(demo.stderr())!;
      const [url, port, caFile] = [line[1]!, line[2]!, line[3]!];
      // The gateway logs in to both brokers with one password; the block broker's is in its config.
      const config = parse(readFileSync(join(data, 'gateways', 'b1-h1', 'nabo.yaml'), 'utf8')) as { market: { broker: { password: string } }; uplink: { brokerUrl: string; tls?: { caFile?: string } } };
      expect(config.uplink.brokerUrl).toBe(url);
      expect(config.uplink.tls?.caFile).toBe(caFile);
      const login = { username: 'b1-h1', password: config.market.broker.password, clientId: 'district-operator-test-probe' };
      const ca = readFileSync(caFile);

      const overTls = await attempt(url, { ...login, ca }, `nabo/v1/${MARKET}/uplink/b1-h2/records`);
      expect(overTls).toEqual({ connected: true, publishError: expect.stringMatching(/Not authorized/) });
      const plain = await attempt(`mqtt://127.0.0.1:${port}`, login);
      expect(plain.connected).toBe(false);
      const withoutCa = await attempt(url, login);
      expect(withoutCa).toEqual({ connected: false, error: expect.stringMatching(/certificate/) });

      // 1 is a day with a market problem (an interval not final under load): that is the market's
      // test to judge; here the run must end and leave its summary.
      code = await demo.closed;
      expect([0, 1], demo.stderr().slice(-3000)).toContain(code);
    } finally {
      await demo.stop('SIGTERM');
    }
    const durationS = (performance.now() - started) / 1000;
    // The demo's summary has the operator's counters from PostgreSQL as from SQLite.
    const summary = parseSummary(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')));
    if (!summary.ok) throw new Error(summary.error.detail);
    const counters = summary.value.operator;

    // What the gateways' outboxes hold, and which of it the operator acknowledged.
    const enqueued = new Map<string, string>();
    const acked = new Map<string, string>();
    const tradesSent = new Map<string, { side: 'buy' | 'sell'; energyWh: number; amountMinor: number }>();
    for (const gw of ['b1-h1', 'b1-h2', 'b2-h1', 'b2-h2']) {
      const store = Store.open(join(data, 'gateways', gw, 'nabo.db'), { readonly: true });
      try {
        for (const r of store.db.prepare(`SELECT id, kind, payload, acked_ms AS ackedMs FROM outbox WHERE kind IN (${RECORD_KINDS_SQL})`).all() as Array<{ id: string; kind: string; payload: string; ackedMs: number | null }>) {
          enqueued.set(r.id, r.kind);
          if (r.kind === 'trade') tradesSent.set(r.id, (JSON.parse(r.payload) as { payload: { payload: { side: 'buy' | 'sell'; energyWh: number; amountMinor: number } } }).payload.payload);
          if (r.ackedMs !== null) acked.set(r.id, r.kind);
        }
      } finally {
        store.db.close();
      }
    }
    const stored = await readOperatorDatabase(database);
    const storedIds = new Set(stored.records.map((r) => r.id));
    const ackedKinds = countByKind([...acked.values()].map((kind) => ({ kind })));
    const storedKinds = countByKind(stored.records);
    process.stdout.write(`district-operator: ${durationS.toFixed(0)} s, demo exit ${code}; acknowledged ${JSON.stringify(ackedKinds)}; stored on PostgreSQL ${JSON.stringify(storedKinds)}; enqueued ${enqueued.size}\n`);

    // Exactly once: no id twice, every acknowledged record stored, nothing stored that no gateway sent.
    expect(storedIds.size).toBe(stored.records.length);
    expect([...acked.keys()].filter((id) => !storedIds.has(id))).toEqual([]);
    expect(stored.records.filter((r) => enqueued.get(r.id) !== r.kind).map((r) => r.id)).toEqual([]);
    // Per kind, the operator holds what was acknowledged plus at most what was still in flight at the stop.
    for (const [kind, n] of Object.entries(ackedKinds)) expect(storedKinds[kind] ?? 0, kind).toBeGreaterThanOrEqual(n);
    expect(stored.records.length - acked.size).toBeLessThanOrEqual(enqueued.size - acked.size);
    // Two hours around noon: the blocks traded, and every building sent its metered energy and settlements.
    for (const kind of ['trade', 'settlement', 'result', 'interval-energy']) expect(ackedKinds[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(stored.refusals).toBe(0);
    expect(counters.refused).toBe(0);
    expect(counters.recordsStored).toBeGreaterThan(0);
    expect(counters.recordsStored).toBeLessThanOrEqual(stored.records.length);

    // Every stored record verifies against the signed roster (signature, membership, a trade's finality certificate).
    const directory = readRosterFile(join(data, 'roster.json'));
    if (!directory.ok) throw new Error(directory.error.detail);
    const failed = stored.records.map((r) => ({ id: r.id, v: verifyIncoming(r.envelope, r.gatewayId, { directory: directory.value, finality: new MajorityFinality() }) })).filter((x) => !x.v.ok);
    expect(failed.map((x) => x.id)).toEqual([]);
    // The operator's day report from PostgreSQL reconciles, and its traded totals are the gateways' own trades.
    const report = await runCli(['operator', 'report', '--day', '2026-06-21', '--database', database, '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const day = JSON.parse(report.stdout) as { problems: string[]; totals: { boughtWh: number; soldWh: number; tradeAmountMinor: number } };
    expect(day.problems).toEqual([]);
    const sent = stored.records.filter((r) => r.kind === 'trade').map((r) => tradesSent.get(r.id)!);
    expect({ boughtWh: day.totals.boughtWh, soldWh: day.totals.soldWh, tradeAmountMinor: day.totals.tradeAmountMinor }).toEqual({
      boughtWh: sent.reduce((a, t) => a + (t.side === 'buy' ? t.energyWh : 0), 0),
      soldWh: sent.reduce((a, t) => a + (t.side === 'sell' ? t.energyWh : 0), 0),
      tradeAmountMinor: sent.reduce((a, t) => a + (t.side === 'buy' ? t.amountMinor : -t.amountMinor), 0),
    });
    expect(day.totals.boughtWh).toBeGreaterThan(0);
    // `nabo verify` reads a record of each kind from PostgreSQL and agrees.
    for (const kind of ['trade', 'settlement', 'interval-energy']) {
      const id = stored.records.find((r) => r.kind === kind)!.id;
      const r = await runCli(['verify', id, '--database', database, '--roster', join(data, 'roster.json'), '--format', 'json']);
      expect(r.code, `${id}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  }, 600_000);
});
