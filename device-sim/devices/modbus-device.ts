// One simulated Modbus device (a unit id on a TCP port or an RTU bus): answers requests from a
// register image rebuilt from the truth as the shared clock moves, accepts writes to holding
// registers and reports them as setpoints. Transport-level faults (no answer, late answer,
// dropped connections, CRC errors) are applied by the transport; this class answers the PDU.
import type { ModbusRequest, ModbusResponse } from '../../protocols/modbus/pdu.js';
import type { QuantityValues } from '../../core/quantities.js';
import { FaultSwitch, ReportedValues } from './faults.js';
import type { TimerHandle } from '../../core/clock.js';
import { RegisterImage } from './register-image.js';
import type { DeviceContext, DeviceEndpoint, DeviceIdentity, SetpointWrite, SimulatedDevice } from './simulated-device.js';

export type ModelSetpoint =
  /** `revertAfterS`: the device returns to its own control when no write came for this long (SunSpec InOutWRte_RvrtTms). */
  | { kind: 'battery-power'; batteryPowerW: number; revertAfterS?: number }
  | { kind: 'battery-auto' };

export type WriteOutcome = { ok: true; setpoints: ModelSetpoint[] } | { ok: false; exceptionCode: number };

/** What makes an SDM630 an SDM630: its register image and which writes it takes. */
export interface ModbusDeviceModel {
  readonly name: string;
  buildImage(values: QuantityValues, identity: DeviceIdentity): RegisterImage;
  /**
   * Judges a write of `words` at `address` (holding registers). `image` holds what the client
   * would read now, written words included. Without this hook the device refuses all writes.
   */
  write?(address: number, words: Uint16Array, image: RegisterImage): WriteOutcome;
}

export interface ModbusDeviceOptions {
  unitId: number;
  /** Rebuild the image at most this often (clock ms); 0 rebuilds whenever the clock moved. */
  refreshMs?: number;
  /** A battery's rated power, W: under the slow-ramp fault it moves `fraction` of it per second (default 5000). */
  ratedPowerW?: number;
}

/** Steps of a slow ramp, clock ms: the battery reports a new power once a second as it moves. */
const RAMP_STEP_MS = 1000;

const ILLEGAL_FUNCTION = 1;
const ILLEGAL_DATA_ADDRESS = 2;

export class ModbusDevice implements SimulatedDevice {
  readonly identity: DeviceIdentity;
  readonly unitId: number;
  readonly faults = new FaultSwitch();
  private readonly reported: ReportedValues;
  private readonly refreshMs: number;
  private image: RegisterImage | undefined;
  private builtAtMs = Number.NEGATIVE_INFINITY;
  /** Accepted writes, laid over every rebuilt image so clients read back what they wrote. */
  private readonly written = new Map<number, number>();
  private where: DeviceEndpoint | undefined;
  private lastSetpoint: string | undefined;
  private revertTimer: TimerHandle | undefined;
  /** The battery power last passed to the physics, and the ramp toward a new setpoint under slow-ramp. */
  private actualW: number | undefined;
  private ramp: { targetW: number; timer: TimerHandle } | undefined;
  /** Times the battery went back to its own control because no write came in time. */
  reverts = 0;
  /**
   * Clock ms of the last write the device accepted, of the write that started the pending revert
   * timer (undefined when none runs), and of the last revert: when the dead-man switch ran out.
   */
  lastWriteAtMs: number | undefined;
  revertArmedAtMs: number | undefined;
  lastRevertAtMs: number | undefined;
  /** Requests answered (not counting those a fault swallowed). */
  answered = 0;

  constructor(
    private readonly ctx: DeviceContext,
    readonly model: ModbusDeviceModel,
    private readonly options: ModbusDeviceOptions,
  ) {
    if (!Number.isInteger(options.unitId) || options.unitId < 0 || options.unitId > 247) {
      throw new RangeError(`unit id ${options.unitId} outside 0..247`);
    }
    this.identity = ctx.identity;
    this.unitId = options.unitId;
    this.refreshMs = options.refreshMs ?? 0;
    this.reported = new ReportedValues(ctx.truth, this.faults);
    // A frozen device keeps its image; force a rebuild when a value fault changes.
    this.faults.onChange((kind, fault) => {
      if (kind === 'frozen-values' || kind === 'counter-reset') this.builtAtMs = Number.NEGATIVE_INFINITY;
      // The inverter recovers: a ramp under way completes at once.
      if (kind === 'slow-ramp' && !fault && this.ramp) this.emit({ kind: 'battery-power', batteryPowerW: this.ramp.targetW });
    });
  }

  endpoint(): DeviceEndpoint {
    if (!this.where) throw new Error(`${this.identity.deviceId}: not attached to a transport yet`);
    return this.where;
  }

  /**
   * The dead-man switch of a storage control: every write restarts it; when it runs out the
   * battery goes back to its own control, as it must when the gateway stops.
   */
  private armRevert(s: ModelSetpoint, atMs: number): void {
    this.ctx.clock.clear(this.revertTimer);
    this.revertTimer = undefined;
    this.revertArmedAtMs = undefined;
    if (s.kind !== 'battery-power' || !s.revertAfterS || s.revertAfterS <= 0) return;
    this.revertArmedAtMs = atMs;
    this.revertTimer = this.ctx.clock.setTimeout(() => {
      this.revertTimer = undefined;
      this.revertArmedAtMs = undefined;
      this.lastSetpoint = JSON.stringify({ kind: 'battery-auto' });
      this.reverts++;
      this.lastRevertAtMs = this.ctx.clock.now();
      this.emit({ kind: 'battery-auto' });
    }, s.revertAfterS * 1000);
  }

  /** Called by the transport that serves this device. */
  attach(endpoint: DeviceEndpoint): void {
    this.where = endpoint;
  }

  reportedValues(): QuantityValues {
    return this.reported.read();
  }

  /** The image a read would see now. */
  currentImage(): RegisterImage {
    const now = this.ctx.clock.now();
    const stale = this.refreshMs === 0 ? now !== this.builtAtMs : now - this.builtAtMs >= this.refreshMs;
    if (!this.image || (stale && !this.faults.has('frozen-values'))) {
      const image = this.model.buildImage(this.reported.read(), this.identity);
      for (const [address, word] of this.written) image.set('holding', address, [word]);
      this.image = image;
      this.builtAtMs = now;
    }
    return this.image;
  }

  /** Answers one request PDU (the exception fault included). */
  handle(request: ModbusRequest): ModbusResponse {
    const fault = this.faults.get('exception');
    if (fault) return { kind: 'exception', functionCode: request.functionCode, exceptionCode: fault.code };
    this.answered++;
    switch (request.kind) {
      case 'read': {
        const table = request.functionCode === 3 ? 'holding' : 'input';
        const words = this.currentImage().read(table, request.address, request.quantity);
        if (typeof words === 'number') return { kind: 'exception', functionCode: request.functionCode, exceptionCode: words };
        return { kind: 'read', functionCode: request.functionCode, registers: words };
      }
      case 'write-single': {
        const code = this.write(request.address, Uint16Array.of(request.value));
        if (code !== undefined) return { kind: 'exception', functionCode: 6, exceptionCode: code };
        return { kind: 'write-single', functionCode: 6, address: request.address, value: request.value };
      }
      case 'write-multiple': {
        const code = this.write(request.address, request.values);
        if (code !== undefined) return { kind: 'exception', functionCode: 16, exceptionCode: code };
        return { kind: 'write-multiple', functionCode: 16, address: request.address, quantity: request.values.length };
      }
      case 'device-id':
        return {
          kind: 'device-id',
          functionCode: 43,
          readDeviceIdCode: request.readDeviceIdCode,
          conformityLevel: 1,
          moreFollows: false,
          nextObjectId: 0,
          objects: [
            { id: 0, value: this.identity.manufacturer ?? 'nabo-sim' },
            { id: 1, value: this.identity.model },
            { id: 2, value: this.identity.meterId },
          ],
        };
    }
  }

  /** Returns an exception code, or undefined when the write was taken. */
  private write(address: number, words: Uint16Array): number | undefined {
    const image = this.currentImage();
    for (let i = 0; i < words.length; i++) {
      if (!image.has('holding', address + i)) return ILLEGAL_DATA_ADDRESS;
    }
    if (!this.model.write) return ILLEGAL_FUNCTION;
    const outcome = this.model.write(address, words, image);
    if (!outcome.ok) return outcome.exceptionCode;
    for (let i = 0; i < words.length; i++) this.written.set(address + i, words[i] as number);
    image.set('holding', address, words);
    const atMs = this.ctx.clock.now();
    this.lastWriteAtMs = atMs;
    const deviceId = this.identity.deviceId;
    const raw: SetpointWrite = { kind: 'register', deviceId, atMs, unitId: this.unitId, address, words: [...words] };
    this.ctx.onSetpoint?.(raw);
    // A battery ignoring commands acknowledges them and keeps doing what it did.
    if (this.faults.has('ignore-commands')) return undefined;
    for (const s of outcome.setpoints) {
      this.armRevert(s, atMs);
      // A setpoint re-stated by a follow-up write (rates, then the mode word) is reported once.
      const key = JSON.stringify(s);
      if (key === this.lastSetpoint) continue;
      this.lastSetpoint = key;
      this.emit(s);
    }
    return undefined;
  }

  /**
   * Hands a setpoint to the physics: at once, or under slow-ramp in steps of `fraction` of the
   * rated power per second from where the battery is now (a sluggish inverter).
   */
  private emit(s: ModelSetpoint): void {
    const deviceId = this.identity.deviceId;
    this.ctx.clock.clear(this.ramp?.timer);
    this.ramp = undefined;
    const slow = this.faults.get('slow-ramp');
    if (s.kind === 'battery-auto' || !slow) {
      this.actualW = s.kind === 'battery-power' ? s.batteryPowerW : undefined;
      this.ctx.onSetpoint?.(s.kind === 'battery-power' ? { kind: 'battery-power', deviceId, atMs: this.ctx.clock.now(), batteryPowerW: s.batteryPowerW } : { kind: 'battery-auto', deviceId, atMs: this.ctx.clock.now() });
      return;
    }
    const stepW = slow.fraction * (this.options.ratedPowerW ?? 5000) * (RAMP_STEP_MS / 1000);
    const targetW = s.batteryPowerW;
    const step = (): void => {
      const fromW = this.actualW ?? Number(this.ctx.truth().batteryPowerW ?? 0);
      const nextW = Math.abs(targetW - fromW) <= stepW ? targetW : fromW + Math.sign(targetW - fromW) * stepW;
      this.actualW = nextW;
      this.ctx.onSetpoint?.({ kind: 'battery-power', deviceId, atMs: this.ctx.clock.now(), batteryPowerW: nextW });
      this.ramp = nextW === targetW ? undefined : { targetW, timer: this.ctx.clock.setTimeout(step, RAMP_STEP_MS) };
    };
    step();
  }
}
