// npm run bench:api — what the API costs a gateway: latency of /api/status, /metrics and a
// one-hour readings query over real HTTP against a store holding an hour of 5 devices × 12
// quantities at 1 Hz, and the RSS the service adds. A table for people, JSON for tools (--json).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiService } from '../../gateway/api/api-service.js';
import { apiConfigSchema } from '../../gateway/api/config.js';
import { RealClock, SimulatedClock } from '../../gateway/clock/clock.js';
import { configSchema } from '../../gateway/config/schema.js';
import { EventBus } from '../../gateway/events/events.js';
import { createLogger } from '../../gateway/log/logger.js';
import { StatusBoard } from '../../gateway/services/service.js';
import { Store } from '../../gateway/store/store.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
const N = 200;

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    })
      .on('error', reject)
      .end();
  });
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

const dir = mkdtempSync(join(tmpdir(), 'nabo-bench-api-'));
const store = Store.open(join(dir, 'nabo.db'));
const devices = Array.from({ length: 5 }, (_, d) => `device-${d}`);
const quantities = ['powerW', 'powerL1W', 'powerL2W', 'powerL3W', 'voltageL1V', 'voltageL2V', 'voltageL3V', 'currentL1A', 'currentL2A', 'currentL3A', 'frequencyHz', 'energyImportWh'];
for (let s = 0; s < 3600; s++) {
  for (const d of devices) for (const q of quantities) store.readings.add({ deviceId: d, quantity: q, unit: 'W', atMs: T0 - 3_600_000 + s * 1000, value: s });
  if (s % 300 === 299) store.readings.flush();
}
store.readings.flush();
const config = configSchema.parse({
  version: 1,
  gateway: { id: 'bench', dataDir: dir },
  buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1' }],
  devices: devices.map((id, i) => ({ id, bus: 'lan', model: 'eastron-sdm630', unitId: i + 1, role: i === 0 ? 'grid-meter' : 'sub-meter' })),
});
const log = createLogger({ level: 'warn', pretty: false });
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const api = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 } }) });
await api.start({ config, clock: new SimulatedClock({ startMs: T0 }), log, store, events: new EventBus(log), status: new StatusBoard() });
global.gc?.();
const rssStarted = process.memoryUsage().rss;
const rows: Array<{ request: string; p50Ms: number; p95Ms: number; maxMs: number }> = [];
for (const [name, path] of [
  ['/api/status (latest from the store)', '/api/status'],
  ['/metrics', '/metrics'],
  ['/api/readings 1 series 1 h (3600 rows)', `/api/readings?device=device-0&quantity=powerW&from=${T0 - 3_600_000}`],
  ['/api/readings 1 h per minute, all series', `/api/readings?resolution=minute&from=${T0 - 3_600_000}&limit=10000`],
  ['/ (dashboard page)', '/'],
] as const) {
  for (let i = 0; i < 10; i++) await get(`${api.url}${path}`);
  const times: number[] = [];
  for (let i = 0; i < N; i++) times.push(await get(`${api.url}${path}`));
  rows.push({ request: name, p50Ms: +pct(times, 50).toFixed(2), p95Ms: +pct(times, 95).toFixed(2), maxMs: +Math.max(...times).toFixed(2) });
}
// One dashboard open for 10 s: the event stream plus its polls every 3 s. CPU of this whole
// process (server and the bench's own client): an upper bound of what a dashboard costs.
const realClock = new RealClock();
const stream = request(`${api.url}/api/events`, (res) => res.resume());
stream.end();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let i = 0; i < 4; i++) {
  await Promise.all(['/api/status', '/api/trades?limit=50', '/api/alarms?limit=20'].map((p) => get(`${api.url}${p}`)));
  await realClock.sleep(2500);
}
const cpu = process.cpuUsage(cpuBefore);
const dashboardCpuPercent = +(((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100).toFixed(2);
stream.destroy();
const rssAfter = process.memoryUsage().rss;
await api.stop();
store.close();
rmSync(dir, { recursive: true, force: true });
const result = { readingsStored: devices.length * quantities.length * 3600, requestsEach: N, rows, rssAtStartMB: +((rssStarted - rssBefore) / 1e6).toFixed(1), rssAddedMB: +((rssAfter - rssBefore) / 1e6).toFixed(1), rssMB: +(rssAfter / 1e6).toFixed(1), dashboardCpuPercent };
if (process.argv.includes('--json') || !process.stdout.isTTY) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  console.table(rows);
  console.log(`one open dashboard: ${dashboardCpuPercent} % of a core`);
  console.log(`RSS ${result.rssMB} MB: starting the API service added ${result.rssAtStartMB} MB, the service and its requests ${result.rssAddedMB} MB`);
}
