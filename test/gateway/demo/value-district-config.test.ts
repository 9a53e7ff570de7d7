// `nabo demo --no-control`'s gateway configs: the battery is read but never steered (no setpoint
// capability, so the market offers none of its flexibility: it would not deliver it), yet the
// market section still names it, so orders count on its self-consumption; with control the
// battery keeps its setpoint capability and limits. No processes: the listing
// is built from the generated fleet with made-up endpoints.
import { describe, expect, it } from 'vitest';
import type { DeviceEndpoint } from '../../../device-sim/devices/simulated-device.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { generateFleet } from '../../../device-sim/fleet/generate.js';
import { buildListing } from '../../../device-sim/fleet/listing.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { checkedConfig, districtGatewayConfig, type GatewaySetup } from '../../../gateway/demo/district-setup.js';

const T0 = Date.UTC(2026, 5, 20, 22, 0);
const fleet = generateFleet({ blocks: 1, buildings: 3, seed: 42, tcpOnly: true });
const world = new FleetWorld(fleet, new SimulatedClock({ startMs: T0 }));
const endpoints = new Map<string, DeviceEndpoint>();
let port = 15_020;
for (const b of world.buildings) for (const d of b.devices) endpoints.set(d.deviceId, { transport: 'modbus-tcp', host: '127.0.0.1', port: port++, unitId: 1 });
const listing = buildListing(world, { clock: { mode: 'simulated', startAt: new Date(T0).toISOString(), speed: 600 }, endpoints });

const setup: GatewaySetup = {
  marketId: 'm',
  operatorPublicKey: 'ab'.repeat(32),
  rosterFile: '/tmp/roster.json',
  blockBrokerUrl: 'mqtt://127.0.0.1:1883',
  operatorBrokerUrl: 'mqtt://127.0.0.1:1884',
  password: 'p',
  apiPort: 18_080,
  speed: 600,
};

type Device = { id: string; role?: string; capabilities?: string[]; limits?: unknown };

function configsOf(control: boolean | undefined): Array<{ raw: Record<string, unknown>; battery: Device | undefined; id: string }> {
  const block = listing.blocks[0]!;
  return block.buildings.map((b) => {
    const raw = districtGatewayConfig(listing, fleet, block.id, b, '/tmp/gateways', { ...setup, ...(control === undefined ? {} : { control }) });
    checkedConfig(raw, b.id);
    return { raw, battery: (raw.devices as Device[]).find((d) => d.role === 'battery'), id: b.id };
  });
}

describe('district gateway configs with and without control', () => {
  const withBattery = fleet.blocks[0]!.buildings.filter((b) => b.battery).map((b) => b.id);

  it('the generated block has buildings with a battery to compare', () => {
    expect(withBattery.length).toBeGreaterThan(0);
  });

  it('with control (the default) each battery may be steered, has limits, and the market offers its flexibility', () => {
    for (const c of configsOf(undefined).filter((x) => withBattery.includes(x.id))) {
      expect(c.battery?.capabilities).toEqual(['read', 'battery-setpoint']);
      expect(c.battery?.limits).toBeDefined();
      expect((c.raw.market as { battery?: { deviceId: string } }).battery?.deviceId).toBe(c.battery?.id);
    }
  });

  it('without control each battery is only read and has no limits, the market still knows it; the configs still validate', () => {
    const configs = configsOf(false);
    for (const c of configs.filter((x) => withBattery.includes(x.id))) {
      expect(c.battery?.id).toBeDefined();
      expect(c.battery?.capabilities ?? ['read']).toEqual(['read']);
      expect(c.battery?.limits).toBeUndefined();
      expect((c.raw.market as { battery?: { deviceId: string } }).battery?.deviceId).toBe(c.battery?.id);
    }
    for (const c of configs) expect((c.raw.devices as Device[]).some((d) => d.capabilities?.includes('battery-setpoint'))).toBe(false);
  });

  it('without control everything but the battery is as with control', () => {
    const on = configsOf(true);
    const off = configsOf(false);
    const strip = (raw: Record<string, unknown>): unknown => {
      const copy = structuredClone(raw) as { devices: Device[]; market: Record<string, unknown> };
      for (const d of copy.devices) if (d.role === 'battery') {
        delete d.capabilities;
        delete d.limits;
      }
      return copy;
    };
    expect(off.map((c) => strip(c.raw))).toEqual(on.map((c) => strip(c.raw)));
  });
});
