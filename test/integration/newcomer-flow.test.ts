// The README's first steps, as a newcomer runs them: `nabo sim fleet` (real ptys, needs socat)
// in one process, `nabo sim configs` to write the gateway config, and `nabo run --config …
// --speed 60` in another process, which follows the simulator's clock, stores readings of
// every device and interval energies, and stops cleanly on SIGTERM.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../temp-folders.js';
import { main } from '../../gateway/cli/program.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { storePath } from '../../gateway/daemon.js';
import { Store } from '../../gateway/store/store.js';
import { requireTool } from '../device-sim/transports/tools.js';
import { startCli, stopAll, type CliProcess } from './cli-process.js';

afterAll(removeTempFolders);

const children: ChildProcess[] = [];
let dir: string;

const start = (args: string[]): CliProcess => startCli(args, children);

beforeAll(() => {
  requireTool('socat');
  dir = tempFolder('nabo-newcomer-');
});

afterAll(async () => {
  await stopAll(children);
});

describe('newcomer flow: nabo sim fleet, nabo sim configs, nabo run (needs socat)', () => {
  it('runs a gateway on the generated config that stores readings and interval energies, and stops on SIGTERM', async () => {
    const listing = path.join(dir, 'fleet.json');
    // The gateway starts a few real seconds (simulated minutes) after the fleet and follows its clock.
    const sim = start(['sim', 'fleet', '--blocks', '1', '--buildings', '1', '--seed', '7', '--speed', '60', '--start', '2026-06-21T10:05:00Z', '--out', listing]);
    await sim.waitFor('fleet running', 30_000);
    const configs = path.join(dir, 'configs');
    const code = await main(['node', 'nabo', 'sim', 'configs', '--fleet', listing, '--out', configs, '--format', 'json']);
    expect(code).toBe(0);
    const file = path.join(configs, 'b1-h1', 'nabo.yaml');
    expect(existsSync(file)).toBe(true);
    const loaded = loadConfigFile(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const deviceIds = loaded.config.devices.map((d) => d.id);
    expect(deviceIds.length).toBeGreaterThan(0);

    const run = start(['run', '--config', file, '--speed', '60']);
    await run.waitFor('gateway started', 30_000);
    // A quarter is computed 65 s (the job's grace) after its end; the health line of 10:32
    // says the gateway's clock is past 10:31:05, so the quarter 10:15-10:30 is in.
    await run.waitFor('"lastSuccess":"2026-06-21T10:32:', 60_000);
    const stopAsked = performance.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(performance.now() - stopAsked).toBeLessThan(5000 + 3000);
    expect(run.stderr()).toContain('gateway stopped; readings flushed');

    const store = Store.open(storePath(loaded.config));
    try {
      for (const id of deviceIds) {
        const quantity = loaded.config.devices.find((d) => d.id === id)?.role === 'pv' ? 'pvEnergyWh' : 'energyImportWh';
        expect(store.readings.range({ deviceId: id, quantity }, 0, Number.MAX_SAFE_INTEGER).length, id).toBeGreaterThan(5);
      }
      const meter = loaded.config.devices.find((d) => d.role === 'grid-meter');
      if (!meter) throw new Error('no grid meter in the generated config');
      // The first quarter that starts after the gateway's first reading is complete.
      const firstMs = store.readings.range({ deviceId: meter.id, quantity: 'energyImportWh' }, 0, Number.MAX_SAFE_INTEGER)[0]?.atMs ?? NaN;
      const q = Math.ceil(firstMs / 900_000) * 900_000;
      expect(q).toBeLessThanOrEqual(Date.parse('2026-06-21T10:15:00Z'));
      const quarter = store.intervals.range(meter.id, q, q + 1);
      expect(quarter).toHaveLength(1);
      expect(quarter[0]?.gap).toBe(false);
      expect((quarter[0]?.importWh ?? -1) + (quarter[0]?.exportWh ?? -1)).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  }, 120_000);
});
