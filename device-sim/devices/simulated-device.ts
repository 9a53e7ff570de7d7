// The contract between the physics (device-sim/physics, fleet) and the devices that speak real
// protocols on real transports (device-sim/devices, transports). Physics owns the truth; a
// device only asks for it (a callback), turns it into bytes with protocols/, and reports back
// what a client wrote to it (setpoints, relays). Faults sit between the truth and the wire.
import type { Clock } from '../../core/clock.js';
import type { QuantityValues } from '../../core/quantities.js';

/** Asked whenever a device refreshes its image or sends a frame: the true values right now. */
export type TruthSource = () => QuantityValues;

/** What a device says about itself (serial number, model), as a real one would. */
export interface DeviceIdentity {
  /** Unique within the fleet, e.g. `b1-h2-meter`. */
  deviceId: string;
  /** The meter id / serial number the device reports (HAN list 2, P1 0-0:96.1.1, SunSpec SN). */
  meterId: string;
  /** The model as the device reports it, e.g. `SDM630`, `6534`, `MA304H3E`. */
  model: string;
  manufacturer?: string;
}

/**
 * A write from a client that the physics should act on. The battery power follows the
 * generator convention of `protocols/quantities.ts`: positive discharges, negative charges.
 */
export type SetpointWrite =
  | { kind: 'battery-power'; deviceId: string; atMs: number; batteryPowerW: number }
  /** The client gave the battery back to its own control (e.g. SunSpec StorCtl_Mod = 0). */
  | { kind: 'battery-auto'; deviceId: string; atMs: number }
  | { kind: 'relay'; deviceId: string; atMs: number; pin: number; on: boolean }
  /** Any other accepted write, raw, so nothing a client does goes unseen. */
  | { kind: 'register'; deviceId: string; atMs: number; unitId: number; address: number; words: number[] };

export type SetpointHandler = (write: SetpointWrite) => void;

/** Faults a device can show, each switchable at run time (see `FaultSwitch`). */
export type DeviceFault =
  /** Requests are read and never answered (Modbus); push meters stop pushing. */
  | { kind: 'no-answer' }
  /** Every answer / frame leaves this much later (clock ms). */
  | { kind: 'late-answer'; delayMs: number }
  /** RTU answers (and pushed HDLC / P1 frames) go out with a broken checksum. */
  | { kind: 'crc-error' }
  /** Modbus requests are answered with this exception code (1 illegal function, 2 address, 3 value, 4 failure, 6 busy). */
  | { kind: 'exception'; code: number }
  /** TCP connections are closed as soon as a request arrives. */
  | { kind: 'drop-connection' }
  /** Values stop following the truth: the image keeps what it held when the fault was set. */
  | { kind: 'frozen-values' }
  /** Energy counters restart from zero at the moment the fault is set (a meter exchange or reset). */
  | { kind: 'counter-reset' }
  /** Random bytes are written on the serial line between frames, `bytes` per burst every `everyMs`. */
  | { kind: 'garbage'; bytes: number; everyMs: number }
  /** A battery acknowledges control writes and does not act on them (firmware in local mode). */
  | { kind: 'ignore-commands' }
  /** A battery moves toward each new setpoint at `fraction` of its rated power per second instead of at once. */
  | { kind: 'slow-ramp'; fraction: number }
  /** A relay output ignores writes and keeps its state: all relay pins, or only `pin`. */
  | { kind: 'stuck-relay'; pin?: number }
  /** The meter's own clock (HAN, P1 timestamps) runs this far from the true time. */
  | { kind: 'clock-skew'; skewMs: number };

export type DeviceFaultKind = DeviceFault['kind'];

/** Where a device can be reached, so a gateway config can be written for it. */
export type DeviceEndpoint =
  | { transport: 'modbus-tcp'; host: string; port: number; unitId: number }
  | {
      transport: 'modbus-rtu';
      /** The client's end of the pty pair. */
      path: string;
      baudRate: number;
      parity: 'none' | 'even' | 'odd';
      dataBits: 8;
      stopBits: 1 | 2;
      unitId: number;
    }
  | { transport: 'han'; path: string; baudRate: number; parity: 'none' | 'even' }
  | { transport: 'dsmr-p1'; path: string; baudRate: number; parity?: 'none' | 'even'; dataBits?: 7 | 8 }
  | {
      transport: 'firmata';
      path: string;
      baudRate: number;
      /** Pins that carry S0 pulses (digital inputs for the client) and what they count. */
      s0Pins: Array<{ pin: number; pulsesPerKWh: number; quantity: 'energyImportWh' | 'energyExportWh' | 'pvEnergyWh' }>;
      relayPins: number[];
    };

/** Everything a device needs from the world around it. */
export interface DeviceContext {
  identity: DeviceIdentity;
  truth: TruthSource;
  clock: Clock;
  onSetpoint?: SetpointHandler;
}

/** A running simulated device: where it listens, its faults, and how to stop it. */
export interface SimulatedDevice {
  readonly identity: DeviceIdentity;
  readonly faults: FaultSwitchLike;
  /** Known once started. */
  endpoint(): DeviceEndpoint;
  /** What the device would send now (after faults such as frozen values and counter reset). */
  reportedValues(): QuantityValues;
}

/** The fault switch as the control API sees it; implemented by `FaultSwitch` in `faults.ts`. */
export interface FaultSwitchLike {
  set(fault: DeviceFault): void;
  clear(kind?: DeviceFaultKind): void;
  get<K extends DeviceFaultKind>(kind: K): Extract<DeviceFault, { kind: K }> | undefined;
  list(): DeviceFault[];
}
