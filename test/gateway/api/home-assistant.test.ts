import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { HA_SENSORS, HomeAssistantService } from '../../../gateway/api/home-assistant.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { harness } from './api-harness.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { Inbox } from '../../helpers/mqtt-client.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function collector(url: string, filters: string[]): Promise<Inbox> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  cleanup.push(() => client.endAsync(true));
  const c = new Inbox(client);
  await client.subscribeAsync(filters, { qos: 1 });
  return c;
}

describe('home assistant discovery (mosquitto)', () => {
  it('publishes retained sensor configs for the building and numeric states, and says offline on stop', async () => {
    const broker = await TestBroker.start();
    cleanup.push(() => broker.close());
    const clock = new SimulatedClock({ startMs: T0 });
    const h = harness(clock);
    cleanup.push(() => h.close());
    const ha = apiConfigSchema.parse({ homeAssistant: { enabled: true, mqtt: { url: broker.url }, statePeriodS: 10 } }).homeAssistant;
    let gridW = 1200;
    const service = new HomeAssistantService({
      config: ha,
      realClock: clock,
      acquisition: {
        health: () => ({ devices: [], buses: [] }),
        latest: () => [
          { deviceId: 'grid', atMs: T0, values: { powerW: gridW, energyImportWh: 5_000_000, energyExportWh: 120_000 } },
          { deviceId: 'pv', atMs: T0, values: { pvAcPowerW: 3000 } },
          { deviceId: 'battery', atMs: T0, values: { batteryPowerW: -500, socPercent: 63.5 } },
        ],
      },
    });
    const live = await collector(broker.url, ['homeassistant/#', 'nabo/#']);
    service.start(h.ctx);
    let stopped = false;
    cleanup.push(() => (stopped ? undefined : service.stop()));

    await live.until(() => HA_SENSORS.every((s) => live.last(`homeassistant/sensor/gw-1_${s.key}/config`) !== undefined) && live.last('nabo/gw-1/battery_soc') !== undefined);
    const grid = JSON.parse(live.last('homeassistant/sensor/gw-1_grid_power/config')!) as Record<string, unknown>;
    expect(grid).toEqual({
      name: 'Grid power',
      unique_id: 'nabo_gw-1_grid_power',
      state_topic: 'nabo/gw-1/grid_power',
      availability_topic: 'nabo/gw-1/availability',
      device_class: 'power',
      unit_of_measurement: 'W',
      state_class: 'measurement',
      device: { identifiers: ['nabo_gw-1'], name: 'Test house', manufacturer: 'nabo', model: 'gateway', sw_version: expect.any(String) },
    });
    expect(JSON.parse(live.last('homeassistant/sensor/gw-1_grid_import_energy/config')!)).toMatchObject({ device_class: 'energy', unit_of_measurement: 'Wh', state_class: 'total_increasing' });
    expect(live.last('nabo/gw-1/availability')).toBe('online');
    expect(Object.fromEntries(HA_SENSORS.map((s) => [s.key, live.last(`nabo/gw-1/${s.key}`)]))).toEqual({
      grid_power: '1200',
      pv_power: '3000',
      battery_power: '-500',
      battery_soc: '63.5',
      load_power: '3700',
      grid_import_energy: '5000000',
      grid_export_energy: '120000',
    });

    // A client that subscribes later still finds the configs: they are retained.
    const late = await collector(broker.url, ['homeassistant/#', 'nabo/gw-1/availability']);
    await late.until(() => HA_SENSORS.every((s) => late.received.find((m) => m.topic === `homeassistant/sensor/gw-1_${s.key}/config`)?.retain === true));

    // States follow the period.
    gridW = -800;
    await clock.advance(10_000);
    await live.until(() => live.last('nabo/gw-1/grid_power') === '-800');

    await service.stop();
    stopped = true;
    await live.until(() => live.last('nabo/gw-1/availability') === 'offline');
  });

  it('removes the sensors of roles the building does not have', async () => {
    const broker = await TestBroker.start();
    cleanup.push(() => broker.close());
    const clock = new SimulatedClock({ startMs: T0 });
    const h = harness(clock, { devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter' }] });
    cleanup.push(() => h.close());
    const ha = apiConfigSchema.parse({ homeAssistant: { enabled: true, mqtt: { url: broker.url } } }).homeAssistant;
    const live = await collector(broker.url, ['homeassistant/#']);
    const service = new HomeAssistantService({ config: ha, realClock: clock });
    service.start(h.ctx);
    cleanup.push(() => service.stop());
    await live.until(() => HA_SENSORS.every((s) => live.last(`homeassistant/sensor/gw-1_${s.key}/config`) !== undefined));
    expect(live.last('homeassistant/sensor/gw-1_battery_soc/config')).toBe('');
    expect(live.last('homeassistant/sensor/gw-1_pv_power/config')).toBe('');
    expect(live.last('homeassistant/sensor/gw-1_grid_power/config')).not.toBe('');
  });
});
