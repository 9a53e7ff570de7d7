// A ServiceContext for API tests: a fresh store in a temp folder, an event bus, a status board
// and a config built in code; plus small HTTP helpers on node:http.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import { configSchema, type NaboConfig } from '../../../gateway/config/schema.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { StatusBoard, type ServiceContext } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';

export function testConfig(dir: string, extra: Record<string, unknown> = {}): NaboConfig {
  return configSchema.parse({
    version: 1,
    gateway: { id: 'gw-1', name: 'Test house', dataDir: dir },
    buses: [
      { id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port: 1502 },
      { id: 'han', kind: 'han', path: '/dev/ttyUSB9' },
    ],
    devices: [
      { id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter' },
      { id: 'pv', bus: 'lan', model: 'sunspec', unitId: 2, role: 'pv' },
      { id: 'battery', bus: 'lan', model: 'sunspec', unitId: 3, role: 'battery' },
    ],
    ...extra,
  });
}

export interface Harness {
  dir: string;
  ctx: ServiceContext;
  close(): void;
}

export function harness(clock: Clock, extra: Record<string, unknown> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-api-'));
  const store = Store.open(join(dir, 'nabo.db'));
  const log = createLogger({ level: 'warn', pretty: false });
  const ctx: ServiceContext = { config: testConfig(dir, extra), clock, log, store, events: new EventBus(log), status: new StatusBoard() };
  return {
    dir,
    ctx,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function getJson<T = Record<string, unknown>>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const r = await httpGet(url, headers);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}

export function insertTrade(store: Store, t: { tradeId: string; intervalStartMs: number; buyerId: string; sellerId: string; energyWh: number; priceMinorPerKWh: number; createdMs: number }): void {
  const amountMinor = Math.round((t.energyWh * t.priceMinorPerKWh) / 1000);
  store.db
    .prepare('INSERT INTO trades (trade_id, interval_start_ms, buyer_id, seller_id, energy_wh, price_minor_per_kwh, amount_minor, payload, signature, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)')
    .run(t.tradeId, t.intervalStartMs, t.buyerId, t.sellerId, t.energyWh, t.priceMinorPerKWh, amountMinor, JSON.stringify(t), t.createdMs);
}
