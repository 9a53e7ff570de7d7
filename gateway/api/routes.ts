// The HTTP surface: the dashboard page, chart.js, the JSON API (docs/api.md), /api/events and
// /metrics. Every answer is JSON with an ISO 8601 `at`-style time at the edges; bad query
// parameters are a 400 that names the parameter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { AlarmLog } from './alarm-log.js';
import { authorize } from './auth.js';
import type { DashboardAssets } from './dashboard-assets.js';
import { marketTradeAsRow } from './market-view.js';
import type { NaboMetrics } from './metrics.js';
import type { SseHub } from './sse-hub.js';
import { MAX_ROWS, type StoreQueries } from './store-queries.js';

export interface RouteDeps {
  token: string | undefined;
  gatewayId: string;
  nowMs(): number;
  status(): Record<string, unknown>;
  queries: StoreQueries;
  alarms: AlarmLog;
  metrics: NaboMetrics;
  sse: SseHub;
  assets: DashboardAssets;
  log: Logger;
}

class BadRequest extends Error {}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

/** A time parameter: ISO 8601 or epoch milliseconds. */
function timeParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new BadRequest(`${name} must be an ISO 8601 time or epoch milliseconds, got '${raw}'`);
  return ms;
}

function limitParam(url: URL, fallback: number): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS) throw new BadRequest(`limit must be an integer 1..${MAX_ROWS}, got '${raw}'`);
  return n;
}

function readings(d: RouteDeps, url: URL): unknown {
  const now = d.nowMs();
  const resolution = url.searchParams.get('resolution') ?? 'raw';
  if (resolution !== 'raw' && resolution !== 'minute') throw new BadRequest(`resolution must be raw or minute, got '${resolution}'`);
  const fromMs = timeParam(url, 'from', now - 3_600_000);
  const toMs = timeParam(url, 'to', now + 1);
  const q = { fromMs, toMs, resolution, limit: limitParam(url, 5000) } as const;
  const device = url.searchParams.get('device');
  const quantity = url.searchParams.get('quantity');
  const rows = d.queries.readings({ ...q, ...(device ? { deviceId: device } : {}), ...(quantity ? { quantity } : {}) });
  return { from: iso(fromMs), to: iso(toMs), resolution, readings: rows.map(({ atMs, ...r }) => ({ ...r, at: iso(atMs) })) };
}

function intervals(d: RouteDeps, url: URL): unknown {
  const now = d.nowMs();
  const fromMs = timeParam(url, 'from', now - 86_400_000);
  const toMs = timeParam(url, 'to', now + 1);
  const rows = d.queries.intervals(fromMs, toMs, limitParam(url, 2000));
  return {
    from: iso(fromMs),
    to: iso(toMs),
    intervals: rows.map((r) => ({
      deviceId: r.deviceId,
      intervalStart: iso(r.intervalStartMs),
      intervalMinutes: r.intervalMs / 60_000,
      importWh: r.importWh,
      exportWh: r.exportWh,
      // The store keeps whether counters covered the interval; quality is 'measured' or 'gap'.
      quality: r.gap ? 'gap' : 'measured',
      gapReason: r.gapReason,
    })),
  };
}

function trades(d: RouteDeps, url: URL): unknown {
  const now = d.nowMs();
  const fromMs = timeParam(url, 'from', 0);
  const toMs = timeParam(url, 'to', now + 86_400_000);
  const limit = limitParam(url, 200);
  // Bilateral trades and the block market's net trades (against the block's pool), newest first.
  const rows = [...d.queries.trades(fromMs, toMs, limit), ...d.queries.marketTrades(fromMs, toMs, limit).map(marketTradeAsRow)]
    .sort((a, b) => b.intervalStartMs - a.intervalStartMs || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0))
    .slice(0, limit);
  let soldWh = 0;
  let boughtWh = 0;
  let earningsMinor = 0;
  const list = rows.map((t) => {
    const side = t.sellerId === d.gatewayId ? 'sell' : t.buyerId === d.gatewayId ? 'buy' : 'other';
    if (side === 'sell') {
      soldWh += t.energyWh;
      earningsMinor += t.amountMinor;
    } else if (side === 'buy') {
      boughtWh += t.energyWh;
      earningsMinor -= t.amountMinor;
    }
    return { tradeId: t.tradeId, intervalStart: iso(t.intervalStartMs), side, buyerId: t.buyerId, sellerId: t.sellerId, energyWh: t.energyWh, priceMinorPerKWh: t.priceMinorPerKWh, amountMinor: t.amountMinor, ...('block' in t ? { block: t.block } : {}) };
  });
  // Totals are over the listed trades: what the table shows adds up to them.
  return { from: iso(fromMs), to: iso(toMs), totals: { trades: list.length, soldWh, boughtWh, earningsMinor }, trades: list };
}

export function createHandler(d: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, (url: URL) => unknown> = {
    '/api/status': () => d.status(),
    '/api/readings': (url) => readings(d, url),
    '/api/intervals': (url) => intervals(d, url),
    '/api/trades': (url) => trades(d, url),
    '/api/alarms': (url) => ({ active: d.alarms.activeAlarms().map(alarmOut), recent: d.alarms.recent(limitParam(url, 100)).map(alarmOut) }),
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://nabo.invalid');
    const auth = authorize(req, url, d.token);
    if (auth !== 'ok') {
      if (auth === 'foreign-host') return json(res, 403, { error: 'this API answers only to a loopback Host; configure api.token to serve other names' });
      res.setHeader('www-authenticate', 'Bearer realm="nabo"');
      return json(res, 401, { error: auth === 'missing-token' ? 'a token is required: Authorization: Bearer <token> or ?token=' : 'wrong token' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: `${req.method} is not allowed; the API is read-only` });
    const path = url.pathname;
    try {
      if (path === '/' || path === '/index.html') return send(res, 200, d.assets.indexHtml, 'text/html; charset=utf-8', { 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" });
      if (path === '/assets/chart.js') return send(res, 200, d.assets.chartJs, 'text/javascript; charset=utf-8');
      if (path === '/metrics') {
        d.metrics.text().then(
          (text) => send(res, 200, text, d.metrics.contentType),
          (err: unknown) => {
            d.log.error({ err }, 'metrics collection failed');
            json(res, 500, { error: 'metrics collection failed' });
          },
        );
        return;
      }
      if (path === '/api/events') {
        if (!d.sse.add(res)) json(res, 503, { error: 'too many event streams open' });
        return;
      }
      const route = routes[path];
      if (!route) return json(res, 404, { error: `no such resource: ${path}` });
      return json(res, 200, route(url));
    } catch (err) {
      if (err instanceof BadRequest) return json(res, 400, { error: err.message });
      d.log.error({ err, path }, 'API request failed');
      return json(res, 500, { error: (err as Error).message });
    }
  };
}

function alarmOut(a: Alarm): Record<string, unknown> {
  const { atMs, ...rest } = a;
  return { ...rest, at: iso(atMs) };
}
