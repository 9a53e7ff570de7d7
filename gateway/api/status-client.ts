// `nabo status` asks the running daemon's API for /api/status: the address and token come from
// the config's `api:` section (the token also from NABO_API_TOKEN), so an installer sees live
// values while the daemon holds the serial ports.
import type { Clock } from '../../core/clock.js';
import { isLoopbackHost, type ApiConfig } from './config.js';

export type StatusAnswer = { ok: true; status: Record<string, unknown> } | { ok: false; message: string };

/** The URL a client on this machine uses for a listener on `host`. */
export function localUrl(config: ApiConfig): string {
  const h = config.listen.host;
  const host = h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h.includes(':') ? `[${h}]` : h;
  return `http://${host}:${config.listen.port}`;
}

export async function fetchStatus(baseUrl: string, token: string | undefined, realClock: Clock, timeoutMs = 5000): Promise<StatusAnswer> {
  const abort = new AbortController();
  const timer = realClock.setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(`${baseUrl}/api/status`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal });
    if (res.status === 401) return { ok: false, message: `the daemon at ${baseUrl} refused the token (HTTP 401): set api.token in the config or NABO_API_TOKEN` };
    if (!res.ok) return { ok: false, message: `the daemon at ${baseUrl} answered HTTP ${res.status}: ${await res.text()}` };
    return { ok: true, status: (await res.json()) as Record<string, unknown> };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    const hint = isLoopbackHost(new URL(baseUrl).hostname) ? ' Is the daemon running (`systemctl status nabo`, or `nabo run --config ...`) with api enabled?' : '';
    return { ok: false, message: `no nabo daemon answers at ${baseUrl} (${why}).${hint}` };
  } finally {
    realClock.clear(timer);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the daemon's JSON, read field by field for display
type Json = Record<string, any>;

const fmtW = (w: unknown): string => (typeof w === 'number' ? `${Math.round(w)} W` : '–');

/** The status as text for people: flows, a device table, then the other services in a line each. */
export function formatStatusText(s: Json, table: (headers: string[], rows: Array<Array<string | number | null | undefined>>) => string): string {
  const f = (s.flows ?? {}) as Json;
  const lines = [
    `gateway ${s.gatewayId}${s.name ? ` (${s.name})` : ''}, nabo ${s.version}, up ${s.uptimeS} s, at ${s.now}`,
    `grid ${fmtW(f.gridW)}  pv ${fmtW(f.pvW)}  battery ${fmtW(f.batteryW)}${typeof f.socPercent === 'number' ? ` (${Math.round(f.socPercent)} %)` : ''}  load ${fmtW(f.loadW)}`,
    '',
  ];
  const devices = (s.devices ?? []) as Json[];
  const rows = devices.map((d) => {
    const values = Object.entries((d.values ?? {}) as Record<string, { value: number; unit: string }>)
      .slice(0, 4)
      .map(([q, v]) => `${q}=${v.value}${v.unit ? ` ${v.unit}` : ''}`)
      .join(', ');
    const errors = Object.values((d.errorsByKind ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    return [d.id, d.role, d.state, d.reads, errors, d.valuesAt, values];
  });
  let out = lines.join('\n') + table(['device', 'role', 'state', 'reads', 'errors', 'values at', 'values'], rows);
  const buses = (s.buses ?? []) as Json[];
  if (buses.length > 0) out += '\n' + table(['bus', 'connected', 'queue', 'reconnects'], buses.map((b) => [b.id, b.connected ? 'yes' : 'no', b.queueDepth, b.reconnects]));
  out += formatMarket(s.market as Json | null | undefined, table);
  out += `uplink: ${JSON.stringify(s.uplink)}\n`;
  if (s.control) out += `control: ${JSON.stringify(s.control)}\n`;
  const services = (s.sections as Json | undefined)?.services;
  if (Array.isArray(services)) out += '\n' + table(['service', 'state', 'restarts', 'last error'], (services as Json[]).map((x) => [x.name, x.state, x.restarts, x.lastError]));
  out += `alarms active: ${(s.alarms as Json | undefined)?.active ?? 0}\n`;
  return out;
}

/** The market in a line, then the current and next intervals as a table (docs/api.md). */
function formatMarket(m: Json | null | undefined, table: (headers: string[], rows: Array<Array<string | number | null | undefined>>) => string): string {
  if (!m) return '\nmarket: no market configured\n';
  const rejected = (m.rejections as Json | undefined)?.total;
  let out = `\nmarket ${m.marketId ?? ''}: ${m.connected ? 'connected' : 'not connected'}, roster version ${m.rosterVersion ?? '–'}${typeof rejected === 'number' ? `, ${rejected} messages rejected` : ''}\n`;
  const parts = [m.current, m.next].filter((p): p is Json => Boolean(p) && typeof p === 'object' && 'state' in (p as Json));
  if (parts.length > 0) {
    out += table(
      ['interval', 'state', 'offered Wh', 'bid Wh', 'price/kWh', 'traded Wh', 'paid'],
      parts.map((p) => [p.intervalStart, `${p.state}${p.reason ? ` (${p.reason})` : ''}`, p.offeredWh, p.bidWh, p.clearingPriceMinorPerKWh, p.tradedWh, p.amountMinor]),
    );
  }
  return out;
}
