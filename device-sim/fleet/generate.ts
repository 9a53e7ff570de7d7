// `nabo sim fleet --blocks 3 --buildings 4 --seed 42`: a fleet drawn from a seed. Every
// building has an SDM630 grid meter on Modbus TCP, a SunSpec inverter when it has PV and
// SunSpec storage when it has a battery; on top, buildings take turns to expose the other
// transports (an RTU bus carrying the meter and inverter, a HAN meter, a P1 meter, an S0
// pulse board), so a small fleet exercises everything without a pty per device.
import { Prng } from '../random.js';
import { s0CapacityKW } from './fleet-runner.js';
import { DEFAULT_BOARD_RELAYS, FLEET_VERSION, type FleetBuilding, type FleetDevice, type FleetSpec } from './fleet-file.js';

export interface GenerateOptions {
  blocks: number;
  buildings: number;
  seed: number;
  /** Only Modbus TCP devices (no pseudo-terminals, no socat needed). */
  tcpOnly?: boolean;
  stepMs?: number;
  /** Simulated ms per real ms the fleet will run at: S0 pulse constants are chosen to carry its power (default 1). */
  speed?: number;
}

const HAN_VENDORS = ['aidon', 'kaifa', 'kamstrup'] as const;
type Extra = 'rtu' | 'han' | 'p1' | 's0';
const EXTRAS: readonly Extra[] = ['rtu', 'han', 'p1', 's0'];

/** Meter constants S0 outputs are sold with, imp/kWh, finest first. */
const S0_CONSTANTS = [1000, 800, 500, 400, 250, 200, 100, 50, 25, 10, 5, 2, 1] as const;

/**
 * The finest standard constant whose output carries twice `peakKW` at `speed`: an accelerated
 * clock stretches every pulse (DIN 43864 wants 30 ms of real time), so at --speed 60 a
 * 1000 imp/kWh output tops out below 1 kW and would silently fall behind a house's load.
 */
export function s0ConstantFor(speed: number, peakKW: number): number {
  return S0_CONSTANTS.find((c) => s0CapacityKW(speed, c) >= 2 * peakKW) ?? 1;
}

function round(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function building(rng: Prng, id: string, office: boolean, extra: Extra | undefined, hanVendor: (typeof HAN_VENDORS)[number], speed: number): FleetBuilding {
  const hasPv = office || rng.next() < 0.75;
  const hasBattery = office ? rng.next() < 0.5 : rng.next() < 0.4;
  const b: FleetBuilding = {
    id,
    load: office ? { profile: 'office', areaM2: round(rng.uniform(800, 2500), 50) } : { profile: 'household', heatLossWPerK: round(rng.uniform(60, 105), 1) },
    rtuBuses: [],
    devices: [],
  };
  if (hasPv) b.pv = office ? { kWp: round(rng.uniform(25, 60), 0.5) } : { kWp: round(rng.uniform(4, 12), 0.1), tiltDeg: round(rng.uniform(25, 45), 1), azimuthDeg: round(rng.uniform(150, 210), 1) };
  if (hasBattery) {
    const capacityWh = office ? round(rng.uniform(30_000, 80_000), 1000) : round(rng.uniform(5000, 15_000), 500);
    const powerW = office ? round(capacityWh / 2, 500) : round(rng.uniform(2500, 5000), 500);
    b.battery = { capacityWh, maxChargeW: powerW, maxDischargeW: powerW, minSocPercent: 10, maxSocPercent: 95, initialSocPercent: round(rng.uniform(20, 80), 1) };
  }
  const onRtu = extra === 'rtu';
  if (onRtu) b.rtuBuses.push({ id: 'rs485', baudRate: 9600, parity: 'none', stopBits: 1, lineTiming: false });
  const modbus = (kind: 'sdm630' | 'sunspec-inverter', localId: string, unit: number): FleetDevice =>
    onRtu ? { kind, id: localId, transport: 'modbus-rtu', unitId: unit, bus: 'rs485' } : { kind, id: localId, transport: 'modbus-tcp', unitId: 1 };
  b.devices.push(modbus('sdm630', 'meter', 1));
  if (b.pv) b.devices.push(modbus('sunspec-inverter', 'pv', 2));
  if (b.battery) b.devices.push({ kind: 'sunspec-storage', id: 'battery', transport: 'modbus-tcp', unitId: 1, sunspecModel: 124 });
  if (extra === 'han') b.devices.push({ kind: 'han', id: 'ams', vendor: hanVendor });
  if (extra === 'p1') b.devices.push({ kind: 'p1', id: 'p1', dsmrVersion: '5.0' });
  if (extra === 's0') {
    // Peaks: a house's load stays under 15 kW (heat pump, tank, appliances); an office's under 50 W/m².
    const loadPeakKW = b.load.profile === 'office' ? ((b.load.areaM2 ?? 1500) * 50) / 1000 : 15;
    const pins: Array<{ pin: number; counts: 'grid-import' | 'grid-export' | 'pv'; impulsesPerKWh: number }> = [{ pin: 2, counts: 'grid-import', impulsesPerKWh: s0ConstantFor(speed, loadPeakKW) }];
    if (b.pv) pins.push({ pin: 3, counts: 'pv', impulsesPerKWh: s0ConstantFor(speed, b.pv.kWp) });
    b.devices.push({ kind: 's0-board', id: 'pulses', pins, relays: DEFAULT_BOARD_RELAYS.map((r) => ({ ...r })) });
  }
  return b;
}

export function generateFleet(options: GenerateOptions): FleetSpec {
  const { blocks, buildings, seed } = options;
  if (!(Number.isInteger(blocks) && blocks >= 1 && blocks <= 100)) throw new RangeError('blocks must be an integer 1..100');
  if (!(Number.isInteger(buildings) && buildings >= 1 && buildings <= 100)) throw new RangeError('buildings must be an integer 1..100');
  const rng = new Prng(seed);
  let turn = 0;
  const fleet: FleetSpec = {
    version: FLEET_VERSION,
    seed,
    site: { latitude: 63.43, longitude: 10.4 },
    host: '127.0.0.1',
    stepMs: options.stepMs ?? 1000,
    blocks: [],
  };
  for (let k = 1; k <= blocks; k++) {
    const block: FleetSpec['blocks'][number] = { id: `b${k}`, name: `Block ${k}`, buildings: [] };
    for (let h = 1; h <= buildings; h++) {
      // The last building of a block of four or more is an office.
      const office = buildings >= 4 && h === buildings;
      const extra = options.tcpOnly ? undefined : EXTRAS[turn % EXTRAS.length];
      const vendor = HAN_VENDORS[Math.floor(turn / EXTRAS.length) % HAN_VENDORS.length] ?? 'aidon';
      turn++;
      block.buildings.push(building(rng, `b${k}-h${h}`, office, extra, vendor, options.speed ?? 1));
    }
    fleet.blocks.push(block);
  }
  return fleet;
}
