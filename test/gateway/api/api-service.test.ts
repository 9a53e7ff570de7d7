import { afterEach, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { ApiService } from '../../../gateway/api/api-service.js';
import type { AcquisitionSource } from '../../../gateway/api/acquisition-source.js';
import { RealClock, SimulatedClock, type Clock } from '../../../gateway/clock/clock.js';
import type { DeviceHealth } from '../../../gateway/acquisition/health.js';
import { getJson, harness, httpGet, insertTrade, type Harness } from './api-harness.js';
import { SseClient } from './sse-client.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
const TOKEN = 'a-long-enough-test-token-0123';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function started(h: Harness, api: Record<string, unknown> = {}, acquisition?: AcquisitionSource): Promise<{ service: ApiService; url: string }> {
  const service = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 }, ...api }), ...(acquisition ? { acquisition } : {}), pushPeriodMs: 50 });
  await service.start(h.ctx);
  cleanup.push(() => service.stop());
  return { service, url: service.url as string };
}

function setup(clock: Clock = new SimulatedClock({ startMs: T0 })): Harness {
  const h = harness(clock);
  cleanup.push(() => h.close());
  return h;
}

/** An acquisition with a grid meter importing 1.2 kW, PV at 3 kW and a battery charging 500 W. */
function fakeAcquisition(powerW = 1200): AcquisitionSource {
  return {
    health: () => ({
      devices: <DeviceHealth[]>[
        { deviceId: 'grid', busId: 'lan', lastSuccessMs: T0, lastErrorMs: null, lastError: null, reads: 12, errorsByKind: { timeout: 2 }, rejectedByReason: { crc: 1 }, marks: {}, lastLatencyMs: 20, meanLatencyMs: 21.04 },
        { deviceId: 'pv', busId: 'lan', lastSuccessMs: T0 - 5000, lastErrorMs: T0, lastError: 'timed out', reads: 3, errorsByKind: { timeout: 1 }, rejectedByReason: {}, marks: {}, lastLatencyMs: 30, meanLatencyMs: 30 },
      ],
      buses: [{ busId: 'lan', queueDepth: 1, cycleOverruns: 0, connected: true, reconnects: 2 }],
    }),
    latest: () => [
      { deviceId: 'grid', atMs: T0, values: { powerW, energyImportWh: 1234567 } },
      { deviceId: 'pv', atMs: T0, values: { pvAcPowerW: 3000 } },
      { deviceId: 'battery', atMs: T0, values: { batteryPowerW: -500, socPercent: 64 } },
    ],
  };
}

describe('api service', () => {
  it('refuses every request without the token when listening on a non-loopback address', async () => {
    const h = setup();
    const { service } = await started(h, { listen: { host: '0.0.0.0', port: 0 }, token: TOKEN });
    const base = `http://127.0.0.1:${service.address()!.port}`;
    for (const path of ['/', '/api/status', '/metrics', '/api/events', '/assets/chart.js', '/nothing']) {
      const r = await httpGet(base + path);
      expect(r.status, path).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
    }
    expect((await httpGet(`${base}/api/status`, { authorization: 'Bearer wrong-token-but-long-enough' })).status).toBe(401);
    expect((await httpGet(`${base}/api/status`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await httpGet(`${base}/api/status?token=${TOKEN}`)).status).toBe(200);
    expect((await httpGet(`${base}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('will not start on a non-loopback address without a token', async () => {
    const h = setup();
    const service = new ApiService({ config: apiConfigSchema.parse({ listen: { host: '0.0.0.0', port: 0 } }) });
    await expect(service.start(h.ctx)).rejects.toThrow(/api.token is required/);
    await service.stop();
  });

  it('answers on loopback without a token, but not to a foreign Host name', async () => {
    const h = setup();
    const { url } = await started(h);
    expect((await httpGet(`${url}/api/status`)).status).toBe(200);
    expect((await httpGet(`${url}/api/status`, { host: 'evil.example' })).status).toBe(403);
  });

  it('shows gateway, devices with health and values with units, flows, buses and status board sections', async () => {
    const h = setup();
    h.ctx.status.provide('market', () => ({ current: { intervalStart: '2026-06-21T12:00:00.000Z', orderWh: -800 }, next: null }));
    h.ctx.status.provide('control', () => ({ batterySetpointW: -500 }));
    const { url } = await started(h, {}, fakeAcquisition());
    h.ctx.events.emit('deviceHealthChanged', { deviceId: 'battery', busId: 'lan', state: 'silent', atMs: T0 });
    const s = await getJson<Record<string, any>>(`${url}/api/status`);
    expect(s).toMatchObject({ gatewayId: 'gw-1', name: 'Test house', now: '2026-06-21T12:00:00.000Z', uptimeS: 0 });
    expect(s.flows).toEqual({ gridW: 1200, pvW: 3000, batteryW: -500, loadW: 3700, socPercent: 64 });
    const byId = Object.fromEntries((s.devices as Array<Record<string, any>>).map((d) => [d.id, d]));
    expect(byId.grid).toMatchObject({ role: 'grid-meter', state: 'ok', reads: 12, errorsByKind: { timeout: 2 }, rejectedByReason: { crc: 1 }, meanLatencyMs: 21 });
    expect(byId.grid.values).toEqual({ powerW: { value: 1200, unit: 'W' }, energyImportWh: { value: 1234567, unit: 'Wh' } });
    expect(byId.pv).toMatchObject({ state: 'failing', lastError: 'timed out' });
    expect(byId.battery).toMatchObject({ state: 'silent', values: { socPercent: { value: 64, unit: '%' } } });
    expect(s.buses).toEqual([{ id: 'lan', connected: true, queueDepth: 1, reconnects: 2, cycleOverruns: 0 }]);
    expect(s.market).toEqual({ current: { intervalStart: '2026-06-21T12:00:00.000Z', orderWh: -800 }, next: null });
    expect(s.control).toEqual({ batterySetpointW: -500 });
    expect(s.uplink).toEqual({ backlogRecords: 0 });
    expect(s.sections).toMatchObject({ api: { url, eventStreams: 0 } });
  });

  it('reads devices from the health status section and values from the store when no source is given', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const h = setup(clock);
    h.ctx.status.provide('health', () => ({ devices: fakeAcquisition().health().devices, buses: [] }));
    h.ctx.status.provide('services', () => ({ acquisition: { state: 'running' } }));
    h.ctx.store.readings.add({ deviceId: 'grid', quantity: 'powerW', unit: 'W', atMs: T0 - 1000, value: -2500 });
    h.ctx.store.readings.add({ deviceId: 'grid', quantity: 'powerW', unit: 'W', atMs: T0 - 2000, value: 100 });
    h.ctx.store.readings.flush();
    h.ctx.store.outbox.enqueue({ id: 'r1', kind: 'trade', payload: '{}', createdMs: T0 });
    const { url } = await started(h);
    const s = await getJson<Record<string, any>>(`${url}/api/status`);
    expect(s.market).toBeNull();
    expect(s.flows).toMatchObject({ gridW: -2500, pvW: null, loadW: -2500 });
    expect(s.devices[0]).toMatchObject({ id: 'grid', reads: 12, values: { powerW: { value: -2500, unit: 'W' } }, valuesAt: '2026-06-21T11:59:59.000Z' });
    expect(s.uplink).toEqual({ backlogRecords: 1 });
    // The health section is shown as devices and buses; other sections pass through by name.
    expect(s.sections).toEqual({ services: { acquisition: { state: 'running' } }, api: { url, tokenRequired: false, eventStreams: 0, alarmsKept: 0 } });
  });

  it('serves readings by device, quantity and time range, raw or per minute', async () => {
    const h = setup();
    for (let i = 0; i < 180; i++) {
      h.ctx.store.readings.add({ deviceId: 'grid', quantity: 'powerW', unit: 'W', atMs: T0 - 180_000 + i * 1000, value: i });
      h.ctx.store.readings.add({ deviceId: 'pv', quantity: 'pvAcPowerW', unit: 'W', atMs: T0 - 180_000 + i * 1000, value: 10 });
    }
    h.ctx.store.readings.flush();
    const { url } = await started(h);
    const raw = await getJson<Record<string, any>>(`${url}/api/readings?device=grid&quantity=powerW&from=${new Date(T0 - 60_000).toISOString()}&to=${T0 - 58_000}`);
    expect(raw.readings).toEqual([
      { deviceId: 'grid', quantity: 'powerW', unit: 'W', value: 120, at: '2026-06-21T11:59:00.000Z' },
      { deviceId: 'grid', quantity: 'powerW', unit: 'W', value: 121, at: '2026-06-21T11:59:01.000Z' },
    ]);
    const minutes = await getJson<Record<string, any>>(`${url}/api/readings?device=grid&resolution=minute`);
    expect(minutes.readings.map((r: Record<string, unknown>) => [r.at, r.value, r.min, r.max, r.count])).toEqual([
      ['2026-06-21T11:57:00.000Z', 29.5, 0, 59, 60],
      ['2026-06-21T11:58:00.000Z', 89.5, 60, 119, 60],
      ['2026-06-21T11:59:00.000Z', 149.5, 120, 179, 60],
    ]);
    const both = await getJson<Record<string, any>>(`${url}/api/readings?from=${T0 - 1000}`);
    expect(both.readings.map((r: Record<string, unknown>) => r.deviceId)).toEqual(['grid', 'pv']);
    const bad = await httpGet(`${url}/api/readings?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toContain('from must be');
    expect((await httpGet(`${url}/api/readings?resolution=hour`)).status).toBe(400);
    expect((await httpGet(`${url}/api/readings?limit=0`)).status).toBe(400);
    expect((await httpGet(`${url}/api/nothing`)).status).toBe(404);
  });

  it('serves interval energy with its quality', async () => {
    const h = setup();
    h.ctx.store.intervals.put([
      { deviceId: 'grid', intervalStartMs: T0 - 1_800_000, intervalMs: 900_000, importWh: 900, exportWh: 0, gap: false, gapReason: null },
      { deviceId: 'grid', intervalStartMs: T0 - 900_000, intervalMs: 900_000, importWh: 300, exportWh: 0, gap: true, gapReason: 'no counter before 11:47' },
    ]);
    const { url } = await started(h);
    const r = await getJson<Record<string, any>>(`${url}/api/intervals?from=${new Date(T0 - 3_600_000).toISOString()}`);
    expect(r.intervals).toEqual([
      { deviceId: 'grid', intervalStart: '2026-06-21T11:30:00.000Z', intervalMinutes: 15, importWh: 900, exportWh: 0, quality: 'measured', gapReason: null },
      { deviceId: 'grid', intervalStart: '2026-06-21T11:45:00.000Z', intervalMinutes: 15, importWh: 300, exportWh: 0, quality: 'gap', gapReason: 'no counter before 11:47' },
    ]);
  });

  it('lists trades newest first with what this gateway sold, bought and earned', async () => {
    const h = setup();
    insertTrade(h.ctx.store, { tradeId: 't1', intervalStartMs: T0 - 900_000, buyerId: 'gw-2', sellerId: 'gw-1', energyWh: 1500, priceMinorPerKWh: 80, createdMs: T0 });
    insertTrade(h.ctx.store, { tradeId: 't2', intervalStartMs: T0, buyerId: 'gw-1', sellerId: 'gw-3', energyWh: 500, priceMinorPerKWh: 100, createdMs: T0 });
    const { url } = await started(h);
    const r = await getJson<Record<string, any>>(`${url}/api/trades`);
    expect(r.trades.map((t: Record<string, unknown>) => [t.tradeId, t.side, t.energyWh, t.amountMinor])).toEqual([
      ['t2', 'buy', 500, 50],
      ['t1', 'sell', 1500, 120],
    ]);
    expect(r.totals).toEqual({ trades: 2, soldWh: 1500, boughtWh: 500, earningsMinor: 70 });
  });

  it('keeps alarms from the event bus, active until the same code clears', async () => {
    const h = setup();
    const { url } = await started(h);
    h.ctx.events.emit('alarm', { code: 'device-silent', severity: 'warning', message: 'ams-meter sent nothing for 60 s', atMs: T0, deviceId: 'ams-meter' });
    h.ctx.events.emit('alarm', { code: 'disk-full', severity: 'critical', message: 'store volume 98 % full', atMs: T0 + 1000 });
    h.ctx.events.emit('alarm', { code: 'device-silent', severity: 'info', message: 'ams-meter is back', atMs: T0 + 2000, deviceId: 'ams-meter', cleared: true });
    const a = await getJson<Record<string, any>>(`${url}/api/alarms`);
    expect(a.active.map((x: Record<string, unknown>) => x.code)).toEqual(['disk-full']);
    expect(a.recent.map((x: Record<string, unknown>) => [x.code, x.cleared ?? false, x.at])).toEqual([
      ['device-silent', true, '2026-06-21T12:00:02.000Z'],
      ['disk-full', false, '2026-06-21T12:00:01.000Z'],
      ['device-silent', false, '2026-06-21T12:00:00.000Z'],
    ]);
    expect((await getJson<Record<string, any>>(`${url}/api/status`)).alarms).toEqual({ active: 1 });
  });

  it('streams live values and alarms as server-sent events', async () => {
    const h = setup(new SimulatedClock({ startMs: T0 }));
    let powerW = 1000;
    const acq = fakeAcquisition();
    const { url } = await started(h, {}, { ...acq, latest: () => [{ deviceId: 'grid', atMs: T0, values: { powerW } }] });
    const sse = await SseClient.open(`${url}/api/events`);
    cleanup.push(() => sse.close());
    expect(sse.status).toBe(200);
    const first = await sse.waitFor((e) => e.event === 'values');
    expect(first.data).toMatchObject({ flows: { gridW: 1000 }, devices: { grid: { values: { powerW: { value: 1000, unit: 'W' } } } } });
    powerW = 2345;
    await sse.waitFor((e) => e.event === 'values' && (e.data as { flows: { gridW: number } }).flows.gridW === 2345);
    h.ctx.events.emit('alarm', { code: 'market-disagreement', severity: 'critical', message: 'hash differs', atMs: T0 });
    const alarm = await sse.waitFor((e) => e.event === 'alarm');
    expect(alarm.data).toMatchObject({ code: 'market-disagreement', at: '2026-06-21T12:00:00.000Z' });
  });

  it('serves the dashboard as one page and chart.js from node_modules, never a CDN', async () => {
    const h = setup(new RealClock());
    const { url } = await started(h);
    const page = await httpGet(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).not.toContain('/*@inline');
    expect(page.body).toContain('new EventSource');
    expect(page.body).not.toMatch(/https?:\/\//);
    const chart = await httpGet(`${url}/assets/chart.js`);
    expect(chart.status).toBe(200);
    expect(chart.body).toContain('Chart.js v4');
  });

  it('fails to start on a port in use, and stopping after that is safe', async () => {
    const h = setup();
    const { service: first } = await started(h);
    const second = new ApiService({ config: apiConfigSchema.parse({ listen: { port: first.address()!.port } }) });
    await expect(second.start(h.ctx)).rejects.toThrow(/EADDRINUSE/);
    await second.stop();
    expect((await httpGet(`${first.url}/api/status`)).status).toBe(200);
  });

  it('stops with an event stream still open', async () => {
    const h = setup();
    const service = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 } }) });
    await service.start(h.ctx);
    const url = service.url as string;
    const sse = await SseClient.open(`${url}/api/events`);
    await sse.waitFor((e) => e.event === 'values');
    await service.stop();
    sse.close();
    await expect(httpGet(`${url}/api/status`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
