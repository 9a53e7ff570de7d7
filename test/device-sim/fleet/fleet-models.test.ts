// A fleet file picks any device definition by name (`kind: modbus, model: <id>`): the simulator
// serves it from the building's physics with no code per model, `nabo sim configs` writes the
// gateway config for it, and `nabo read` gets the simulator's values back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Quantity } from '../../../core/quantities.js';
import { parseFleetText, validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { startFleet, type RunningFleet } from '../../../device-sim/fleet/fleet-runner.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { buildListing } from '../../../device-sim/fleet/listing.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { gatewayConfigFor } from '../../../gateway/config/from-fleet.js';
import { DEVICE_DEFINITIONS } from '../../../protocols/devices/index.js';
import { runCli } from '../../gateway/cli/run-cli.js';
import { tolerance } from '../../protocols/devices/true-values.js';
import { unitOf } from '../../../core/quantities.js';
import { resolutionOf } from '../../../gateway/cli/output.js';

const T0 = Date.UTC(2026, 5, 21, 11, 0);
const dir = mkdtempSync(join(tmpdir(), 'nabo-fleet-models-'));
let running: RunningFleet | undefined;
let configFile = '';

beforeAll(async () => {
  const r = validateFleet({
    version: 1,
    seed: 15,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'h1',
            pv: { kWp: 8 },
            battery: { capacityWh: 10_000, maxChargeW: 4000, maxDischargeW: 4000, initialSocPercent: 60 },
            devices: DEVICE_DEFINITIONS.map((d) => ({ kind: 'modbus', id: d.id, model: d.id })),
          },
        ],
      },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const clock = new SimulatedClock({ startMs: T0 });
  const world = new FleetWorld(r.fleet, clock);
  running = await startFleet(world, { tcpOnly: true });
  const listing = buildListing(world, { clock: { mode: 'simulated', startAt: new Date(T0).toISOString(), speed: 1 }, endpoints: running.endpoints });
  const config = gatewayConfigFor(listing, 'b1', listing.blocks[0]!.buildings[0]!, { dataRoot: dir });
  configFile = join(dir, 'nabo.yaml');
  writeFileSync(configFile, stringify(config));
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fleet file picks any device definition by name', () => {
  it('rejects a model that is not a definition, naming the known ones', () => {
    const r = parseFleetText('version: 1\nseed: 1\nblocks:\n  - id: b\n    buildings:\n      - id: h\n        devices:\n          - { kind: modbus, id: m, model: acme-9000 }\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: 'blocks[0].buildings[0].devices[0].model', message: expect.stringContaining('eastron-sdm630') });
  });

  it('wants PV and a battery in a building with a hybrid inverter', () => {
    const r = validateFleet({ version: 1, seed: 1, blocks: [{ id: 'b', buildings: [{ id: 'h', devices: [{ kind: 'modbus', id: 'inv', model: 'huawei-sun2000' }] }] }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toEqual(['a hybrid device needs the building to have pv', 'a hybrid device needs the building to have a battery']);
  });

  for (const def of DEVICE_DEFINITIONS) {
    it(`serves ${def.id} from the building's physics and nabo read gets its values`, async () => {
      const device = running!.devices.get(`h1-${def.id}`)!;
      const truth = device.reportedValues();
      const r = await runCli(['read', def.id, '--config', configFile, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { status: string; quantities: Array<{ quantity: Quantity; value: number }> };
      expect(out.status).toBe('ok');
      const got = new Map(out.quantities.map((q) => [q.quantity, q.value]));
      let compared = 0;
      for (const reg of def.registers) {
        const want = reg.quantity === undefined ? undefined : truth[reg.quantity];
        if (reg.quantity === undefined || want === undefined) continue;
        compared++;
        expect(Math.abs(got.get(reg.quantity)! - want), `${reg.name} → ${reg.quantity}: ${got.get(reg.quantity)} vs ${want}`).toBeLessThanOrEqual(tolerance(reg, want) + resolutionOf(unitOf(reg.quantity)) / 2 + 1e-6);
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
