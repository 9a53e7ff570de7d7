// The simulator's control API: HTTP on loopback (node:http, a free port picked at start), so
// tests and people can read the true values of every building and device, compare them with
// what a gateway read, and switch device faults at run time.
//
//   GET    /clock                        simulated now, speed, when the fleet started
//   GET    /buildings                    every building with its instantaneous truth
//   GET    /buildings/:id                powers, battery, integrated energies, recent writes
//   GET    /buildings/:id/intervals      true energy of every recorded market interval
//   GET    /devices                      every device, where it listens, its faults
//   GET    /devices/:id                  its truth now, what it reports (after faults), faults
//   GET    /devices/:id/faults           the faults it shows
//   PUT    /devices/:id/faults           body: one fault, or { "faults": [...] } replacing all
//   DELETE /devices/:id/faults[/:kind]   clear all faults, or one kind
import http from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { DeviceEndpoint, DeviceFaultKind, SimulatedDevice } from '../devices/simulated-device.js';
import type { DevicePlan, FleetWorld } from '../fleet/fleet-world.js';
import type { IntervalRecorder } from '../fleet/interval-recorder.js';
import { FAULT_KINDS, parseFaultBody } from './fault-body.js';

export interface ControlTarget {
  world: FleetWorld;
  clock: Clock;
  /** Running devices by fleet device id (their endpoints and fault switches). */
  devices: ReadonlyMap<string, SimulatedDevice>;
  /** True energy per market interval, when recorded. */
  intervals?: IntervalRecorder;
}

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function endpointOf(device: SimulatedDevice | undefined): DeviceEndpoint | null {
  if (!device) return null;
  try {
    return device.endpoint();
  } catch {
    // A device that has not attached to its transport yet has no endpoint to show.
    return null;
  }
}

function deviceSummary(plan: DevicePlan, device: SimulatedDevice | undefined): Record<string, unknown> {
  return { deviceId: plan.deviceId, buildingId: plan.buildingId, blockId: plan.blockId, kind: plan.spec.kind, endpoint: endpointOf(device), faults: device ? device.faults.list() : [], running: device !== undefined };
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

async function route(target: ControlTarget, method: string, parts: string[], req: http.IncomingMessage): Promise<unknown> {
  const { world, clock, devices } = target;
  const [head, id, sub, kind] = parts;
  if (head === undefined) return { routes: ['/clock', '/buildings', '/buildings/:id', '/buildings/:id/intervals', '/devices', '/devices/:id', '/devices/:id/faults'] };
  if (head === 'clock' && id === undefined) {
    if (method !== 'GET') throw new HttpError(405, 'GET only');
    const now = clock.now();
    return { nowMs: now, now: iso(now), speed: Number.isFinite(clock.speed) ? clock.speed : 'manual', startedAt: iso(world.startMs) };
  }
  if (head === 'buildings') {
    if (method !== 'GET') throw new HttpError(405, 'GET only');
    if (id === undefined) return world.buildings.map((b) => ({ id: b.id, blockId: b.blockId, devices: b.devices.map((d) => d.deviceId), truth: b.truth() }));
    const b = world.building(id);
    if (!b) throw new HttpError(404, `no building '${id}'`);
    if (sub === 'intervals' && kind === undefined) {
      if (!target.intervals) throw new HttpError(404, 'intervals are not recorded in this run');
      b.sync();
      return { id: b.id, intervalMs: target.intervals.intervalMs, intervals: target.intervals.of(b.id).map((i) => ({ start: iso(i.startMs), end: iso(i.endMs), ...i })) };
    }
    if (sub !== undefined) throw new HttpError(404, `no route /buildings/${id}/${sub}`);
    return { id: b.id, blockId: b.blockId, devices: b.devices.map((d) => d.deviceId), truth: b.truth(), recentWrites: b.recentWrites };
  }
  if (head === 'devices') {
    if (id === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'GET only');
      return world.allDevices().map((p) => deviceSummary(p, devices.get(p.deviceId)));
    }
    const plan = world.device(id);
    if (!plan) throw new HttpError(404, `no device '${id}'`);
    const device = devices.get(id);
    if (sub === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'GET only');
      return { ...deviceSummary(plan, device), identity: plan.identity, atMs: clock.now(), truth: plan.truth(), reported: device ? device.reportedValues() : null };
    }
    if (sub !== 'faults') throw new HttpError(404, `no route /devices/${id}/${sub}`);
    if (method === 'GET' && kind === undefined) return { deviceId: id, faults: device ? device.faults.list() : [] };
    if (!device) throw new HttpError(409, `device '${id}' is not running, so it has no faults to switch`);
    if (method === 'PUT' && kind === undefined) {
      const parsed = parseFaultBody(await readBody(req));
      if (!parsed.ok) throw new HttpError(400, 'invalid fault', parsed.problems);
      // All or nothing: a fault the device refuses leaves the previous set in place.
      const previous = device.faults.list();
      device.faults.clear();
      try {
        for (const f of parsed.faults) device.faults.set(f);
      } catch (err) {
        device.faults.clear();
        for (const f of previous) device.faults.set(f);
        throw new HttpError(400, (err as Error).message);
      }
      return { deviceId: id, faults: device.faults.list() };
    }
    if (method === 'DELETE') {
      if (kind !== undefined && !(FAULT_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, `no fault kind '${kind}'`);
      device.faults.clear(kind as DeviceFaultKind | undefined);
      return { deviceId: id, faults: device.faults.list() };
    }
    throw new HttpError(405, 'GET, PUT or DELETE');
  }
  throw new HttpError(404, `no route /${parts.join('/')}`);
}

export function startControlServer(target: ControlTarget, options: { host?: string; port?: number } = {}): Promise<ControlServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
    route(target, req.method ?? 'GET', parts, req).then(
      (body) => send(res, 200, body),
      (err: unknown) => {
        if (err instanceof HttpError) send(res, err.status, { error: err.message, ...(err.details ? { problems: err.details } : {}) });
        else send(res, 500, { error: String(err) });
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
