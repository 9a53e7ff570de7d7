import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadFleetFile, parseFleetText, validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { generateFleet } from '../../../device-sim/fleet/generate.js';
import { s0CapacityKW } from '../../../device-sim/fleet/fleet-runner.js';

const GOOD = `
version: 1
seed: 7
blocks:
  - id: b1
    buildings:
      - id: b1-h1
        pv: { kWp: 6 }
        battery: { capacityWh: 10000, maxChargeW: 5000, maxDischargeW: 5000 }
        rtuBuses: [{ id: rs485, baudRate: 9600 }]
        devices:
          - { id: meter, kind: sdm630, transport: modbus-rtu, bus: rs485, unitId: 1 }
          - { id: pv, kind: sunspec-inverter, transport: modbus-rtu, bus: rs485, unitId: 2 }
          - { id: battery, kind: sunspec-storage }
          - { id: ams, kind: han, vendor: kamstrup }
`;

describe('fleet file', () => {
  it('accepts a valid fleet and fills in the defaults', () => {
    const r = parseFleetText(GOOD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fleet.site).toEqual({ latitude: 63.43, longitude: 10.4 });
    expect(r.fleet.stepMs).toBe(1000);
    const battery = r.fleet.blocks[0]?.buildings[0]?.devices[2];
    expect(battery).toMatchObject({ kind: 'sunspec-storage', transport: 'modbus-tcp', sunspecModel: 124 });
  });

  it('reports every problem with the path of the field', () => {
    const r = parseFleetText(`
version: 1
seed: -3
blocks:
  - id: B1
    buildings:
      - id: b1-h1
        battery: { capacityWh: 0, maxChargeW: 5000, maxDischargeW: 5000 }
        devices:
          - { id: meter, kind: sdm630, transport: modbus-rtu }
          - { id: meter, kind: sunspec-inverter }
          - { id: x, kind: toaster }
          - { id: s0, kind: s0-board, pins: [{ pin: 2, counts: pv }, { pin: 2, counts: grid-import }] }
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toContain('seed');
    expect(paths).toContain('blocks[0].id');
    expect(paths).toContain('blocks[0].buildings[0].battery.capacityWh');
    expect(paths).toContain('blocks[0].buildings[0].devices[2].kind');
    // Cross-field rules run only once the fields themselves are valid; check them separately.
    const second = validateFleet({
      version: 1,
      seed: 1,
      blocks: [
        {
          id: 'b1',
          buildings: [
            {
              id: 'b1-h1',
              devices: [
                { id: 'meter', kind: 'sdm630', transport: 'modbus-rtu' },
                { id: 'meter', kind: 'sunspec-inverter' },
                { id: 's0', kind: 's0-board', pins: [{ pin: 2, counts: 'pv' }, { pin: 2, counts: 'grid-import' }] },
                { id: 'rtu2', kind: 'sdm630', transport: 'modbus-rtu', unitId: 3, bus: 'nowhere' },
              ],
            },
          ],
        },
      ],
    });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    const byPath = new Map(second.problems.map((p) => [p.path, p.message]));
    expect(byPath.get('blocks[0].buildings[0].devices[0].unitId')).toMatch(/required/);
    expect(byPath.get('blocks[0].buildings[0].devices[1].id')).toMatch(/duplicate device id 'meter'/);
    expect(byPath.get('blocks[0].buildings[0].devices[1].kind')).toMatch(/needs the building to have pv/);
    expect(byPath.get('blocks[0].buildings[0].devices[2].pins[0].counts')).toMatch(/no pv/);
    expect(byPath.get('blocks[0].buildings[0].devices[2].pins[1].pin')).toMatch(/pin 2 is used twice/);
    expect(byPath.get('blocks[0].buildings[0].devices[3].bus')).toMatch(/no RTU bus 'nowhere'/);
  });

  it('names unknown fields and YAML syntax errors with their place', () => {
    const unknown = parseFleetText('version: 1\nseed: 1\ncolour: red\nblocks: []\n');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.problems).toContainEqual({ path: '(root)', message: "unknown field 'colour'" });
    const broken = parseFleetText('version: 1\nblocks: [\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]?.path).toMatch(/^\(line \d+, column \d+\)$/);
  });

  it('generates fleets that pass their own validation, the same for the same seed', () => {
    const a = generateFleet({ blocks: 3, buildings: 4, seed: 42 });
    const checked = validateFleet(JSON.parse(JSON.stringify(a)));
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    expect(generateFleet({ blocks: 3, buildings: 4, seed: 42 })).toEqual(a);
    expect(generateFleet({ blocks: 3, buildings: 4, seed: 43 })).not.toEqual(a);
    const kinds = new Set(a.blocks.flatMap((b) => b.buildings.flatMap((h) => h.devices.map((d) => d.kind))));
    expect([...kinds].sort()).toEqual(['han', 'p1', 's0-board', 'sdm630', 'sunspec-inverter', 'sunspec-storage']);
    expect(a.blocks.every((b) => b.buildings.at(-1)?.load.profile === 'office')).toBe(true);
    const tcpOnly = generateFleet({ blocks: 1, buildings: 5, seed: 1, tcpOnly: true });
    expect(tcpOnly.blocks[0]?.buildings.flatMap((h) => h.devices).every((d) => 'transport' in d && d.transport === 'modbus-tcp')).toBe(true);
  });

  it("picks S0 pulse constants whose outputs carry the building's power at the fleet's speed", () => {
    // At 1440× no constant carries an office (a pulse is 50 s of simulated time): `nabo sim fleet` warns, the gateway marks saturation.
    for (const speed of [1, 60]) {
      const fleet = generateFleet({ blocks: 1, buildings: 8, seed: 42, speed });
      const boards = fleet.blocks.flatMap((b) => b.buildings.flatMap((h) => h.devices.filter((d) => d.kind === 's0-board').map((d) => ({ building: h, board: d }))));
      expect(boards.length).toBeGreaterThan(0);
      for (const { building, board } of boards) {
        if (board.kind !== 's0-board') continue;
        for (const pin of board.pins) {
          // A house draws up to 15 kW; PV gives at most its peak.
          const peakKW = pin.counts === 'pv' ? (building.pv?.kWp ?? 0) : building.load.profile === 'office' ? 100 : 15;
          expect(s0CapacityKW(speed, pin.impulsesPerKWh), `${building.id} pin ${pin.pin} at speed ${speed}`).toBeGreaterThanOrEqual(peakKW);
        }
      }
      // A house in real time keeps the common 1000 imp/kWh on its grid meter.
      if (speed === 1) expect(boards.filter(({ building }) => building.load.profile === 'household').map(({ board }) => (board.kind === 's0-board' ? board.pins[0]?.impulsesPerKWh : 0))).toEqual(expect.arrayContaining([1000]));
    }
  });

  it('keeps the example fleet in deploy/ valid', () => {
    const r = loadFleetFile(path.resolve(import.meta.dirname, '../../../deploy/examples/fleet.yaml'));
    expect(r.ok ? [] : r.problems).toEqual([]);
  });
});
