// An Arduino running StandardFirmata on a pty: it greets the host with its protocol version and
// firmware name the moment the host opens the port (as a board reset by DTR does), answers the
// queries firmata-io makes, reports S0 pulse inputs as digital port changes and records relay
// writes, so the gateway's johnny-five code runs against it unmodified. Each time the host
// closes the port the board starts a new session on the same path and greets the next host,
// as an Arduino reset by DTR does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuantityValues } from '../../core/quantities.js';
import type { OpenPtyPairOptions } from '../transports/pty-pair.js';
import { GarbageInjector, PtyLine } from '../transports/serial-line.js';
import { FaultSwitch, ReportedValues } from './faults.js';
import {
  encodeAnalogMapping,
  encodeCapabilities,
  encodeDigitalPort,
  encodeFirmware,
  encodePinState,
  encodeReportVersion,
  FIRMATA,
  HostMessageParser,
  PIN_MODE,
  unoPins,
  type HostMessage,
} from './firmata-protocol.js';
import { S0PulseOutput } from './s0-pulse-output.js';
import type { DeviceContext, DeviceEndpoint, DeviceIdentity, SimulatedDevice } from './simulated-device.js';

type S0Quantity = 'energyImportWh' | 'energyExportWh' | 'pvEnergyWh';

export interface S0PinOptions {
  pin: number;
  pulsesPerKWh: number;
  quantity: S0Quantity;
  /** Clock ms; under an accelerated clock choose it so the real pulse stays ≥ 30 ms. */
  pulseWidthMs?: number;
  minGapMs?: number;
}

export interface FirmataBoardOptions {
  s0: S0PinOptions[];
  relayPins?: number[];
  firmwareName?: string;
  baudRate?: number;
  /** How often idle S0 outputs look at the counters (clock ms). */
  pollMs?: number;
  pty?: OpenPtyPairOptions;
}

interface PinState {
  mode: number;
  /** Output value, or the input level the board sees. */
  value: number;
}

export class FirmataBoard implements SimulatedDevice {
  readonly identity: DeviceIdentity;
  readonly faults = new FaultSwitch();
  private readonly reported: ReportedValues;
  private readonly caps = unoPins();
  private readonly pins: PinState[];
  private readonly reportingPorts = new Set<number>();
  private parser = new HostMessageParser();
  /** Why the board could not start a new session, if it could not. */
  sessionError: Error | undefined;
  private readonly outputs = new Map<number, S0PulseOutput>();
  private readonly garbage: GarbageInjector;
  private samplingIntervalMs = 19;
  /** Relay pin → last written state. */
  readonly relays = new Map<number, boolean>();
  /** Host sessions started (a session ends when the host closes the port). */
  sessions = 0;
  private closing = false;

  private constructor(
    private readonly ctx: DeviceContext,
    private line: PtyLine,
    private readonly options: FirmataBoardOptions,
    private readonly clientLink: string,
    private readonly tempDir: string | undefined,
  ) {
    this.identity = ctx.identity;
    this.reported = new ReportedValues(ctx.truth, this.faults);
    this.pins = this.caps.map(() => ({ mode: PIN_MODE.OUTPUT, value: 0 }));
    this.reset();
    for (const s of options.s0) {
      if (!this.caps[s.pin]?.modes.some(([m]) => m === PIN_MODE.INPUT)) throw new Error(`S0 pin ${s.pin} is not a digital input on this board`);
      const output = new S0PulseOutput({
        clock: ctx.clock,
        readCounterWh: () => this.reported.read()[s.quantity],
        pulsesPerKWh: s.pulsesPerKWh,
        pollMs: options.pollMs,
        ...(s.pulseWidthMs !== undefined ? { pulseWidthMs: s.pulseWidthMs } : {}),
        ...(s.minGapMs !== undefined ? { minGapMs: s.minGapMs } : {}),
        onLevel: (high) => this.onS0Level(s.pin, high),
      });
      this.outputs.set(s.pin, output);
    }
    for (const pin of options.relayPins ?? []) this.relays.set(pin, false);
    this.garbage = new GarbageInjector(ctx.clock, () => [this.faults], (b) => this.line.write(b), () => true, ctx.identity.deviceId);
    this.faults.onChange(() => this.garbage.update());
    this.attach(line);
  }

  /**
   * Opens the pty (the host's end is `endpoint().path`, a stable link in a fresh temp folder
   * unless `pty.clientLink` names one) and starts the S0 outputs.
   */
  static async open(ctx: DeviceContext, options: FirmataBoardOptions): Promise<FirmataBoard> {
    const tempDir = options.pty?.clientLink ? undefined : mkdtempSync(join(tmpdir(), 'nabo-firmata-'));
    const clientLink = options.pty?.clientLink ?? join(tempDir as string, 'tty');
    try {
      const line = await FirmataBoard.openLine(options, clientLink);
      let board: FirmataBoard;
      try {
        board = new FirmataBoard(ctx, line, options, clientLink, tempDir);
      } catch (err) {
        await line.close();
        throw err;
      }
      for (const o of board.outputs.values()) o.start();
      return board;
    } catch (err) {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  private static openLine(options: FirmataBoardOptions, clientLink: string): Promise<PtyLine> {
    return PtyLine.open({ baudRate: options.baudRate ?? 57600, pty: { ...options.pty, clientLink, waitForClient: true, endWithClient: true } });
  }

  private attach(line: PtyLine): void {
    this.line = line;
    this.sessions++;
    line.onData((chunk) => {
      for (const m of this.parser.push(chunk)) this.onHostMessage(m);
    });
    void line.pair.clientOpened.then(() => {
      if (this.line === line) this.announce();
    });
    void line.pair.exited.then(() => this.nextSession(line));
  }

  /** The host closed the port: reset as a board would and wait for the next host on the same path. */
  private async nextSession(ended: PtyLine): Promise<void> {
    if (this.closing || this.line !== ended) return;
    await ended.close();
    if (this.closing) return;
    this.parser = new HostMessageParser();
    this.reset();
    try {
      const line = await FirmataBoard.openLine(this.options, this.clientLink);
      if (this.closing) await line.close();
      else this.attach(line);
    } catch (err) {
      this.sessionError = err instanceof Error ? err : new Error(String(err));
    }
  }

  endpoint(): Extract<DeviceEndpoint, { transport: 'firmata' }> {
    return {
      transport: 'firmata',
      path: this.line.clientPath,
      baudRate: this.line.settings.baudRate,
      s0Pins: this.options.s0.map(({ pin, pulsesPerKWh, quantity }) => ({ pin, pulsesPerKWh, quantity })),
      relayPins: [...this.relays.keys()],
    };
  }

  reportedValues(): QuantityValues {
    return this.reported.read();
  }

  /** Pulses each S0 pin has started. */
  pulseCounts(): Map<number, number> {
    return new Map([...this.outputs].map(([pin, o]) => [pin, o.pulses]));
  }

  /** Pulses the energy so far calls for that have not gone out yet, over all S0 pins. */
  owedPulses(): number {
    let n = 0;
    for (const o of this.outputs.values()) n += o.owed() + (o.level ? 1 : 0);
    return n;
  }

  /** The next clock instant an S0 output acts, for stepping a simulated clock edge by edge. */
  nextWakeAtMs(): number | undefined {
    let next: number | undefined;
    for (const o of this.outputs.values()) {
      const t = o.nextWakeAtMs();
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  get samplingInterval(): number {
    return this.samplingIntervalMs;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const o of this.outputs.values()) o.stop();
    this.garbage.stop();
    await this.line.close();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private send(bytes: Uint8Array): void {
    if (this.faults.has('no-answer')) return;
    const late = this.faults.get('late-answer');
    if (late && late.delayMs > 0) this.ctx.clock.setTimeout(() => this.line.write(bytes), late.delayMs);
    else this.line.write(bytes);
  }

  private announce(): void {
    this.send(encodeReportVersion());
    this.send(encodeFirmware(this.options.firmwareName ?? 'StandardFirmata.ino'));
  }

  private reset(): void {
    // StandardFirmata's systemResetCallback: analog pins analog, the rest digital outputs, reporting off.
    this.caps.forEach((cap, pin) => {
      const p = this.pins[pin] as PinState;
      p.mode = cap.analogChannel !== undefined ? PIN_MODE.ANALOG : PIN_MODE.OUTPUT;
      // A reset drops the outputs, so a relay opens, unless it is stuck.
      p.value = this.relayStuck(pin) ? (this.relays.get(pin) ? 1 : 0) : 0;
      if (this.relays.has(pin)) this.relayLevel(pin, p.value === 1);
    });
    this.reportingPorts.clear();
  }

  private relayStuck(pin: number): boolean {
    const stuck = this.faults.get('stuck-relay');
    return stuck !== undefined && this.relays.has(pin) && (stuck.pin === undefined || stuck.pin === pin);
  }

  /** Tells the physics when a relay changes state (the load it switches turns on or off). */
  private relayLevel(pin: number, on: boolean): void {
    if (this.relays.get(pin) === on) return;
    this.relays.set(pin, on);
    this.ctx.onSetpoint?.({ kind: 'relay', deviceId: this.identity.deviceId, atMs: this.ctx.clock.now(), pin, on });
  }

  /** The level an input pin reads: S0 is an open collector, so a pull-up reads low during a pulse. */
  private inputLevel(pin: number): number {
    const high = this.outputs.get(pin)?.level ?? false;
    return (this.pins[pin]?.mode === PIN_MODE.PULLUP ? !high : high) ? 1 : 0;
  }

  private portValue(port: number): number {
    let v = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      const p = this.pins[pin];
      if (!p) break;
      const isInput = p.mode === PIN_MODE.INPUT || p.mode === PIN_MODE.PULLUP;
      if ((isInput ? this.inputLevel(pin) : p.value) !== 0) v |= 1 << bit;
    }
    return v;
  }

  private onS0Level(pin: number, _high: boolean): void {
    const port = pin >> 3;
    const p = this.pins[pin] as PinState;
    const isInput = p.mode === PIN_MODE.INPUT || p.mode === PIN_MODE.PULLUP;
    if (isInput && this.reportingPorts.has(port)) this.send(encodeDigitalPort(port, this.portValue(port)));
  }

  private writeOutput(pin: number, value: number): void {
    const p = this.pins[pin];
    if (!p || p.mode !== PIN_MODE.OUTPUT) return;
    // A stuck relay (welded contact, dead driver) keeps its state whatever the host writes.
    if (this.relayStuck(pin)) return;
    p.value = value ? 1 : 0;
    if (this.relays.has(pin)) this.relayLevel(pin, p.value === 1);
  }

  private onHostMessage(m: HostMessage): void {
    switch (m.kind) {
      case 'report-version':
        this.send(encodeReportVersion());
        return;
      case 'system-reset':
        this.reset();
        return;
      case 'set-pin-mode': {
        const p = this.pins[m.pin];
        if (p && this.caps[m.pin]?.modes.some(([mode]) => mode === m.mode)) p.mode = m.mode;
        return;
      }
      case 'set-digital-pin':
        this.writeOutput(m.pin, m.value);
        return;
      case 'digital-port':
        for (let bit = 0; bit < 8; bit++) this.writeOutput(m.port * 8 + bit, (m.mask >> bit) & 1);
        return;
      case 'report-digital':
        if (m.enable) {
          this.reportingPorts.add(m.port);
          this.send(encodeDigitalPort(m.port, this.portValue(m.port)));
        } else this.reportingPorts.delete(m.port);
        return;
      case 'analog-write':
      case 'report-analog':
        return;
      case 'sysex':
        this.onSysex(m.command, m.data);
        return;
    }
  }

  private onSysex(command: number, data: number[]): void {
    switch (command) {
      case FIRMATA.REPORT_FIRMWARE:
        this.send(encodeFirmware(this.options.firmwareName ?? 'StandardFirmata.ino'));
        return;
      case FIRMATA.CAPABILITY_QUERY:
        this.send(encodeCapabilities(this.caps));
        return;
      case FIRMATA.ANALOG_MAPPING_QUERY:
        this.send(encodeAnalogMapping(this.caps));
        return;
      case FIRMATA.PIN_STATE_QUERY: {
        const pin = data[0];
        const p = pin === undefined ? undefined : this.pins[pin];
        if (pin === undefined || !p) return;
        const isInput = p.mode === PIN_MODE.INPUT || p.mode === PIN_MODE.PULLUP;
        // For inputs the state is the pull-up; for outputs the value last written.
        this.send(encodePinState(pin, p.mode, isInput ? (p.mode === PIN_MODE.PULLUP ? 1 : 0) : p.value));
        return;
      }
      case FIRMATA.SAMPLING_INTERVAL:
        if (data.length >= 2) this.samplingIntervalMs = (data[0] as number) | ((data[1] as number) << 7);
        return;
      default:
        return;
    }
  }
}
