// npm run bench:gateway [-- SECONDS [INTERVAL_MINUTES]] — footprint of the gateway daemon, one
// `nabo run` process (the built CLI, as deployed) reading 5 simulated Modbus TCP devices every
// second, measured twice in one run: acquisition only, and the whole gateway (acquisition,
// market, control, uplink and API). For the whole gateway the bench serves a one-block market:
// a peer gateway (its own `nabo run`), a signed roster, two real Mosquittos (block and operator)
// and `nabo operator` acknowledging uplink records; it polls the API once a second. RSS and CPU
// of the measured process come from /proc. Market intervals are 1 minute by default, 15 times
// the market's work of the 15-minute intervals in the field: an upper bound on its cost.
// NABO_BENCH_CPU_PROF=DIR writes a V8 CPU profile of each measured gateway there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { ModbusDevice as SimDevice } from '../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../device-sim/devices/definition-model.js';
import { sunspecInverterModel, sunspecStorageModel } from '../../device-sim/devices/sunspec-models.js';
import { ModbusTcpServer } from '../../device-sim/transports/modbus-tcp-server.js';
import { freePort } from '../free-port.js';
import type { WatchedChild } from '../helpers/child-process.js';
import { BenchBlock } from './gateway-bench-block.js';

const seconds = Number(process.argv[2] ?? 120);
const intervalMinutes = Number(process.argv[3] ?? 1);
const WARM_UP_S = 15;
const RSS_TARGET_MB = 100;
const CPU_TARGET_PERCENT = 5;
if (!existsSync('dist/gateway/cli/main.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });

const clock = new SimulatedClock({ startMs: Date.now(), speed: 1 });
clock.start();
let t = 0;
const truth = () => {
  t++;
  return { powerW: -1500 + (t % 100), voltageL1V: 231, energyImportWh: 1_000_000, energyExportWh: 200_000 + Math.floor(t / 4), pvAcPowerW: 4200, pvDcPowerW: 4400, pvEnergyWh: 5_000_000 + t, socPercent: 55, batteryPowerW: -1200, frequencyHz: 50 };
};
let u = 0;
// The peer building imports: a buyer for the measured gateway's surplus.
const peerTruth = () => ({ powerW: 2500, voltageL1V: 230, energyImportWh: 2_000_000 + Math.floor(u++ / 2), energyExportWh: 0, frequencyHz: 50 });
const server = new ModbusTcpServer({ clock });
const models = [definitionModel('eastron-sdm630'), definitionModel('eastron-sdm630'), definitionModel('eastron-sdm120'), sunspecInverterModel({ unitId: 4 }), sunspecStorageModel({ unitId: 5, maxPowerW: 5000 })];
models.forEach((m, i) => server.add(new SimDevice({ identity: { deviceId: `d${i + 1}`, meterId: String(100 + i), model: m.name }, truth, clock }, m, { unitId: i + 1 })));
server.add(new SimDevice({ identity: { deviceId: 'peer-grid', meterId: '200', model: 'SDM630' }, truth: peerTruth, clock }, definitionModel('eastron-sdm630'), { unitId: 6 }));
const { port } = await server.listen();

// Run it as the installed bin runs: with the Node flags of its shebang line.
const shebang = readFileSync('dist/gateway/cli/main.js', 'utf8').split('\n')[0] ?? '';
const nodeFlags = shebang.split(' ').filter((w) => w.startsWith('--'));
const profDir = process.env.NABO_BENCH_CPU_PROF;
// NABO_BENCH_NODE_FLAGS: more Node flags for the measured gateways, to compare (e.g. --lite-mode).
const extraFlags = (process.env.NABO_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const measuredNabo = [process.execPath, ...nodeFlags, ...extraFlags, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), 'dist/gateway/cli/main.js'];

const every1s = { fastMs: 1000, slowMs: 1000 };
const devices = [
  { id: 'meter-1', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: every1s },
  { id: 'meter-2', bus: 'lan', model: 'eastron-sdm630', unitId: 2, poll: every1s },
  { id: 'meter-3', bus: 'lan', model: 'eastron-sdm120', unitId: 3, poll: every1s },
  { id: 'pv', bus: 'lan', model: 'sunspec', unitId: 4, role: 'pv', poll: every1s },
  { id: 'battery', bus: 'lan', model: 'sunspec', unitId: 5, role: 'battery', poll: every1s },
];
const bus = { id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port };

interface Measured {
  label: string;
  peakRssMb: number;
  meanRssMb: number;
  hwmRssMb: number;
  cpuPercent: number;
  exitCode: number | null;
  apiAnswers: number;
  apiP99Ms: number | null;
  intervalsFinal: number;
  intervalsGridOnly: number;
  uplinkDelivered: number;
  stderrTail: string;
  /** Heap and external memory of the gateway (from its /metrics) when it serves the API. */
  memory: Record<string, number>;
}

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
};
const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Samples the gateway every second for `seconds` after a warm-up, polling its API once a second when it has one. */
async function measure(label: string, child: WatchedChild, apiUrl: string | undefined): Promise<Measured> {
  const pid = child.proc.pid as number;
  const latencies: number[] = [];
  const poll = async (): Promise<void> => {
    if (!apiUrl) return;
    const t0 = performance.now();
    const r = await httpGet(`${apiUrl}/api/status`).catch(() => undefined);
    if (r?.status === 200) latencies.push(performance.now() - t0);
  };
  // Warm-up: start-up (module loading, discovery, the first roster and connections) is not the steady state.
  for (let s = 0; s < WARM_UP_S; s++) await Promise.all([poll(), new Promise((r) => setTimeout(r, 1000))]);
  const alive = (): void => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`${label}: the gateway exited (${child.proc.exitCode ?? child.proc.signalCode}) while measured:\n${child.stderr().slice(-2000)}`);
  };
  alive();
  latencies.length = 0;
  const startTicks = cpuTicks(pid);
  const startMs = performance.now();
  const rss: number[] = [];
  while (performance.now() - startMs < seconds * 1000) {
    await Promise.all([poll(), new Promise((r) => setTimeout(r, 1000))]);
    alive();
    rss.push(statusKb(pid, 'VmRSS'));
  }
  const elapsedS = (performance.now() - startMs) / 1000;
  const cpuPercent = ((cpuTicks(pid) - startTicks) / 100 / elapsedS) * 100;
  const hwmRssMb = statusKb(pid, 'VmHWM') / 1024;
  let market = { final: 0, gridOnly: 0, delivered: 0 };
  let memory: Record<string, number> = {};
  if (apiUrl) {
    // Where the RSS goes, as the gateway's own /metrics sees it (prom-client's process metrics).
    const m = await httpGet(`${apiUrl}/metrics`).catch(() => undefined);
    const metric = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(m?.body ?? '')?.[1] ?? NaN) / 1048576;
    memory = { heapUsedMb: metric('nodejs_heap_size_used_bytes'), heapTotalMb: metric('nodejs_heap_size_total_bytes'), externalMb: metric('nodejs_external_memory_bytes') };
    const r = await httpGet(`${apiUrl}/api/status`).catch(() => undefined);
    const s = r?.status === 200 ? (JSON.parse(r.body) as { market?: { counters?: { finals?: number; gridOnly?: number } }; uplink?: { delivered?: number } }) : {};
    market = { final: s.market?.counters?.finals ?? 0, gridOnly: s.market?.counters?.gridOnly ?? 0, delivered: s.uplink?.delivered ?? 0 };
  }
  const exitCode = await child.stop('SIGTERM');
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    label,
    peakRssMb: Math.max(...rss) / 1024,
    meanRssMb: rss.reduce((a, b) => a + b, 0) / rss.length / 1024,
    hwmRssMb,
    cpuPercent,
    exitCode,
    apiAnswers: latencies.length,
    apiP99Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! : null,
    intervalsFinal: market.final,
    intervalsGridOnly: market.gridOnly,
    uplinkDelivered: market.delivered,
    stderrTail: child.stderr().slice(-2000),
    memory,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'nabo-bench-gw-'));
const results: Measured[] = [];
const block = new BenchBlock({ dir: join(dir, 'block'), gatewayIds: ['bench', 'peer'], intervalMinutes, nabo: measuredNabo });
try {
  // 1. Acquisition only: the daemon with its buses, store and housekeeping services.
  {
    const dataDir = join(dir, 'acquisition');
    const child = block.startGateway('bench', { version: 2, gateway: { id: 'bench', dataDir }, buses: [bus], devices }, join(dir, 'acquisition.yaml'));
    results.push(await measure('acquisition only', child, undefined));
  }
  // 2. The whole gateway: the same devices, trading with the peer, steering the battery, sending records, serving the API.
  await block.start();
  const peerDir = join(dir, 'peer');
  const peerConfig = { version: 2, gateway: { id: 'peer', dataDir: peerDir, intervalMinutes }, buses: [bus], devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 6, role: 'grid-meter', poll: { fastMs: 5000, slowMs: 5000 } }], ...block.sections('peer', peerDir, { grid: 'grid' }) };
  block.startGateway('peer', peerConfig, join(dir, 'peer.yaml'));
  const dataDir = join(dir, 'whole');
  const apiPort = await freePort();
  const battery = { ...devices[4]!, capabilities: ['read', 'battery-setpoint'], limits: { maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 10, maxSocPercent: 95, rampWPerS: 5000, revertTimeoutS: 300 } };
  const whole = {
    version: 2,
    gateway: { id: 'bench', dataDir, intervalMinutes },
    buses: [bus],
    devices: [...devices.slice(0, 4), battery],
    ...block.sections('bench', dataDir, { grid: 'meter-1', pv: 'pv', battery: { id: 'battery', capacityWh: 10_000, maxW: 5000 } }),
    api: { enabled: true, listen: { host: '127.0.0.1', port: apiPort } },
  };
  const child = block.startGateway('bench', whole, join(dir, 'whole.yaml'));
  results.push(await measure('whole gateway', child, `http://127.0.0.1:${apiPort}`));
} finally {
  await block.stop();
  await server.close();
  clock.stop();
  rmSync(dir, { recursive: true, force: true });
}

const answered = server.stats.answered;
const col = (s: string | number, w: number): string => String(s).padStart(w);
console.log(`node flags: ${[...nodeFlags, ...extraFlags].join(' ') || '(none)'}${profDir ? ` --cpu-prof (profiles in ${profDir})` : ''}`);
console.log(`5 devices (3 register-map meters, SunSpec inverter and battery) every 1 s over Modbus TCP; ${seconds} s measured after ${WARM_UP_S} s warm-up; market intervals ${intervalMinutes} min`);
console.log(`${'configuration'.padEnd(18)}${col('peak RSS MB', 13)}${col('mean RSS MB', 13)}${col('HWM RSS MB', 12)}${col('CPU %', 8)}${col('API p99 ms', 12)}${col('final', 7)}${col('grid-only', 11)}${col('uplinked', 10)}${col('exit', 6)}`);
for (const r of results) {
  console.log(`${r.label.padEnd(18)}${col(r.peakRssMb.toFixed(1), 13)}${col(r.meanRssMb.toFixed(1), 13)}${col(r.hwmRssMb.toFixed(1), 12)}${col(r.cpuPercent.toFixed(2), 8)}${col(r.apiP99Ms === null ? '–' : r.apiP99Ms.toFixed(1), 12)}${col(r.intervalsFinal, 7)}${col(r.intervalsGridOnly, 11)}${col(r.uplinkDelivered, 10)}${col(String(r.exitCode), 6)}`);
  if (r.exitCode !== 0) console.log(r.stderrTail);
  if (Object.keys(r.memory).length > 0) console.log(`  ${r.label}: V8 heap used ${r.memory.heapUsedMb?.toFixed(1)} MB of ${r.memory.heapTotalMb?.toFixed(1)} MB, external ${r.memory.externalMb?.toFixed(1)} MB (the rest of RSS is code, native libraries and allocator slack)`);
}
const whole = results.find((r) => r.label === 'whole gateway');
if (whole) console.log(`targets (whole gateway): RSS < ${RSS_TARGET_MB} MB ${whole.peakRssMb < RSS_TARGET_MB ? 'met' : 'MISSED'}, CPU < ${CPU_TARGET_PERCENT} % ${whole.cpuPercent < CPU_TARGET_PERCENT ? 'met' : 'MISSED'}; Modbus requests answered: ${answered}`);
const round = (x: number | null): number | null => (x === null ? null : Number(x.toFixed(2)));
console.log(
  JSON.stringify({
    bench: 'gateway',
    seconds,
    intervalMinutes,
    nodeFlags: [...nodeFlags, ...extraFlags],
    targets: { peakRssMb: RSS_TARGET_MB, cpuPercent: CPU_TARGET_PERCENT },
    results: results.map((r) => ({ configuration: r.label, peakRssMb: round(r.peakRssMb), meanRssMb: round(r.meanRssMb), hwmRssMb: round(r.hwmRssMb), cpuPercent: round(r.cpuPercent), apiAnswers: r.apiAnswers, apiP99Ms: round(r.apiP99Ms), intervalsFinal: r.intervalsFinal, intervalsGridOnly: r.intervalsGridOnly, uplinkDelivered: r.uplinkDelivered, exitCode: r.exitCode, ...Object.fromEntries(Object.entries(r.memory).map(([k, v]) => [k, round(v)])) })),
  }),
);
process.exit(0);
