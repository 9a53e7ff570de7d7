// A Firmata board (Arduino running StandardFirmata) through johnny-five: S0 pulse inputs and
// relay outputs. johnny-five drives the board exactly as it would a real one; the pulse edges
// it reports are stamped with the gateway's clock and handed on (protocols/s0 turns them into
// energy and power). The port is reopened with back-off when the board goes away.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SerialPort } from 'serialport';
import { fail, ok, type Result } from '../../core/result.js';
import { RealClock, type Clock } from '../clock/clock.js';
import { ReconnectingLink } from './reconnecting-link.js';

const require = createRequire(import.meta.url);

// johnny-five and firmata-io ship no types: the few members used here.
interface FiveBoard {
  on(event: 'ready' | 'error' | 'close', cb: (arg?: unknown) => void): void;
}
interface FiveButton {
  on(event: 'down' | 'up', cb: () => void): void;
}
interface FiveRelay {
  open(): void;
  close(): void;
}
interface FirmataIo {
  on(event: 'error', cb: (err: unknown) => void): void;
  queryPinState(pin: number, cb: () => void): void;
  readonly pins: ReadonlyArray<{ state?: number } | undefined>;
}
interface Five {
  Board: (new (options: { io: unknown; repl: boolean; debug: boolean; sigint?: boolean; timeout?: number }) => FiveBoard) & { readonly cache: FiveBoard[] };
  Button: new (options: { pin: number; board: FiveBoard; isPullup?: boolean }) => FiveButton;
  Relay: new (options: { pin: number; board: FiveBoard; type?: 'NO' | 'NC' }) => FiveRelay;
}

/** johnny-five reports some errors as log events ({ message }), others as Error objects. */
function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}

export interface FirmataPortOptions {
  id: string;
  path: string;
  baudRate: number;
  /** Pins with an S0 output wired to them. */
  pulsePins: readonly number[];
  relayPins?: readonly number[];
  clock?: Clock;
  /** Every edge of a pulse input, stamped with the clock: 'rising' = pulse starts (input active). */
  onEdge(pin: number, edge: 'rising' | 'falling', atMs: number): void;
  onError?(message: string): void;
}

export class FirmataPort {
  readonly id: string;
  private readonly clock: Clock;
  private readonly link: ReconnectingLink;
  private relays = new Map<number, FiveRelay>();
  /** Pins switched as relays: those of the options and those added later (the relay service's). */
  private readonly relayPins: Set<number>;
  private makeRelay: ((pin: number) => FiveRelay) | undefined;
  private io: FirmataIo | undefined;
  private readonly ioClock = new RealClock();
  private readyWaiters: Array<() => void> = [];
  ready = false;
  /** Pulse edges johnny-five reported (after its debounce), for health and for tests that step a clock. */
  readonly edgesSeen = { rising: 0, falling: 0 };

  constructor(private readonly options: FirmataPortOptions) {
    this.id = options.id;
    this.clock = options.clock ?? new RealClock();
    this.relayPins = new Set(options.relayPins ?? []);
    this.link = new ReconnectingLink(
      (cb) =>
        new Promise((resolve, reject) => {
          const five = require('johnny-five') as Five;
          const { Firmata } = require('firmata-io') as { Firmata: new (port: SerialPort) => FirmataIo };
          const port = new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: true });
          let ready = false;
          let failed = false;
          let board: FiveBoard | undefined;
          // johnny-five keeps every board it ever made in a module-wide list; a board that keeps
          // reconnecting would grow it without end.
          const forget = (): void => {
            const cache = five.Board.cache;
            const i = board ? cache.indexOf(board) : -1;
            if (i >= 0) cache.splice(i, 1);
          };
          // Every way the board can go (a missing path, an unplugged cable, a board that never
          // answers its handshake) ends here once: the open fails or the link is lost, and the
          // port is let go so the next attempt can take the path again.
          const fail = (reason: string): void => {
            if (failed) return;
            failed = true;
            if (ready) this.ready = false;
            else reject(new Error(reason));
            cb.onLost(reason);
            forget();
            if (port.isOpen) port.close(() => undefined);
          };
          port.on('close', () => fail('port closed'));
          port.on('error', (err: Error) => fail(err.message));
          const io = new Firmata(port);
          this.io = io;
          // firmata-io re-emits the port's errors as its own 'error' event; with no listener that
          // event would be thrown and take the whole gateway down.
          io.on('error', (err: unknown) => fail(message(err)));
          // sigint: false, or johnny-five hooks SIGINT on every ready board and exits the process a
          // second later, before the gateway has flushed its readings.
          const created = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 10_000 });
          board = created;

          created.on('error', (err) => fail(message(err)));
          created.on('ready', () => {
            if (failed) return;
            for (const pin of options.pulsePins) {
              const button = new five.Button({ pin, board: created });
              button.on('down', () => {
                this.edgesSeen.rising++;
                this.options.onEdge(pin, 'rising', this.clock.now());
              });
              button.on('up', () => {
                this.edgesSeen.falling++;
                this.options.onEdge(pin, 'falling', this.clock.now());
              });
            }
            this.makeRelay = (pin) => new five.Relay({ pin, board: created });
            this.relays = new Map([...this.relayPins].map((pin) => [pin, new five.Relay({ pin, board: created })]));
            ready = true;
            this.ready = true;
            for (const w of this.readyWaiters.splice(0)) w();
            resolve({
              write: () => undefined,
              close: () => {
                this.ready = false;
                failed = true;
                forget();
                if (port.isOpen) port.close(() => undefined);
              },
            });
          });
        }),
      () => undefined,
      { clock: new RealClock(), stillThere: () => existsSync(options.path) },
    );
    this.link.on('lost', (reason: string) => options.onError?.(`board lost: ${reason}`));
  }

  get connected(): boolean {
    return this.link.connected && this.ready;
  }

  open(): Promise<void> {
    return this.link.open();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /** Makes `pin` a relay output, now if the board is up and again after every reconnect. */
  addRelayPin(pin: number): void {
    if (this.relayPins.has(pin)) return;
    this.relayPins.add(pin);
    if (this.ready && this.makeRelay) this.relays.set(pin, this.makeRelay(pin));
  }

  /** Switches a relay output: on = circuit closed (a normally-open relay driven HIGH). */
  setRelay(pin: number, on: boolean): Result<void, 'not-connected' | 'not-a-relay'> {
    if (!this.relayPins.has(pin)) return fail('not-a-relay', `pin ${pin} is not a relay on ${this.id}`);
    const relay = this.relays.get(pin);
    if (!this.connected || !relay) return fail('not-connected', `${this.id} is not connected`);
    if (on) relay.close();
    else relay.open();
    return ok(undefined);
  }

  /**
   * What the board says a relay pin is driven to now (Firmata pin state query): true = on. A
   * board that does not answer within `timeoutMs` of real time is a failure, not a guess.
   */
  readRelay(pin: number, timeoutMs = 2000): Promise<Result<boolean, 'not-connected' | 'timeout'>> {
    const io = this.io;
    if (!this.connected || !io) return Promise.resolve(fail('not-connected', `${this.id} is not connected`));
    return new Promise((resolve) => {
      let done = false;
      const timer = this.ioClock.setTimeout(() => {
        if (done) return;
        done = true;
        resolve(fail('timeout', `${this.id} did not report pin ${pin} within ${timeoutMs} ms`));
      }, timeoutMs);
      io.queryPinState(pin, () => {
        if (done) return;
        done = true;
        this.ioClock.clear(timer);
        resolve(ok(io.pins[pin]?.state === 1));
      });
    });
  }
}
