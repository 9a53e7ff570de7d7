import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { IntervalEnergyService } from '../../../gateway/acquisition/interval-energy-service.js';
import { EventBus, type GatewayEvents } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);
const Q = 900_000;
const T0 = Date.UTC(2026, 5, 21, 10);

function setup(doubt?: (deviceId: string, fromMs: number) => string | undefined) {
  const dir = tempFolder('nabo-interval-service-');
  const store = Store.open(join(dir, 'nabo.db'));
  const parsed = validateConfig({ version: 2, gateway: { id: 'gw', dataDir: dir } }, {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const events = new EventBus();
  const finals: Array<GatewayEvents['intervalEnergyFinal']> = [];
  events.on('intervalEnergyFinal', (e) => finals.push(e));
  const service = new IntervalEnergyService({ meteringDevices: () => ['s0'], ...(doubt ? { doubtDuring: doubt } : {}) });
  service.start({ config: parsed.config, clock: new SimulatedClock({ startMs: T0 }), log: createLogger({ level: 'fatal', pretty: false }), store, events, status: new StatusBoard() });
  // A pulse meter counting 250 Wh over the quarter, readings every minute around it.
  for (let t = T0 - 120_000; t <= T0 + Q + 120_000; t += 60_000) store.readings.add({ deviceId: 's0', quantity: 'energyImportWh', unit: 'Wh', atMs: t, value: 10_000 + Math.round(((t - T0) / Q) * 250) });
  return { store, service, finals };
}

describe('interval energy service', () => {
  it('announces each device’s interval energy with its quality', () => {
    const { store, service, finals } = setup();
    service.intervals.compute(T0);
    expect(finals).toEqual([expect.objectContaining({ deviceId: 's0', intervalStartMs: T0, importWh: 250, quality: 'measured' })]);
    store.close();
  });

  it('stores an interval whose pulse output saturated as estimated, never as a plain measurement', () => {
    const { store, service, finals } = setup((deviceId, fromMs) => (deviceId === 's0' && fromMs === T0 ? 'S0 pulse output saturated' : undefined));
    service.intervals.compute(T0);
    expect(finals[0]).toMatchObject({ quality: 'estimated', gapReason: 'S0 pulse output saturated' });
    expect(store.intervals.range('s0', T0, T0 + 1)[0]).toMatchObject({ importWh: 250, quality: 'estimated', gapReason: 'S0 pulse output saturated' });
    store.close();
  });
});
