// The board's side of the Firmata protocol (StandardFirmata 2.5): the messages a host sends,
// cut from the byte stream, and the answers a board gives. Written here because the field's
// libraries (firmata-io, johnny-five) only implement the host side.

export const FIRMATA = {
  DIGITAL_MESSAGE: 0x90,
  ANALOG_MESSAGE: 0xe0,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  START_SYSEX: 0xf0,
  SET_PIN_MODE: 0xf4,
  SET_DIGITAL_PIN_VALUE: 0xf5,
  END_SYSEX: 0xf7,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
  // sysex commands
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  REPORT_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

export const PIN_MODE = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, I2C: 6, PULLUP: 0x0b } as const;

export const PROTOCOL_VERSION = { major: 2, minor: 5 } as const;

/** A message from the host, as the board acts on it. */
export type HostMessage =
  | { kind: 'report-version' }
  | { kind: 'system-reset' }
  | { kind: 'set-pin-mode'; pin: number; mode: number }
  | { kind: 'set-digital-pin'; pin: number; value: number }
  | { kind: 'digital-port'; port: number; mask: number }
  | { kind: 'analog-write'; pin: number; value: number }
  | { kind: 'report-analog'; channel: number; enable: boolean }
  | { kind: 'report-digital'; port: number; enable: boolean }
  | { kind: 'sysex'; command: number; data: number[] };

/** Sysex messages longer than this are dropped (a host never sends one this long to a board). */
const MAX_SYSEX = 1024;

function fixedLength(command: number): number | undefined {
  if (command >= 0x80 && command < 0xf0) {
    const high = command & 0xf0;
    return high === FIRMATA.REPORT_ANALOG || high === FIRMATA.REPORT_DIGITAL ? 2 : 3;
  }
  if (command === FIRMATA.SET_PIN_MODE || command === FIRMATA.SET_DIGITAL_PIN_VALUE) return 3;
  if (command === FIRMATA.REPORT_VERSION || command === FIRMATA.SYSTEM_RESET) return 1;
  return undefined;
}

/** Cuts host messages from a byte stream; a stray data byte or unknown command is skipped. */
export class HostMessageParser {
  private buf: number[] = [];
  skippedBytes = 0;

  push(chunk: Uint8Array): HostMessage[] {
    const out: HostMessage[] = [];
    for (const byte of chunk) {
      if (byte & 0x80) {
        // A command byte always starts a new message, except END_SYSEX closing a sysex.
        if (this.buf[0] === FIRMATA.START_SYSEX && byte === FIRMATA.END_SYSEX) {
          const [, command, ...data] = this.buf;
          this.buf = [];
          if (command !== undefined) out.push({ kind: 'sysex', command, data });
          continue;
        }
        this.skippedBytes += this.buf.length;
        this.buf = [byte];
      } else {
        if (this.buf.length === 0) {
          this.skippedBytes++;
          continue;
        }
        this.buf.push(byte);
        if (this.buf[0] === FIRMATA.START_SYSEX && this.buf.length > MAX_SYSEX) {
          this.skippedBytes += this.buf.length;
          this.buf = [];
          continue;
        }
      }
      const first = this.buf[0] as number;
      if (first === FIRMATA.START_SYSEX) continue;
      const length = fixedLength(first);
      if (length === undefined) {
        this.skippedBytes += this.buf.length;
        this.buf = [];
        continue;
      }
      if (this.buf.length === length) {
        out.push(decodeFixed(this.buf));
        this.buf = [];
      }
    }
    return out;
  }
}

function decodeFixed(m: number[]): HostMessage {
  const [c, a = 0, b = 0] = m as [number, number?, number?];
  if (c === FIRMATA.REPORT_VERSION) return { kind: 'report-version' };
  if (c === FIRMATA.SYSTEM_RESET) return { kind: 'system-reset' };
  if (c === FIRMATA.SET_PIN_MODE) return { kind: 'set-pin-mode', pin: a, mode: b };
  if (c === FIRMATA.SET_DIGITAL_PIN_VALUE) return { kind: 'set-digital-pin', pin: a, value: b };
  const channel = c & 0x0f;
  switch (c & 0xf0) {
    case FIRMATA.DIGITAL_MESSAGE:
      return { kind: 'digital-port', port: channel, mask: a | (b << 7) };
    case FIRMATA.ANALOG_MESSAGE:
      return { kind: 'analog-write', pin: channel, value: a | (b << 7) };
    case FIRMATA.REPORT_ANALOG:
      return { kind: 'report-analog', channel, enable: a !== 0 };
    default:
      return { kind: 'report-digital', port: channel, enable: a !== 0 };
  }
}

// Board → host encoders.

export function encodeReportVersion(): Uint8Array {
  return Uint8Array.of(FIRMATA.REPORT_VERSION, PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor);
}

/** REPORT_FIRMWARE: version, then the name as 7-bit pairs (LSB, MSB) per character. */
export function encodeFirmware(name: string, major: number = PROTOCOL_VERSION.major, minor: number = PROTOCOL_VERSION.minor): Uint8Array {
  const bytes = [FIRMATA.START_SYSEX, FIRMATA.REPORT_FIRMWARE, major, minor];
  for (const ch of Buffer.from(name, 'latin1')) bytes.push(ch & 0x7f, (ch >> 7) & 0x7f);
  bytes.push(FIRMATA.END_SYSEX);
  return Uint8Array.from(bytes);
}

export interface PinCapability {
  /** (mode, resolution in bits) pairs. */
  modes: Array<[number, number]>;
  /** Analog channel, or undefined for a purely digital pin. */
  analogChannel?: number;
}

export function encodeCapabilities(pins: readonly PinCapability[]): Uint8Array {
  const bytes: number[] = [FIRMATA.START_SYSEX, FIRMATA.CAPABILITY_RESPONSE];
  for (const p of pins) {
    for (const [mode, bits] of p.modes) bytes.push(mode, bits);
    bytes.push(0x7f);
  }
  bytes.push(FIRMATA.END_SYSEX);
  return Uint8Array.from(bytes);
}

export function encodeAnalogMapping(pins: readonly PinCapability[]): Uint8Array {
  return Uint8Array.from([FIRMATA.START_SYSEX, FIRMATA.ANALOG_MAPPING_RESPONSE, ...pins.map((p) => p.analogChannel ?? 0x7f), FIRMATA.END_SYSEX]);
}

/** PIN_STATE_RESPONSE: pin, mode, state as 7-bit groups, least significant first. */
export function encodePinState(pin: number, mode: number, state: number): Uint8Array {
  const bytes = [FIRMATA.START_SYSEX, FIRMATA.PIN_STATE_RESPONSE, pin, mode, state & 0x7f];
  let rest = state >>> 7;
  while (rest > 0) {
    bytes.push(rest & 0x7f);
    rest >>>= 7;
  }
  bytes.push(FIRMATA.END_SYSEX);
  return Uint8Array.from(bytes);
}

export function encodeDigitalPort(port: number, value: number): Uint8Array {
  return Uint8Array.of(FIRMATA.DIGITAL_MESSAGE | (port & 0x0f), value & 0x7f, (value >> 7) & 0x7f);
}

/** An Arduino Uno as StandardFirmata describes it: 20 pins, 14–19 analog, PWM on 3, 5, 6, 9, 10, 11. */
export function unoPins(): PinCapability[] {
  const pwm = new Set([3, 5, 6, 9, 10, 11]);
  const pins: PinCapability[] = [];
  for (let pin = 0; pin < 20; pin++) {
    // Pins 0 and 1 carry the serial line itself.
    if (pin < 2) {
      pins.push({ modes: [] });
      continue;
    }
    const modes: Array<[number, number]> = [
      [PIN_MODE.INPUT, 1],
      [PIN_MODE.OUTPUT, 1],
      [PIN_MODE.PULLUP, 1],
    ];
    if (pin >= 14) modes.push([PIN_MODE.ANALOG, 10]);
    if (pwm.has(pin)) modes.push([PIN_MODE.PWM, 8]);
    modes.push([PIN_MODE.SERVO, 14]);
    if (pin === 18 || pin === 19) modes.push([PIN_MODE.I2C, 1]);
    pins.push(pin >= 14 ? { modes, analogChannel: pin - 14 } : { modes });
  }
  return pins;
}
