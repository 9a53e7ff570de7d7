// What TLS costs the demo's start-up: the operator broker started plain, on TLS with its
// throwaway CA and server certificate made first (openssl), and on TLS with client
// certificates for a 3 × 3 district's ten users, in turn, ROUNDS times each; and the TLS
// handshake a gateway's first connection pays. Prints a table, then one JSON line.
// Run: npx tsx test/bench/operator-broker.bench.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { makeBrokerTls } from '../../gateway/demo/demo-tls.js';
import { startBroker } from '../../gateway/demo/mosquitto.js';

const ROUNDS = Number(process.env.ROUNDS ?? 8);
const users = { operator: 'pw-operator', 'b1-h1': 'pw-b1-h1' };
const acl = 'user operator\ntopic read #\n\nuser b1-h1\ntopic write x/b1-h1\n';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Mode = 'plain' | 'tls' | 'client-certs';
const CLIENTS = ['operator', ...[1, 2, 3].flatMap((b) => [1, 2, 3].map((h) => `b${b}-h${h}`))];

async function once(mode: Mode): Promise<{ certsMs: number; brokerMs: number; connectMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-bench-broker-'));
  try {
    const t0 = performance.now();
    const files = mode === 'plain' ? undefined : await makeBrokerTls(join(dir, 'tls'), mode === 'client-certs' ? CLIENTS : []);
    const t1 = performance.now();
    const broker = await startBroker({ dir, users, acl, ...(files ? { tls: files } : {}) });
    const t2 = performance.now();
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0, username: 'b1-h1', password: 'pw-b1-h1', ...(files ? { ca: readFileSync(files.caFile) } : {}), ...(files?.clients['b1-h1'] ? { cert: readFileSync(files.clients['b1-h1'].certFile), key: readFileSync(files.clients['b1-h1'].keyFile) } : {}) });
    const t3 = performance.now();
    await client.endAsync();
    await broker.stop();
    return { certsMs: t1 - t0, brokerMs: t2 - t1, connectMs: t3 - t2 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODES: Mode[] = ['plain', 'tls', 'client-certs'];
const runs: Record<Mode, Array<{ certsMs: number; brokerMs: number; connectMs: number }>> = { plain: [], tls: [], 'client-certs': [] };
for (let i = 0; i < ROUNDS; i++) for (const mode of MODES) runs[mode].push(await once(mode));
const rows = MODES.map((mode) => {
  const r = runs[mode];
  const certsMs = median(r.map((x) => x.certsMs));
  const brokerMs = median(r.map((x) => x.brokerMs));
  return { mode, rounds: r.length, certsMs: Math.round(certsMs), brokerMs: Math.round(brokerMs), startMs: Math.round(median(r.map((x) => x.certsMs + x.brokerMs))), firstConnectMs: Math.round(median(r.map((x) => x.connectMs))) };
});
console.log('mode          rounds  certs ms  broker ms  start ms (median)  first connect ms');
for (const r of rows) console.log(`${r.mode.padEnd(12)}  ${String(r.rounds).padStart(6)}  ${String(r.certsMs).padStart(8)}  ${String(r.brokerMs).padStart(9)}  ${String(r.startMs).padStart(17)}  ${String(r.firstConnectMs).padStart(16)}`);
const extraMs = rows[1]!.startMs - rows[0]!.startMs;
const certsExtraMs = rows[2]!.startMs - rows[0]!.startMs;
console.log(`TLS adds ${extraMs} ms to the operator broker's start, client certificates for ${CLIENTS.length} users ${certsExtraMs} ms (medians of ${ROUNDS})`);
console.log(JSON.stringify({ bench: 'operator-broker', rows, tlsExtraStartMs: extraMs, clientCertsExtraStartMs: certsExtraMs }));
