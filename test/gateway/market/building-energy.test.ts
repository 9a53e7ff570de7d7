import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { forecastFromStore } from '../../../gateway/market/building-energy.js';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);

const Q = 900_000;
const T0 = Date.parse('2026-06-21T06:00:00Z');

function config() {
  const r = validateConfig(
    {
      version: 2,
      gateway: { id: 'b1-h1', dataDir: '/nonexistent', timeZone: 'Europe/Oslo' },
      site: { latitude: 63.43, longitude: 10.4 },
      buses: [{ id: 'tcp', kind: 'modbus-tcp', host: '127.0.0.1', port: 502 }],
      devices: [
        { id: 'meter', bus: 'tcp', model: 'eastron-sdm630', role: 'grid-meter', unitId: 1 },
        { id: 'pv', bus: 'tcp', model: 'sunspec', role: 'pv', unitId: 2 },
      ],
      market: { enabled: true, marketId: 'm1', operatorPublicKey: 'a'.repeat(64), broker: { url: 'mqtt://127.0.0.1:1883' }, gridMeterDeviceId: 'meter', pvDeviceId: 'pv' },
    },
    {},
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe('building energy for the forecast', () => {
  it('counts a PV inverter that reports only its production (export) as producing, not as a gap', () => {
    const store = Store.open(join(tempFolder('nabo-building-energy-'), 'nabo.db'));
    try {
      // What the interval job stores live: the meter with both counters, the inverter with export only.
      for (let k = 0; k < 4; k++) {
        const t = T0 + k * Q;
        store.intervals.put([
          { deviceId: 'meter', intervalStartMs: t, intervalMs: Q, importWh: 300, exportWh: 0, gap: false, gapReason: null },
          { deviceId: 'pv', intervalStartMs: t, intervalMs: Q, importWh: null, exportWh: 200, gap: false, gapReason: null },
        ]);
      }
      const cfg = config();
      const T = T0 + 5 * Q;
      const f = forecastFromStore(store, cfg.market as Parameters<typeof forecastFromStore>[1], cfg, T, Q);
      // Consumption is the net import plus the PV the building used itself.
      expect(f.consumptionWh).toBe(500);
      expect(f.pvWh).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  it('still treats an interval with neither counter as a gap', () => {
    const store = Store.open(join(tempFolder('nabo-building-energy-'), 'nabo.db'));
    try {
      for (let k = 0; k < 4; k++) {
        const t = T0 + k * Q;
        store.intervals.put([
          { deviceId: 'meter', intervalStartMs: t, intervalMs: Q, importWh: null, exportWh: null, gap: true, gapReason: 'no-reading-at-start' },
          { deviceId: 'pv', intervalStartMs: t, intervalMs: Q, importWh: null, exportWh: null, gap: true, gapReason: 'no-reading-at-start' },
        ]);
      }
      const cfg = config();
      const f = forecastFromStore(store, cfg.market as Parameters<typeof forecastFromStore>[1], cfg, T0 + 5 * Q, Q);
      expect(f).toEqual({ consumptionWh: 0, pvWh: 0 });
    } finally {
      store.close();
    }
  });
});
