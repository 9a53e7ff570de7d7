// HAN and P1 meters through the newcomer's flow: `nabo sim fleet` at --speed 60 (its clock runs
// before its devices start, so their push ticks must find the meters' 2 s / 10 s grid by
// themselves), `nabo sim configs`, and one `nabo run` per building that stores what they push.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../gateway/cli/program.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { storePath } from '../../gateway/daemon.js';
import { Store } from '../../gateway/store/store.js';
import { requireTool } from '../device-sim/transports/tools.js';
import { startCli, stopAll, type CliProcess } from './cli-process.js';

const children: ChildProcess[] = [];
let dir: string;

const start = (args: string[]): CliProcess => startCli(args, children);

beforeAll(() => {
  requireTool('socat');
  dir = mkdtempSync(path.join(tmpdir(), 'nabo-push-flow-'));
});

afterAll(async () => {
  await stopAll(children);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HAN and P1 meters of nabo sim fleet read by nabo run (needs socat)', () => {
  it('stores the power and counters a HAN and a P1 meter push, list 3 on the hour included', async () => {
    const listing = path.join(dir, 'fleet.json');
    // Buildings take turns with the transports: h1 an RTU bus, h2 a HAN meter, h3 a P1 meter.
    const sim = start(['sim', 'fleet', '--blocks', '1', '--buildings', '3', '--seed', '7', '--speed', '60', '--start', '2026-06-21T10:31:17Z', '--out', listing]);
    await sim.waitFor('fleet running', 30_000);
    const configs = path.join(dir, 'configs');
    expect(await main(['node', 'nabo', 'sim', 'configs', '--fleet', listing, '--out', configs, '--format', 'json'])).toBe(0);
    const loaded = ['b1-h2', 'b1-h3'].map((b) => {
      const r = loadConfigFile(path.join(configs, b, 'nabo.yaml'));
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return r.config;
    });
    const han = loaded[0]!.devices.find((d) => d.model === 'han');
    const p1 = loaded[1]!.devices.find((d) => d.model === 'dsmr-p1');
    expect(han && p1).toBeTruthy();

    const runs = loaded.map((c) => start(['run', '--config', path.join(configs, c.gateway.id, 'nabo.yaml'), '--speed', '60']));
    // Past 11:00:10, when the HAN meter sends list 3 with its counters.
    await Promise.all(runs.map((r) => r.waitFor('"lastSuccess":"2026-06-21T11:02:', 90_000)));
    for (const r of runs) r.child.kill('SIGTERM');
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual([0, 0]);

    const count = (config: (typeof loaded)[number], deviceId: string, quantity: 'powerW' | 'energyImportWh'): number => {
      const store = Store.open(storePath(config));
      try {
        return store.readings.range({ deviceId, quantity }, 0, Number.MAX_SAFE_INTEGER).length;
      } finally {
        store.close();
      }
    };
    expect(count(loaded[0]!, han!.id, 'powerW'), 'HAN power readings').toBeGreaterThan(10);
    expect(count(loaded[0]!, han!.id, 'energyImportWh'), 'HAN list 3 counters').toBeGreaterThanOrEqual(1);
    expect(count(loaded[1]!, p1!.id, 'powerW'), 'P1 power readings').toBeGreaterThan(10);
    expect(count(loaded[1]!, p1!.id, 'energyImportWh'), 'P1 counters').toBeGreaterThan(10);
  }, 150_000);
});
