// A Firmata board (Arduino running StandardFirmata) through johnny-five: S0 pulse inputs and
// relay outputs. johnny-five drives the board exactly as it would a real one; the pulse edges
// it reports are stamped with the gateway's clock and handed on (protocols/s0 turns them into
// energy and power). The port is reopened with back-off when the board goes away.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SerialPort } from 'serialport';
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
  private readyWaiters: Array<() => void> = [];
  ready = false;
  /** Pulse edges johnny-five reported (after its debounce), for health and for tests that step a clock. */
  readonly edgesSeen = { rising: 0, falling: 0 };

  constructor(private readonly options: FirmataPortOptions) {
    this.id = options.id;
    this.clock = options.clock ?? new RealClock();
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
            this.relays = new Map((options.relayPins ?? []).map((pin) => [pin, new five.Relay({ pin, board: created })]));
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

  /** Switches a relay output: on = circuit closed. */
  setRelay(pin: number, on: boolean): void {
    const relay = this.relays.get(pin);
    if (!relay) throw new Error(`pin ${pin} is not a configured relay on ${this.id}`);
    if (on) relay.close();
    else relay.open();
  }
}
