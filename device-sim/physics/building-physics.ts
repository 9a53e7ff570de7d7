// One building's physics stepped through time: load, PV and battery powers held constant over
// cells of `stepMs` on a fixed grid (so the result does not depend on when anyone looks), the
// battery following the setpoint written to it (or covering the net load on its own in
// 'auto'), and the meters integrating each piece exactly. A setpoint takes effect at the very
// instant it is written; the rest of the cell uses it.
import type { QuantityValues } from '../../core/quantities.js';
import { batteryLimits, feasiblePowerW, initialStoredWh, socPercent, storedAfter, type BatteryLimits, type BatterySpec } from './battery.js';
import { EnergyCounter } from './energy-counter.js';
import { gridFrequencyHz, gridMeterInstant, phaseValues } from './grid-connection.js';
import { LimitWatch } from './limit-watch.js';
import { loadPower, type LoadSpec } from './load.js';
import { pvOutputFrom, type PvArraySpec } from './pv.js';
import type { SiteWeather } from './weather.js';

export interface BuildingPhysicsSpec {
  id: string;
  /** Seeds the building's own randomness (its load); weather comes from the block. */
  seed: number;
  load: LoadSpec;
  pv?: PvArraySpec;
  battery?: BatterySpec;
  /** Share of the load per phase; defaults to an uneven split. */
  phaseWeights?: [number, number, number];
  loadPowerFactor?: number;
  /** Where the registers stand at the start (a meter that has been installed for years), Wh. */
  initialEnergyWh?: Partial<Record<'gridImport' | 'gridExport' | 'pv', number>>;
}

export interface BuildingPhysicsOptions {
  weather: SiteWeather;
  /** Seeds what every building on the grid shares (frequency). */
  gridSeed: number;
  startMs: number;
  /** Length of the cells in which powers are held constant, ms. */
  stepMs?: number;
}

export type BatteryCommand = { mode: 'auto' } | { mode: 'setpoint'; powerW: number };

/** Instantaneous powers (W) and integrated energies of a building. */
export interface BuildingTruth {
  atMs: number;
  /** The whole load, switched loads included. */
  loadW: number;
  /** The part of the load that relays switch on (a water heater), W. */
  switchedLoadW: number;
  pvAcW: number;
  pvDcW: number;
  /** Generator convention: positive discharging. */
  batteryW: number;
  /** At the grid connection, import positive: load − PV − battery. */
  netW: number;
  outdoorTemperatureC: number;
  poaWm2: number;
  battery?: { socPercent: number; storedWh: number; command: BatteryCommand };
  energy: {
    gridImportWh: number;
    gridExportWh: number;
    pvWh: number;
    loadWh: number;
    batteryChargeWh: number;
    batteryDischargeWh: number;
  };
  /** Same counters with the carried fraction, for comparisons finer than a watt-hour. */
  exactEnergy: BuildingTruth['energy'];
}

interface Cell {
  /** The household's own load, without switched loads. */
  baseLoadW: number;
  loadW: number;
  pvAcW: number;
  pvDcW: number;
  poaWm2: number;
  temperatureC: number;
  grid: QuantityValues;
  reactiveVar: number;
  batteryW: number;
  /** The battery delivers less than it was asked (a power limit or a SoC bound). */
  batteryClipped: boolean;
}

export class BuildingPhysics {
  readonly stepMs: number;
  private lastMs: number;
  private cell!: Cell;
  private storedWh: number;
  private command: BatteryCommand = { mode: 'auto' };
  /** Loads a relay has switched on, by the relay's key, W. */
  private readonly switched = new Map<string, number>();
  private readonly limits: BatteryLimits | undefined;
  private readonly phaseWeights: [number, number, number];
  private readonly counters: Record<'gridImport' | 'gridExport' | 'pv' | 'load' | 'batteryCharge' | 'batteryDischarge' | 'reactiveImport', EnergyCounter>;
  /** Called when the integration passes a multiple of `everyMs` (see onBoundary). */
  private readonly boundaryListeners: Array<{ everyMs: number; listener: (truth: BuildingTruth) => void }> = [];
  private readonly limitWatches: LimitWatch[] = [];

  constructor(
    readonly spec: BuildingPhysicsSpec,
    private readonly options: BuildingPhysicsOptions,
  ) {
    this.stepMs = options.stepMs ?? 1000;
    if (!(Number.isInteger(this.stepMs) && this.stepMs > 0)) throw new Error('BuildingPhysics: stepMs must be a positive integer');
    this.limits = spec.battery ? batteryLimits(spec.battery) : undefined;
    this.storedWh = spec.battery ? initialStoredWh(spec.battery) : 0;
    this.phaseWeights = spec.phaseWeights ?? [0.42, 0.33, 0.25];
    const initial = spec.initialEnergyWh ?? {};
    this.counters = {
      gridImport: new EnergyCounter(initial.gridImport ?? 0),
      gridExport: new EnergyCounter(initial.gridExport ?? 0),
      pv: new EnergyCounter(initial.pv ?? 0),
      load: new EnergyCounter(),
      batteryCharge: new EnergyCounter(),
      batteryDischarge: new EnergyCounter(),
      reactiveImport: new EnergyCounter(),
    };
    this.lastMs = options.startMs;
    this.evaluateCell(options.startMs);
  }

  get nowMs(): number {
    return this.lastMs;
  }

  /** Integrates up to `atMs`; asking for an earlier instant changes nothing. */
  advanceTo(atMs: number): void {
    while (this.lastMs < atMs) {
      const cellEnd = (Math.floor(this.lastMs / this.stepMs) + 1) * this.stepMs;
      let segmentEnd = Math.min(cellEnd, atMs);
      for (const b of this.boundaryListeners) segmentEnd = Math.min(segmentEnd, (Math.floor(this.lastMs / b.everyMs) + 1) * b.everyMs);
      this.integrate(segmentEnd - this.lastMs);
      this.lastMs = segmentEnd;
      if (this.boundaryListeners.length > 0) {
        let truth: BuildingTruth | undefined;
        for (const b of this.boundaryListeners) if (segmentEnd % b.everyMs === 0) b.listener((truth ??= this.truth()));
      }
      if (segmentEnd === cellEnd) this.evaluateCell(cellEnd);
    }
  }

  /**
   * Calls `listener` with the building's truth each time the integration reaches a multiple of
   * `everyMs` (epoch ms), whoever advanced it there: a reader that moved the physics past a
   * boundary before a timer did still leaves the registers at the boundary itself. Returns the
   * unsubscribe.
   */
  onBoundary(everyMs: number, listener: (truth: BuildingTruth) => void): () => void {
    if (!(Number.isInteger(everyMs) && everyMs > 0)) throw new Error('BuildingPhysics.onBoundary: everyMs must be a positive integer');
    const entry = { everyMs, listener };
    this.boundaryListeners.push(entry);
    return () => {
      const i = this.boundaryListeners.indexOf(entry);
      if (i >= 0) this.boundaryListeners.splice(i, 1);
    };
  }

  /**
   * Watches the extremes the limits are about (battery power, SoC, grid power) on every piece
   * integrated from now on; `take()` returns them since the last take. Stop it when done.
   */
  watchLimits(): { take: () => ReturnType<LimitWatch['take']>; stop: () => void } {
    const watch = new LimitWatch(this.limits !== undefined);
    this.limitWatches.push(watch);
    return {
      take: () => watch.take(),
      stop: () => {
        const i = this.limitWatches.indexOf(watch);
        if (i >= 0) this.limitWatches.splice(i, 1);
      },
    };
  }

  /** A battery setpoint (or 'auto') written at `atMs`; applies from that instant. */
  commandBattery(atMs: number, command: BatteryCommand): void {
    if (!this.limits) return;
    this.advanceTo(atMs);
    this.command = command.mode === 'setpoint' ? { mode: 'setpoint', powerW: Number.isFinite(command.powerW) ? command.powerW : 0 } : { mode: 'auto' };
    this.cell.batteryW = this.batteryPowerFor(this.cell.loadW, this.cell.pvAcW, this.cellEndAfter(this.lastMs) - this.lastMs);
    this.refreshGrid(this.lastMs);
  }

  /**
   * A load switched by a relay (a water heater) turns on or off at `atMs`: it adds its power to
   * the building's load from that instant, so the meters see it. A heater runs at its rating.
   */
  switchLoad(atMs: number, key: string, powerW: number): void {
    this.advanceTo(atMs);
    if (powerW > 0) this.switched.set(key, powerW);
    else this.switched.delete(key);
    this.cell.loadW = this.cell.baseLoadW + this.switchedW();
    this.cell.batteryW = this.batteryPowerFor(this.cell.loadW, this.cell.pvAcW, this.cellEndAfter(this.lastMs) - this.lastMs);
    this.refreshGrid(this.lastMs);
  }

  private switchedW(): number {
    let w = 0;
    for (const v of this.switched.values()) w += v;
    return w;
  }

  truth(): BuildingTruth {
    const c = this.cell;
    const k = this.counters;
    const energy = (exact: boolean): BuildingTruth['energy'] => {
      const v = (e: EnergyCounter): number => (exact ? e.exactWh : e.wh);
      return { gridImportWh: v(k.gridImport), gridExportWh: v(k.gridExport), pvWh: v(k.pv), loadWh: v(k.load), batteryChargeWh: v(k.batteryCharge), batteryDischargeWh: v(k.batteryDischarge) };
    };
    const out: BuildingTruth = {
      atMs: this.lastMs,
      loadW: c.loadW,
      switchedLoadW: c.loadW - c.baseLoadW,
      pvAcW: c.pvAcW,
      pvDcW: c.pvDcW,
      batteryW: c.batteryW,
      netW: c.loadW - c.pvAcW - c.batteryW,
      outdoorTemperatureC: c.temperatureC,
      poaWm2: c.poaWm2,
      energy: energy(false),
      exactEnergy: energy(true),
    };
    if (this.spec.battery) out.battery = { socPercent: socPercent(this.spec.battery, this.storedWh), storedWh: this.storedWh, command: { ...this.command } };
    return out;
  }

  /** What the meter at the grid connection shows. */
  gridMeterValues(): QuantityValues {
    return {
      ...this.cell.grid,
      energyImportWh: this.counters.gridImport.wh,
      energyExportWh: this.counters.gridExport.wh,
      reactiveEnergyImportVarh: this.counters.reactiveImport.wh,
      reactiveEnergyExportVarh: 0,
    };
  }

  /** What the PV inverter reports (AC side three-phase at the connection's voltages). */
  pvInverterValues(): QuantityValues {
    const c = this.cell;
    const g = c.grid;
    const phaseA = (v: number | undefined): number => (v ? c.pvAcW / 3 / v : 0);
    return {
      pvAcPowerW: c.pvAcW,
      pvDcPowerW: c.pvDcW,
      pvEnergyWh: this.counters.pv.wh,
      voltageL1V: g.voltageL1V,
      voltageL2V: g.voltageL2V,
      voltageL3V: g.voltageL3V,
      currentL1A: phaseA(g.voltageL1V),
      currentL2A: phaseA(g.voltageL2V),
      currentL3A: phaseA(g.voltageL3V),
      frequencyHz: g.frequencyHz,
      // The cabinet runs some kelvin above the air when it works.
      temperatureC: c.temperatureC + 5 + (c.pvAcW / Math.max(1, (this.spec.pv?.kWp ?? 1) * 1000)) * 15,
    };
  }

  batteryValues(): QuantityValues {
    if (!this.spec.battery) return {};
    return {
      batteryPowerW: this.cell.batteryW,
      socPercent: socPercent(this.spec.battery, this.storedWh),
      batteryCapacityWh: this.spec.battery.capacityWh,
      energyImportWh: this.counters.batteryCharge.wh,
      energyExportWh: this.counters.batteryDischarge.wh,
      frequencyHz: this.cell.grid.frequencyHz,
    };
  }

  private cellEndAfter(atMs: number): number {
    return (Math.floor(atMs / this.stepMs) + 1) * this.stepMs;
  }

  private integrate(durationMs: number): void {
    if (durationMs <= 0) return;
    const c = this.cell;
    const k = this.counters;
    const netW = c.loadW - c.pvAcW - c.batteryW;
    k.load.addPower(c.loadW, durationMs);
    k.pv.addPower(c.pvAcW, durationMs);
    k.reactiveImport.addPower(Math.max(0, c.reactiveVar), durationMs);
    if (netW >= 0) k.gridImport.addPower(netW, durationMs);
    else k.gridExport.addPower(-netW, durationMs);
    const storedBeforeWh = this.storedWh;
    if (this.limits) {
      if (c.batteryW >= 0) k.batteryDischarge.addPower(c.batteryW, durationMs);
      else k.batteryCharge.addPower(-c.batteryW, durationMs);
      this.storedWh = storedAfter(this.limits, this.storedWh, c.batteryW, durationMs);
    }
    if (this.limitWatches.length > 0) {
      const capacityWh = this.spec.battery?.capacityWh ?? 1;
      const socFrom = (storedBeforeWh / capacityWh) * 100;
      const socTo = (this.storedWh / capacityWh) * 100;
      for (const w of this.limitWatches) w.observe(durationMs, c.batteryW, netW, socFrom, socTo, c.batteryClipped, this.command.mode === 'setpoint');
    }
  }

  /** The battery's power for the rest of the cell; notes on the cell whether a limit cut the request. */
  private batteryPowerFor(loadW: number, pvAcW: number, durationMs: number): number {
    if (!this.limits) return 0;
    const requestW = this.command.mode === 'auto' ? loadW - pvAcW : this.command.powerW;
    const w = feasiblePowerW(this.limits, this.storedWh, requestW, durationMs);
    this.cell.batteryClipped = Math.abs(w - requestW) > 1e-6;
    return w;
  }

  private evaluateCell(atMs: number): void {
    const w = this.options.weather.sample(atMs);
    const load = loadPower(this.spec.load, this.spec.seed, this.options.weather, atMs);
    const pv = this.spec.pv ? pvOutputFrom(this.spec.pv, w) : { acPowerW: 0, dcPowerW: 0, poaWm2: 0 };
    const loadW = load.totalW + this.switchedW();
    this.cell = {
      baseLoadW: load.totalW,
      loadW,
      pvAcW: pv.acPowerW,
      pvDcW: pv.dcPowerW,
      poaWm2: pv.poaWm2,
      temperatureC: w.temperatureC,
      grid: {},
      reactiveVar: 0,
      batteryW: 0,
      batteryClipped: false,
    };
    this.cell.batteryW = this.batteryPowerFor(loadW, pv.acPowerW, this.cellEndAfter(atMs) - atMs);
    this.refreshGrid(atMs);
  }

  private refreshGrid(atMs: number): void {
    const c = this.cell;
    const phases = phaseValues({ loadW: c.loadW, loadPowerFactor: this.spec.loadPowerFactor ?? 0.97, pvW: c.pvAcW, batteryW: c.batteryW, phaseWeights: this.phaseWeights }, this.spec.seed, atMs);
    c.grid = gridMeterInstant(phases, gridFrequencyHz(this.options.gridSeed, atMs));
    c.reactiveVar = (c.grid.reactivePowerVar as number) ?? 0;
  }
}
