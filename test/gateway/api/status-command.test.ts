import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ApiService } from '../../../gateway/api/api-service.js';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { getJson, harness } from './api-harness.js';
import { freePort } from '../../free-port.js';
import { NABO_CLI, runChild } from '../../helpers/child-process.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
const TOKEN = 'status-command-token-0123456789';
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Runs the CLI without blocking this process's event loop: the API under test answers from here. */
function nabo(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runChild(process.execPath, [...NABO_CLI, ...args], { env: { ...process.env, NABO_API_TOKEN: '', ...env } });
}

describe('nabo status', () => {
  it('prints what /api/status says, as JSON or as a table, using the token from the config', async () => {
    const h = harness(new SimulatedClock({ startMs: T0 }));
    cleanup.push(() => h.close());
    h.ctx.store.readings.add({ deviceId: 'grid', quantity: 'powerW', unit: 'W', atMs: T0 - 1000, value: 1800 });
    h.ctx.store.readings.flush();
    const api = new ApiService({ config: apiConfigSchema.parse({ listen: { host: '0.0.0.0', port: 0 }, token: TOKEN }) });
    await api.start(h.ctx);
    cleanup.push(() => api.stop());
    const file = join(h.dir, 'nabo.yaml');
    writeFileSync(file, stringify({ version: 1, gateway: { id: 'gw-1', dataDir: h.dir }, api: { listen: { host: '0.0.0.0', port: api.address()!.port }, token: TOKEN } }));

    const json = await nabo(['status', '--config', file, '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const direct = await getJson(`${api.url}/api/status?token=${TOKEN}`);
    expect(JSON.parse(json.stdout)).toEqual(direct);

    const table = await nabo(['status', '--config', file, '--format', 'table']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('gateway gw-1 (Test house)');
    expect(table.stdout).toContain('grid 1800 W');
    expect(table.stdout).toMatch(/grid\s+grid-meter\s+unknown/);
    expect(table.stdout).toContain('market: no market configured');
  });

  it('exits 1 with a clear message when no daemon answers', async () => {
    const h = harness(new SimulatedClock({ startMs: T0 }));
    cleanup.push(() => h.close());
    const port = await freePort();
    const file = join(h.dir, 'nabo.yaml');
    writeFileSync(file, stringify({ version: 1, gateway: { id: 'gw-1', dataDir: h.dir }, api: { listen: { port } } }));
    const r = await nabo(['status', '--config', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`no nabo daemon answers at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.stderr).toContain('Is the daemon running');
  });

  it('exits 2 when the api section is invalid or the config is missing', async () => {
    const h = harness(new SimulatedClock({ startMs: T0 }));
    cleanup.push(() => h.close());
    const file = join(h.dir, 'nabo.yaml');
    writeFileSync(file, stringify({ version: 1, gateway: { id: 'gw-1' }, api: { listen: { host: '0.0.0.0', port: 8080 } } }));
    const noToken = await nabo(['status', '--config', file]);
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain('api.token: required when api.listen.host (0.0.0.0) is not loopback');
    expect((await nabo(['status', '--config', join(h.dir, 'missing.yaml')])).status).toBe(2);
  });
});
