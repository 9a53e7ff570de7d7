// Several simulated Modbus devices on one RS-485 line, stood in for by a pty pair. Requests are
// cut from the byte stream by their expected length (the function code tells it), with the
// 3.5-character silence as the fallback that clears a partial or unknown frame; answers can be
// held back by their time on the wire at the configured baud rate, as on a real line.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { hasValidModbusCrc } from '../../protocols/checksums/crc16-modbus.js';
import { decodeRtuRequest, encodeRtuResponse, rtuRequestFrameLength } from '../../protocols/modbus/rtu.js';
import type { ModbusDevice } from '../devices/modbus-device.js';
import type { OpenPtyPairOptions } from './pty-pair.js';
import { charTimeMs } from '../../core/serial-timing.js';
import { GarbageInjector, PtyLine, lineSilenceMs, type LineSettings } from './serial-line.js';

export interface ModbusRtuBusOptions extends LineSettings {
  clock: Clock;
  /** Hold each answer back by its time on the wire (and the turnaround silence). */
  lineTiming?: boolean;
  pty?: OpenPtyPairOptions;
}

export interface ModbusRtuBusStats {
  requests: number;
  answered: number;
  /** Requests for a unit that is not on the bus, or that a fault swallowed. */
  unanswered: number;
  /** Bytes thrown away: bad CRC, unknown function, partial frames cut by silence. */
  discardedBytes: number;
}

const ILLEGAL_FUNCTION = 1;
/** Longest frame (256) plus room for noise in front of it. */
const MAX_BUFFERED = 512;

/** The first offset from `from` where a whole request with a valid CRC starts. */
function findFrameStart(buffer: Uint8Array, from: number): number | undefined {
  for (let i = from; i + 4 <= buffer.length; i++) {
    const rest = buffer.subarray(i);
    const length = rtuRequestFrameLength(rest);
    if (typeof length === 'number' && length <= rest.length && hasValidModbusCrc(rest.subarray(0, length))) return i;
  }
  return undefined;
}
const ILLEGAL_DATA_VALUE = 3;

export class ModbusRtuBus {
  private readonly devices = new Map<number, ModbusDevice>();
  private buffer: Uint8Array = new Uint8Array(0);
  private silenceTimer: TimerHandle | undefined;
  /** Clock time until which the line carries our answer; garbage waits for it. */
  private busyUntilMs = 0;
  private readonly garbage: GarbageInjector;
  readonly stats: ModbusRtuBusStats = { requests: 0, answered: 0, unanswered: 0, discardedBytes: 0 };

  private constructor(
    private readonly line: PtyLine,
    private readonly options: ModbusRtuBusOptions,
  ) {
    const clock = options.clock;
    this.garbage = new GarbageInjector(
      clock,
      () => [...this.devices.values()].map((d) => d.faults),
      (bytes) => line.write(bytes),
      () => clock.now() >= this.busyUntilMs,
      line.clientPath,
    );
    line.onData((chunk) => this.receive(chunk));
  }

  static async open(options: ModbusRtuBusOptions): Promise<ModbusRtuBus> {
    return new ModbusRtuBus(await PtyLine.open({ ...options }), options);
  }

  /** The path a client (gateway, mbpoll) opens. */
  get clientPath(): string {
    return this.line.clientPath;
  }

  /** Bytes received that do not make a whole request yet. */
  get buffered(): number {
    return this.buffer.length;
  }

  add(device: ModbusDevice): void {
    if (device.unitId === 0) throw new Error('unit id 0 is the broadcast address');
    if (this.devices.has(device.unitId)) throw new Error(`unit id ${device.unitId} is taken on this bus`);
    this.devices.set(device.unitId, device);
    device.faults.onChange(() => this.garbage.update());
    device.attach({
      transport: 'modbus-rtu',
      path: this.clientPath,
      baudRate: this.options.baudRate,
      parity: this.options.parity ?? 'none',
      dataBits: 8,
      stopBits: this.options.stopBits ?? 1,
      unitId: device.unitId,
    });
  }

  async close(): Promise<void> {
    this.garbage.stop();
    this.options.clock.clear(this.silenceTimer);
    await this.line.close();
  }

  private receive(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    this.cut();
    const clock = this.options.clock;
    clock.clear(this.silenceTimer);
    this.silenceTimer = this.buffer.length > 0 ? clock.setTimeout(() => this.onSilence(), lineSilenceMs(this.options)) : undefined;
  }

  /** Takes every whole request off the front of the buffer, skipping bytes that start none. */
  private cut(): void {
    for (;;) {
      const length = rtuRequestFrameLength(this.buffer);
      if (typeof length === 'number' && length <= this.buffer.length && hasValidModbusCrc(this.buffer.subarray(0, length))) {
        const frame = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        this.dispatch(frame);
        continue;
      }
      // The front is no whole request: a later valid frame means the bytes before it were noise.
      const skip = findFrameStart(this.buffer, 1);
      if (skip !== undefined) {
        this.stats.discardedBytes += skip;
        this.buffer = this.buffer.subarray(skip);
        continue;
      }
      if (this.buffer.length > MAX_BUFFERED) {
        this.stats.discardedBytes += this.buffer.length - MAX_BUFFERED;
        this.buffer = this.buffer.subarray(this.buffer.length - MAX_BUFFERED);
      }
      return;
    }
  }

  /** A silence ends whatever is in the buffer: a whole unknown-function frame gets exception 1. */
  private onSilence(): void {
    this.silenceTimer = undefined;
    const rest = this.buffer;
    this.buffer = new Uint8Array(0);
    if (rest.length >= 4 && rest.length <= 256 && hasValidModbusCrc(rest)) {
      this.dispatch(rest);
      return;
    }
    this.stats.discardedBytes += rest.length;
  }

  private dispatch(frame: Uint8Array): void {
    this.stats.requests++;
    const unitId = frame[0] as number;
    const decoded = decodeRtuRequest(frame);
    const targets = unitId === 0 ? [...this.devices.values()] : [this.devices.get(unitId)].filter((d) => d !== undefined);
    if (targets.length === 0) {
      this.stats.unanswered++;
      return;
    }
    for (const device of targets) {
      if (device.faults.has('no-answer')) {
        this.stats.unanswered++;
        continue;
      }
      const response = decoded.ok
        ? device.handle(decoded.value.request)
        : {
            kind: 'exception' as const,
            functionCode: (frame[1] as number) & 0x7f,
            exceptionCode: decoded.error.kind === 'unexpected-function' ? ILLEGAL_FUNCTION : ILLEGAL_DATA_VALUE,
          };
      // Broadcasts are carried out and never answered.
      if (unitId === 0) continue;
      const bytes = encodeRtuResponse(unitId, response);
      if (device.faults.has('crc-error')) bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xa5;
      this.send(bytes, device.faults.get('late-answer')?.delayMs ?? 0);
    }
  }

  private send(bytes: Uint8Array, extraDelayMs: number): void {
    this.stats.answered++;
    const clock = this.options.clock;
    const wireMs = this.options.lineTiming ? lineSilenceMs(this.options) + bytes.length * charTimeMs(this.options) : 0;
    this.busyUntilMs = Math.max(this.busyUntilMs, clock.now() + extraDelayMs + wireMs);
    const delayMs = extraDelayMs + wireMs;
    if (delayMs <= 0) this.line.write(bytes);
    else clock.setTimeout(() => this.line.write(bytes), delayMs);
  }
}
