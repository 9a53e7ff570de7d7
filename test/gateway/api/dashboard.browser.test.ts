// The dashboard in a real browser (Debian's chromium, headless, through playwright-core; never
// a downloaded browser) against a real gateway reading a simulated Modbus TCP meter pair.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { acquisitionSourceOf } from '../../../gateway/api/acquisition-source.js';
import { ApiService } from '../../../gateway/api/api-service.js';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { RealClock } from '../../../gateway/clock/clock.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { startGateway } from '../../../gateway/daemon.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { httpGet, insertTrade } from './api-harness.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
/** Screenshots land here (gitignored), so a person can look at what the test saw. */
export const OUTPUT_DIR = join(process.cwd(), 'test-output', 'api');

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('dashboard in chromium', () => {
  it('shows live values that change, device health, no market, and a trades table that fills', { timeout: 90_000 }, async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`this test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`);
    const clock = new RealClock();
    // Grid power steps every read; PV follows a slower ramp: the page must show values moving.
    let step = 0;
    const server = new ModbusTcpServer({ clock });
    server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '1', model: 'SDM630' }, truth: () => ({ powerW: 1000 + (step++ % 50) * 37, energyImportWh: 5_000_000, energyExportWh: 100, frequencyHz: 50, voltageL1V: 231 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 }));
    server.add(new SimDevice({ identity: { deviceId: 'pv', meterId: '2', model: 'SDM630' }, truth: () => ({ powerW: 2400, energyImportWh: 0, energyExportWh: 800_000, frequencyHz: 50, voltageL1V: 231 }), clock }, definitionModel('eastron-sdm630'), { unitId: 2 }));
    const { port } = await server.listen();
    cleanup.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'nabo-dashboard-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = configSchema.parse({
      version: 1,
      gateway: { id: 'gw-1', name: 'Bakklandet 12', dataDir: dir },
      buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 1000 }],
      devices: [
        { id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 250, slowMs: 5000 } },
        { id: 'pv', bus: 'lan', model: 'eastron-sdm630', unitId: 2, role: 'pv', poll: { fastMs: 1000, slowMs: 5000 } },
      ],
    });
    const log = createLogger({ level: 'warn', pretty: false });
    const gw = await startGateway(config, clock, log);
    cleanup.push(() => gw.stop());
    const status = new StatusBoard();
    const events = new EventBus(log);
    const api = new ApiService({ config: apiConfigSchema.parse({ listen: { host: '0.0.0.0', port: 0 }, token: TOKEN }), acquisition: acquisitionSourceOf(gw), pushPeriodMs: 250 });
    await api.start({ config, clock, log, store: gw.store, events, status });
    cleanup.push(() => api.stop());

    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    cleanup.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${api.url}/?token=${TOKEN}`);

    // Live values arrive and change.
    const gridValue = page.locator('#flow-grid .value');
    await expect.poll(() => gridValue.textContent(), { timeout: 15_000 }).toMatch(/^\d[\d.]* k?W$/);
    const first = await gridValue.textContent();
    await expect.poll(() => gridValue.textContent(), { timeout: 15_000 }).not.toBe(first);
    await expect.poll(() => page.locator('#flow-pv .value').textContent(), { timeout: 15_000 }).toBe('2400 W');
    await expect.poll(() => page.locator('#live').getAttribute('class'), { timeout: 5000 }).toContain('on');
    // Device health from the acquisition, market absent.
    await expect.poll(() => page.locator('#devices tr[data-device="grid"] .state').textContent(), { timeout: 15_000 }).toBe('ok');
    await expect.poll(() => page.locator('#no-market').textContent(), { timeout: 10_000 }).toBe('no market configured');
    // The service host's section, when there is one, lists the services and their state.
    status.provide('services', () => [
      { name: 'acquisition', state: 'running', failures: 0, restarts: 0, lastError: null, lastErrorMs: null },
      { name: 'uplink', state: 'failed', failures: 2, restarts: 1, lastError: 'broker refused the connection', lastErrorMs: clock.now() },
    ]);
    await expect.poll(() => page.locator('#services tr[data-service="uplink"]').textContent(), { timeout: 10_000 }).toContain('broker refused the connection');
    // The chart draws from the live stream.
    await expect.poll(() => page.evaluate(() => ((globalThis as unknown as { Chart: { getChart(id: string): { data: { labels: unknown[] } } | undefined } }).Chart.getChart('flows-chart')?.data.labels.length ?? 0)), { timeout: 15_000 }).toBeGreaterThan(3);

    // Trades written to the store appear in the table, with the earnings.
    expect(await page.locator('#trades tbody tr').count()).toBe(0);
    const nowMs = clock.now();
    const intervalMs = Math.floor(nowMs / 900_000) * 900_000;
    insertTrade(gw.store, { tradeId: 't-1', intervalStartMs: intervalMs - 900_000, buyerId: 'gw-2', sellerId: 'gw-1', energyWh: 1200, priceMinorPerKWh: 95, createdMs: nowMs });
    insertTrade(gw.store, { tradeId: 't-2', intervalStartMs: intervalMs, buyerId: 'gw-1', sellerId: 'gw-3', energyWh: 300, priceMinorPerKWh: 110, createdMs: nowMs });
    await expect.poll(() => page.locator('#trades tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('#earnings').textContent()).toBe('0.81');
    // A market section on the status board replaces "no market configured".
    status.provide('market', () => ({ current: { intervalStart: new Date(intervalMs).toISOString(), state: 'cleared', priceMinorPerKWh: 95 }, next: { intervalStart: new Date(intervalMs + 900_000).toISOString(), state: 'order sent', orderWh: -400 } }));
    await expect.poll(() => page.locator('#market').textContent(), { timeout: 10_000 }).toContain('order sent');
    events.emit('alarm', { code: 'device-silent', severity: 'warning', message: 'ams-meter sent nothing for 60 s', atMs: clock.now(), deviceId: 'ams-meter' });
    await expect.poll(() => page.locator('#alarms').textContent(), { timeout: 10_000 }).toContain('device-silent');

    expect(failedRequests).toEqual([]);
    // The same gateway's real reads reach the latency histogram through the health hook.
    const metrics = parsePrometheusText((await httpGet(`${api.url}/metrics`, { authorization: `Bearer ${TOKEN}` })).body);
    expect(sampleValue(metrics, 'nabo_bus_latency_seconds_count', { bus: 'lan' })).toBeGreaterThan(10);
    expect(sampleValue(metrics, 'nabo_bus_errors_total', { bus: 'lan', kind: 'timeout' }, { optional: true }) ?? 0).toBe(0);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'dashboard.png'), fullPage: true });
    expect(existsSync(join(OUTPUT_DIR, 'dashboard.png'))).toBe(true);
  });
});
