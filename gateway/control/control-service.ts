// Control as a service: every period each battery nabo may steer gets a setpoint that holds the
// building's grid exchange at what it traded (zero without a trade), cut to its safety limits,
// written with the device's revert timeout so the battery falls back to its own control when
// nabo stops. Stale measurements put control into safe mode (the battery is handed back);
// a battery that does not follow its setpoint raises an alarm; held devices are left alone.
import { releaseStorage124, storageSetpoint124 } from '../../protocols/sunspec/writes.js';
import type { DecodedModel } from '../../protocols/sunspec/decode-model.js';
import type { LatestReading } from '../acquisition/acquisition.js';
import type { SunSpecDevice } from '../acquisition/sunspec-device.js';
import type { DeviceConfig } from '../config/schema.js';
import type { Service, ServiceContext } from '../services/service.js';
import { batteryTarget } from './battery-target.js';
import { readHolds } from './holds.js';
import { safeSetpoint, type LimitReason } from './safety.js';

export interface ControlTarget {
  /** The exchange traded for the interval as average power, > 0 importing. */
  targetGridW: number;
  /** The plan's battery power, when a plan is final. */
  plannedW?: number;
  /** Set the battery to this (W, > 0 discharging) instead of steering the exchange: the plan, when no interval is final. */
  batteryW?: number;
}

export interface ControlServiceOptions {
  /** The running acquisition's SunSpec devices by id, and its latest values. */
  sunspecDevice: (deviceId: string) => SunSpecDevice | undefined;
  latest: () => readonly LatestReading[];
  /** What the market and the plan want now; without it the building aims at zero exchange. */
  target?: (atMs: number) => ControlTarget | undefined;
  /** How often control acts (default: every 10 s, or at the steered batteries' fast poll when slower). */
  periodMs?: number;
  /** Measurements older than this put control into safe mode (default 3 × the battery's fast poll, at least 30 s). */
  staleAfterMs?: number;
  /** A battery off its setpoint by more than max(200 W, 10 %) for this long raises an alarm (default 60 s). */
  followTimeoutMs?: number;
  /** The connection's cap (config site.connectionCapW): the battery never takes the grid exchange past it. */
  connectionCapW?: number;
}

type Mode = 'auto' | 'held' | 'safe' | 'steering' | 'unsupported';

interface BatteryState {
  config: DeviceConfig;
  mode: Mode;
  setpointW: number;
  setAtMs: number | null;
  limitedBy: LimitReason[];
  offSinceMs: number | null;
  notFollowing: boolean;
  model124: DecodedModel | undefined;
  detail: string | null;
}

export class ControlService implements Service {
  readonly name = 'control';
  private readonly batteries = new Map<string, BatteryState>();
  private ctx: ServiceContext | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ControlServiceOptions) {}

  start(ctx: ServiceContext): void {
    this.ctx = ctx;
    for (const d of ctx.config.devices.filter((x) => x.capabilities.includes('battery-setpoint'))) {
      this.batteries.set(d.id, { config: d, mode: 'auto', setpointW: 0, setAtMs: null, limitedBy: [], offSinceMs: null, notFollowing: false, model124: undefined, detail: null });
    }
    if (this.batteries.size === 0) return;
    // A round acts on fresh measurements: between two polls of a battery it would write the same
    // setpoint from the same values. So every 10 s, or at the battery's poll when that is slower.
    const periodMs = this.options.periodMs ?? Math.max(10_000, Math.min(...[...this.batteries.values()].map((b) => b.config.poll.fastMs)));
    ctx.clock.setInterval(() => {
      // One round at a time: a slow bus must not stack writes.
      if (this.running) return;
      this.running = this.round(ctx).finally(() => (this.running = undefined));
    }, periodMs);
    ctx.status.provide('control', () => this.status());
  }

  status(): Array<Record<string, unknown>> {
    return [...this.batteries.values()].map((b) => ({
      deviceId: b.config.id,
      mode: b.mode,
      setpointW: b.setpointW,
      setAt: b.setAtMs === null ? null : new Date(b.setAtMs).toISOString(),
      limitedBy: b.limitedBy,
      notFollowing: b.notFollowing,
      detail: b.detail,
    }));
  }

  /** One control round for every battery; errors are per battery, counted in its state. */
  async round(ctx: ServiceContext): Promise<void> {
    const holds = readHolds(ctx.config.gateway.dataDir);
    if (!holds.ok) ctx.log.warn(holds.error);
    for (const b of this.batteries.values()) {
      try {
        await this.steer(ctx, b, holds.ok ? b.config.id in holds.holds : true);
      } catch (err) {
        b.detail = (err as Error).message;
        ctx.log.warn({ deviceId: b.config.id, err }, `control write failed: ${b.detail}`);
      }
    }
  }

  private async steer(ctx: ServiceContext, b: BatteryState, held: boolean): Promise<void> {
    const device = this.options.sunspecDevice(b.config.id);
    if (!device) {
      b.mode = 'unsupported';
      b.detail = 'only SunSpec batteries (model 124) can be steered so far';
      return;
    }
    const now = ctx.clock.now();
    if (held) return this.handBack(ctx, b, device, 'held', 'held by an installer or owner (nabo control hold)');
    const latest = this.options.latest();
    const battery = latest.find((r) => r.deviceId === b.config.id);
    const grid = latest.find((r) => r.deviceId === ctx.config.devices.find((d) => d.role === 'grid-meter')?.id);
    const staleAfter = this.options.staleAfterMs ?? Math.max(30_000, 3 * b.config.poll.fastMs);
    const fresh = (r: LatestReading | undefined): boolean => r !== undefined && now - r.atMs <= staleAfter;
    const soc = battery?.values.socPercent;
    const batteryW = battery?.values.batteryPowerW;
    const gridW = grid?.values.powerW;
    if (!fresh(battery) || !fresh(grid) || soc === undefined || batteryW === undefined || gridW === undefined) {
      return this.handBack(ctx, b, device, 'safe', 'measurements are stale or missing: battery handed back to its own control');
    }
    this.checkFollowing(ctx, b, batteryW, now);
    const target = this.options.target?.(now);
    const requestedW = target?.batteryW ?? batteryTarget({ gridW, batteryW, targetGridW: target?.targetGridW ?? 0 });
    const limits = b.config.limits;
    if (!limits || limits.maxChargeW === undefined || limits.maxDischargeW === undefined) throw new Error('battery-setpoint without limits (the config check requires them)');
    const safe = safeSetpoint({
      requestedW,
      limits: { maxChargeW: limits.maxChargeW, maxDischargeW: limits.maxDischargeW, minSocPercent: limits.minSocPercent, maxSocPercent: limits.maxSocPercent, ...(limits.rampWPerS !== undefined ? { rampWPerS: limits.rampWPerS } : {}) },
      socPercent: soc,
      previousW: b.mode === 'steering' ? b.setpointW : batteryW,
      elapsedS: b.setAtMs === null ? Infinity : (now - b.setAtMs) / 1000,
      batteryW,
      gridW,
      ...(this.options.connectionCapW !== undefined ? { connectionCapW: this.options.connectionCapW } : {}),
    });
    b.model124 ??= await device.readModel(124);
    if (!b.model124) {
      b.mode = 'unsupported';
      b.detail = 'the battery has no SunSpec model 124 (storage controls)';
      return;
    }
    const writes = storageSetpoint124(b.model124, safe.powerW, { revertAfterS: limits.revertTimeoutS });
    if (!writes.ok) throw new Error(`${writes.error.kind}: ${writes.error.detail}`);
    await device.write(writes.value);
    if (b.mode !== 'steering' || b.setpointW !== safe.powerW) b.offSinceMs = null;
    b.mode = 'steering';
    b.setpointW = safe.powerW;
    b.setAtMs = now;
    b.limitedBy = safe.limitedBy;
    b.detail = null;
  }

  /** Alarm once when the battery stays off its setpoint beyond the follow timeout; clear when it follows. */
  private checkFollowing(ctx: ServiceContext, b: BatteryState, batteryW: number, now: number): void {
    if (b.mode !== 'steering' || b.setAtMs === null) return;
    const off = Math.abs(batteryW - b.setpointW) > Math.max(200, 0.1 * Math.abs(b.setpointW));
    if (!off) {
      b.offSinceMs = null;
      if (b.notFollowing) {
        b.notFollowing = false;
        ctx.events.emit('alarm', { code: 'battery-not-following', severity: 'info', message: `${b.config.id} follows its setpoint again`, atMs: now, deviceId: b.config.id, cleared: true });
      }
      return;
    }
    b.offSinceMs ??= b.setAtMs;
    if (!b.notFollowing && now - b.offSinceMs >= (this.options.followTimeoutMs ?? 60_000)) {
      b.notFollowing = true;
      ctx.events.emit('alarm', { code: 'battery-not-following', severity: 'warning', message: `${b.config.id} runs at ${Math.round(batteryW)} W against a setpoint of ${b.setpointW} W`, atMs: now, deviceId: b.config.id, details: { setpointW: b.setpointW, batteryW } });
    }
  }

  private async handBack(ctx: ServiceContext, b: BatteryState, device: SunSpecDevice, mode: 'held' | 'safe', why: string): Promise<void> {
    if (b.mode === mode) return;
    // A battery that cannot be reached is safe all the same (its revert timeout hands it back):
    // a failed release must not keep the mode and the alarm from being raised.
    try {
      b.model124 ??= await device.readModel(124);
      if (b.model124) {
        const writes = releaseStorage124(b.model124);
        if (writes.ok) await device.write(writes.value);
      }
    } catch (err) {
      ctx.log.warn({ err, deviceId: b.config.id }, 'could not hand the battery back; its revert timeout will');
    }
    if (mode === 'safe') ctx.events.emit('alarm', { code: 'control-safe-mode', severity: 'warning', message: `${b.config.id}: ${why}`, atMs: ctx.clock.now(), deviceId: b.config.id });
    ctx.log.warn({ deviceId: b.config.id }, why);
    b.mode = mode;
    b.setpointW = 0;
    b.setAtMs = null;
    b.offSinceMs = null;
    b.detail = why;
  }

  async stop(): Promise<void> {
    await this.running;
    // Hand every steered battery back; the revert timeout covers a stop that cannot write.
    const ctx = this.ctx;
    for (const b of this.batteries.values()) {
      if (b.mode !== 'steering' || !b.model124 || !ctx) continue;
      const device = this.options.sunspecDevice(b.config.id);
      const writes = releaseStorage124(b.model124);
      if (device && writes.ok) await device.write(writes.value).catch((err: unknown) => ctx.log.warn({ err, deviceId: b.config.id }, 'could not hand the battery back; its revert timeout will'));
    }
    this.batteries.clear();
  }
}
