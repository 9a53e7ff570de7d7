// The fleet's physics, without any transport: one BuildingPhysics per building, weather per
// block (neighbours share a sky), and for every device of the fleet file its identity, the
// truth callback a transport device asks, and the handler for what clients write to it.
// The clock is read here, in the shell, and nowhere in the physics.
import type { Clock } from '../../core/clock.js';
import type { QuantityValues } from '../../core/quantities.js';
import type { DeviceIdentity, SetpointHandler, SetpointWrite, TruthSource } from '../devices/simulated-device.js';
import { BuildingPhysics, type BuildingTruth } from '../physics/building-physics.js';
import { SiteWeather } from '../physics/weather.js';
import { hash32, hashUnit, seedFromString } from '../random.js';
import { findDefinition } from '../../protocols/devices/index.js';
import { fleetDeviceId, fleetRoleOf, type FleetBuilding, type FleetDevice, type FleetRole, type FleetSpec } from './fleet-file.js';

export interface DevicePlan {
  /** Fleet-wide id, `<building>-<device>`. */
  deviceId: string;
  /** The id inside its building (and in the building's gateway config). */
  localId: string;
  blockId: string;
  buildingId: string;
  spec: FleetDevice;
  identity: DeviceIdentity;
  truth: TruthSource;
  onSetpoint?: SetpointHandler;
}

const RECENT_WRITES = 20;

export class SimBuilding {
  readonly devices: DevicePlan[] = [];
  /** The last writes clients made to this building's devices, newest last. */
  readonly recentWrites: SetpointWrite[] = [];

  constructor(
    readonly blockId: string,
    readonly spec: FleetBuilding,
    readonly physics: BuildingPhysics,
    private readonly clock: Clock,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  /** Brings the physics up to the clock's now. */
  sync(): void {
    this.physics.advanceTo(this.clock.now());
  }

  truth(): BuildingTruth {
    this.sync();
    return this.physics.truth();
  }

  /** What a device in this role shows, now: a hybrid inverter or energy gateway sees battery, PV and grid. */
  valuesForRole(role: FleetRole): QuantityValues {
    this.sync();
    switch (role) {
      case 'grid-meter':
        return this.physics.gridMeterValues();
      case 'pv':
        return this.physics.pvInverterValues();
      case 'battery':
        return this.physics.batteryValues();
      case 'hybrid':
        return { ...this.physics.batteryValues(), ...this.physics.pvInverterValues(), ...this.physics.gridMeterValues() };
    }
  }

  /** What a device of this kind measures, now. */
  valuesFor(kind: Exclude<FleetDevice['kind'], 'modbus'>): QuantityValues {
    this.sync();
    switch (kind) {
      case 'sdm630':
      case 'han':
      case 'p1':
        return this.physics.gridMeterValues();
      case 'sunspec-inverter':
        return this.physics.pvInverterValues();
      case 'sunspec-storage':
        return this.physics.batteryValues();
      case 's0-board': {
        const grid = this.physics.gridMeterValues();
        return { energyImportWh: grid.energyImportWh, energyExportWh: grid.energyExportWh, pvEnergyWh: this.physics.pvInverterValues().pvEnergyWh };
      }
    }
  }

  handleWrite(write: SetpointWrite): void {
    this.recentWrites.push(write);
    if (this.recentWrites.length > RECENT_WRITES) this.recentWrites.shift();
    if (write.kind === 'battery-power') this.physics.commandBattery(write.atMs, { mode: 'setpoint', powerW: write.batteryPowerW });
    else if (write.kind === 'battery-auto') this.physics.commandBattery(write.atMs, { mode: 'auto' });
    else if (write.kind === 'relay') {
      // The relay's load (a water heater) runs while its contact is closed.
      const board = this.devices.find((d) => d.deviceId === write.deviceId)?.spec;
      const loadW = board?.kind === 's0-board' ? (board.relays.find((r) => r.pin === write.pin)?.loadW ?? 0) : 0;
      this.physics.switchLoad(write.atMs, `${write.deviceId}/${write.pin}`, write.on ? loadW : 0);
    }
  }
}

function identityFor(seed: number, deviceId: string, device: FleetDevice): DeviceIdentity {
  const h = seedFromString(deviceId, seed);
  /** `n` decimal digits (n ≤ 16) drawn from the device's seed: a stable serial number. */
  const digits = (n: number): string => `${String(hash32(h, 1) % 100_000_000).padStart(8, '0')}${String(hash32(h, 2) % 100_000_000).padStart(8, '0')}`.slice(0, n);
  switch (device.kind) {
    case 'modbus': {
      const def = findDefinition(device.model);
      return { deviceId, meterId: String(10_000_000 + (hash32(h, 3) % 90_000_000)), model: def?.model ?? device.model, manufacturer: def?.manufacturer ?? 'nabo-sim' };
    }
    case 'sdm630':
      return { deviceId, meterId: String(10_000_000 + (hash32(h, 3) % 90_000_000)), model: 'SDM630', manufacturer: 'Eastron' };
    case 'sunspec-inverter':
      return { deviceId, meterId: `INV${digits(9)}`, model: 'NABO-SIM-PV', manufacturer: 'nabo-sim' };
    case 'sunspec-storage':
      return { deviceId, meterId: `BAT${digits(9)}`, model: `NABO-SIM-STORAGE-${device.sunspecModel}`, manufacturer: 'nabo-sim' };
    case 'han':
      if (device.vendor === 'aidon') return { deviceId, meterId: `735999${digits(10)}`, model: '6534', manufacturer: 'Aidon' };
      if (device.vendor === 'kaifa') return { deviceId, meterId: `697063${digits(10)}`, model: 'MA304H3E', manufacturer: 'Kaifa' };
      return { deviceId, meterId: `57065672${digits(8)}`, model: '6841131BN243101040', manufacturer: 'Kamstrup' };
    case 'p1':
      return { deviceId, meterId: `E0043007${digits(9)}`, model: `DSMR ${device.dsmrVersion}`, manufacturer: 'nabo-sim' };
    case 's0-board':
      return { deviceId, meterId: `S0-${digits(6)}`, model: 'StandardFirmata', manufacturer: 'nabo-sim' };
  }
}

function phaseWeightsFor(seed: number): [number, number, number] {
  const raw = [0, 1, 2].map((i) => 0.25 + 0.2 * hashUnit(seed, 0x9a5e, i));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / sum) as [number, number, number];
}

export class FleetWorld {
  readonly buildings: SimBuilding[] = [];
  private readonly byDevice = new Map<string, DevicePlan>();
  private readonly byBuilding = new Map<string, SimBuilding>();
  readonly startMs: number;

  constructor(
    readonly spec: FleetSpec,
    readonly clock: Clock,
  ) {
    this.startMs = clock.now();
    for (const block of spec.blocks) {
      const site = block.site ?? spec.site;
      const weather = new SiteWeather({ latitudeDeg: site.latitude, longitudeDeg: site.longitude, altitudeM: site.altitudeM ?? 0 }, seedFromString(block.id, spec.seed));
      for (const b of block.buildings) {
        const seed = seedFromString(b.id, spec.seed);
        const physics = new BuildingPhysics(
          {
            id: b.id,
            seed,
            load: b.load,
            ...(b.pv ? { pv: b.pv } : {}),
            ...(b.battery ? { battery: b.battery } : {}),
            // Single-phase appliances load the phases unevenly, differently in every building.
            phaseWeights: phaseWeightsFor(seed),
            // Meters that have run for years: seeded counters, not zero.
            initialEnergyWh: {
              gridImport: Math.floor(5e6 + 60e6 * hashUnit(seed, 1)),
              gridExport: b.pv ? Math.floor(3e6 * hashUnit(seed, 2)) : 0,
              pv: b.pv ? Math.floor(b.pv.kWp * 800 * 1000 * (1 + 5 * hashUnit(seed, 3))) : 0,
            },
          },
          { weather, gridSeed: spec.seed, startMs: this.startMs, stepMs: spec.stepMs },
        );
        const building = new SimBuilding(block.id, b, physics, clock);
        for (const d of b.devices) {
          const deviceId = fleetDeviceId(b, d);
          const plan: DevicePlan = {
            deviceId,
            localId: d.id,
            blockId: block.id,
            buildingId: b.id,
            spec: d,
            identity: identityFor(spec.seed, deviceId, d),
            truth: d.kind === 'modbus' ? ((role) => () => building.valuesForRole(role))(fleetRoleOf(d)) : ((kind) => () => building.valuesFor(kind))(d.kind),
          };
          if (d.kind === 'sunspec-storage' || d.kind === 's0-board') plan.onSetpoint = (w) => building.handleWrite(w);
          building.devices.push(plan);
          this.byDevice.set(deviceId, plan);
        }
        this.buildings.push(building);
        this.byBuilding.set(b.id, building);
      }
    }
  }

  device(deviceId: string): DevicePlan | undefined {
    return this.byDevice.get(deviceId);
  }

  building(buildingId: string): SimBuilding | undefined {
    return this.byBuilding.get(buildingId);
  }

  buildingOf(deviceId: string): SimBuilding | undefined {
    const plan = this.byDevice.get(deviceId);
    return plan ? this.byBuilding.get(plan.buildingId) : undefined;
  }

  allDevices(): DevicePlan[] {
    return [...this.byDevice.values()];
  }
}
