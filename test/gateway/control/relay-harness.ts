// A relay on a simulated Firmata board over a real pty pair (socat), driven by the gateway's
// FirmataPort (johnny-five + firmata-io) and a RelayService on a simulated clock. The grid
// reading the service judges by is set by the test; the board's relay writes are the truth.
import { join } from 'node:path';
import { expect } from 'vitest';
import { FirmataBoard } from '../../../device-sim/devices/firmata-board.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { FirmataPort } from '../../../gateway/bus/firmata-port.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { relayConfigSchema, type RelayConfig } from '../../../gateway/control/relay-config.js';
import { RelayService, type RelayServiceOptions } from '../../../gateway/control/relay-service.js';
import type { Alarm } from '../../../gateway/events/events.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { StatusBoard, type ServiceContext } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { tempFolder } from '../../temp-folders.js';

export const T0 = Date.UTC(2026, 5, 21, 10);

export interface RelayRig {
  clock: SimulatedClock;
  board: FirmataBoard;
  port: FirmataPort;
  service: RelayService;
  ctx: ServiceContext;
  dir: string;
  relay: RelayConfig;
  /** What the board's relay pin did (the truth), in order. */
  writes: Array<Extract<SetpointWrite, { kind: 'relay' }>>;
  alarms: Alarm[];
  /** The grid reading the service sees: power (import > 0) and when it was taken. */
  grid: { powerW: number; atMs: number };
  /** Steps the clock one control period at a time, waiting for each round to finish. */
  run(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function relayRig(relay: Partial<RelayConfig>, options: Partial<Pick<RelayServiceOptions, 'want' | 'staleAfterMs' | 'connectionCapW'>> & { freshGrid?: boolean } = {}): Promise<RelayRig> {
  const clock = new SimulatedClock({ startMs: T0 });
  const writes: RelayRig['writes'] = [];
  const board = await FirmataBoard.open(
    { identity: { deviceId: 'uno', meterId: 'UNO-1', model: 'Arduino Uno' }, truth: () => ({}), clock, onSetpoint: (w) => w.kind === 'relay' && writes.push(w) },
    { s0: [], relayPins: [8] },
  );
  const path = board.endpoint().path;
  const port = new FirmataPort({ id: 'board', path, baudRate: 57600, pulsePins: [], clock, onEdge: () => undefined });
  const dir = tempFolder('nabo-relays-');
  const parsed = validateConfig(
    {
      version: 2,
      gateway: { id: 'house', dataDir: dir },
      buses: [
        { id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port: 1502 },
        { id: 'board', kind: 'firmata', path },
      ],
      devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter' }],
    },
    {},
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const config = relayConfigSchema.parse({ id: 'heater', device: 'board', pin: 8, loadW: 2000, ...relay });
  const grid = { powerW: 0, atMs: T0 };
  const periodMs = 10_000;
  const service = new RelayService({
    relays: [config],
    board: (id) => (id === 'board' ? port : undefined),
    latest: () => [{ deviceId: 'grid', atMs: options.freshGrid === false ? grid.atMs : clock.now(), values: { powerW: grid.powerW } }],
    periodMs,
    ...(options.want ? { want: options.want } : {}),
    ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}),
    ...(options.connectionCapW !== undefined ? { connectionCapW: options.connectionCapW } : {}),
  });
  const store = Store.open(join(dir, 'nabo.db'));
  const events = new EventBus();
  const alarms: Alarm[] = [];
  events.on('alarm', (a) => alarms.push(a));
  const ctx: ServiceContext = { config: parsed.config, clock, log: createLogger({ level: 'fatal', pretty: false }), store, events, status: new StatusBoard() };
  await port.open();
  await expect.poll(() => port.connected, { timeout: 10_000, interval: 5 }).toBe(true);
  service.start(ctx);
  return {
    clock,
    board,
    port,
    service,
    ctx,
    dir,
    relay: config,
    writes,
    alarms,
    grid,
    async run(ms) {
      for (let t = 0; t < ms; t += periodMs) {
        await clock.advance(periodMs);
        await service.settled();
      }
    },
    async close() {
      await service.stop();
      await port.close();
      await board.close();
      store.close();
    },
  };
}

/** The relay's on and off spells from the board's writes: [state, fromMs, toMs]. */
export function spells(writes: RelayRig['writes'], startMs: number, endMs: number): Array<{ on: boolean; fromMs: number; toMs: number }> {
  const out: Array<{ on: boolean; fromMs: number; toMs: number }> = [];
  let on = false;
  let from = startMs;
  for (const w of writes) {
    if (w.on === on) continue;
    out.push({ on, fromMs: from, toMs: w.atMs });
    on = w.on;
    from = w.atMs;
  }
  out.push({ on, fromMs: from, toMs: endMs });
  return out;
}
