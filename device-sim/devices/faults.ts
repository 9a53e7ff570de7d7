// Per-device fault switch and the value-level faults (frozen values, counter reset), shared by
// every transport so a fault means the same thing on TCP, RTU, HAN, P1 and Firmata.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import type { DeviceFault, DeviceFaultKind, FaultSwitchLike, TruthSource } from './simulated-device.js';

const COUNTERS: readonly Quantity[] = [
  'energyImportWh',
  'energyExportWh',
  'reactiveEnergyImportVarh',
  'reactiveEnergyExportVarh',
  'pvEnergyWh',
  'heatEnergyWh',
  'gasM3',
  'waterM3',
];

export const MODBUS_EXCEPTION_CODES = [1, 2, 3, 4, 5, 6, 8, 10, 11] as const;

function validate(fault: DeviceFault): void {
  switch (fault.kind) {
    case 'late-answer':
      if (!(fault.delayMs >= 0 && Number.isFinite(fault.delayMs))) throw new Error(`late-answer: delayMs must be >= 0, got ${fault.delayMs}`);
      break;
    case 'exception':
      if (!(MODBUS_EXCEPTION_CODES as readonly number[]).includes(fault.code)) throw new Error(`exception: code ${fault.code} is not a Modbus exception code`);
      break;
    case 'garbage':
      if (!(fault.bytes > 0 && fault.bytes <= 4096 && fault.everyMs > 0)) throw new Error('garbage: bytes in 1..4096 and everyMs > 0 required');
      break;
    case 'slow-ramp':
      if (!(fault.fraction > 0 && fault.fraction <= 1)) throw new Error(`slow-ramp: fraction must be in (0, 1], got ${fault.fraction}`);
      break;
    case 'stuck-relay':
      if (fault.pin !== undefined && !(Number.isInteger(fault.pin) && fault.pin >= 0 && fault.pin <= 127)) throw new Error(`stuck-relay: pin must be 0..127, got ${fault.pin}`);
      break;
    case 'clock-skew':
      if (!Number.isFinite(fault.skewMs)) throw new Error('clock-skew: skewMs must be finite');
      break;
    default:
      break;
  }
}

type Listener = (kind: DeviceFaultKind, fault: DeviceFault | undefined) => void;

/** The faults one device shows now; at most one of each kind. */
export class FaultSwitch implements FaultSwitchLike {
  private readonly active = new Map<DeviceFaultKind, DeviceFault>();
  private readonly listeners = new Set<Listener>();

  set(fault: DeviceFault): void {
    validate(fault);
    this.active.set(fault.kind, { ...fault });
    for (const l of this.listeners) l(fault.kind, fault);
  }

  /** Clears one kind, or all faults without an argument. */
  clear(kind?: DeviceFaultKind): void {
    const kinds = kind ? [kind] : [...this.active.keys()];
    for (const k of kinds) {
      if (!this.active.delete(k)) continue;
      for (const l of this.listeners) l(k, undefined);
    }
  }

  get<K extends DeviceFaultKind>(kind: K): Extract<DeviceFault, { kind: K }> | undefined {
    return this.active.get(kind) as Extract<DeviceFault, { kind: K }> | undefined;
  }

  has(kind: DeviceFaultKind): boolean {
    return this.active.has(kind);
  }

  list(): DeviceFault[] {
    return [...this.active.values()].map((f) => ({ ...f }));
  }

  /** Called with the fault when set, with undefined when cleared; returns an unsubscribe. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * The values a device reports: the truth, unless frozen (held at the instant the fault was set)
 * or after a counter reset (counters count from zero since the reset). Clearing counter-reset
 * gives the true counters back, so a test can switch it off and on again.
 */
export class ReportedValues {
  private frozen: QuantityValues | undefined;
  private counterOffsets: QuantityValues | undefined;

  constructor(
    private readonly truth: TruthSource,
    private readonly faults: FaultSwitch,
  ) {
    faults.onChange((kind, fault) => {
      if (kind === 'frozen-values') this.frozen = fault ? this.read() : undefined;
      if (kind === 'counter-reset') this.counterOffsets = fault ? this.countersNow() : undefined;
    });
  }

  read(): QuantityValues {
    if (this.frozen) return { ...this.frozen };
    const values = { ...this.truth() };
    const offsets = this.counterOffsets;
    if (offsets) {
      for (const q of COUNTERS) {
        const v = values[q];
        const o = offsets[q];
        if (v !== undefined && o !== undefined) values[q] = Math.max(0, v - o);
      }
    }
    return values;
  }

  private countersNow(): QuantityValues {
    const t = this.truth();
    const out: QuantityValues = {};
    for (const q of COUNTERS) if (t[q] !== undefined) out[q] = t[q];
    return out;
  }
}
