import { describe, expect, it } from 'vitest';
import { planJoin, type JoinInput } from '../../../../gateway/cli/init/market-join.js';
import { validateConfig } from '../../../../gateway/config/load.js';
import { validateRoster, type Roster } from '../../../../gateway/market/roster.js';

const OWN = 'a'.repeat(64);
const OPERATOR = 'f'.repeat(64);

function config(devices: Array<{ id: string; role: string; model?: string }>, market?: Record<string, unknown>, intervalMinutes = 15) {
  const r = validateConfig(
    {
      version: 2,
      gateway: { id: 'b1-h1', dataDir: '/var/lib/nabo', timeZone: 'Europe/Oslo', intervalMinutes },
      site: { latitude: 63.43, longitude: 10.4 },
      buses: [{ id: 'tcp', kind: 'modbus-tcp', host: '127.0.0.1', port: 502 }],
      devices: devices.map((d, i) => ({ id: d.id, bus: 'tcp', model: d.model ?? 'eastron-sdm630', role: d.role, unitId: i + 1 })),
      ...(market ? { market } : {}),
    },
    {},
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

function roster(members: Array<[string, string, string]>, extra: Partial<Roster> = {}): Roster {
  const r = validateRoster({
    marketId: 'm1',
    version: 3,
    issuedAt: '2026-01-01T00:00:00Z',
    operatorPublicKey: OPERATOR,
    parameters: {},
    blocks: [
      { id: 'b1', gridImportPriceMinorPerKWh: 120, gridExportPriceMinorPerKWh: 60 },
      { id: 'b2', gridImportPriceMinorPerKWh: 120, gridExportPriceMinorPerKWh: 60 },
    ],
    members: members.map(([gatewayId, publicKey, block]) => ({ gatewayId, publicKey, buildingId: gatewayId, block })),
    ...extra,
  });
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

const input = (over: Partial<JoinInput>): JoinInput => ({
  config: config([{ id: 'meter', role: 'grid-meter' }]),
  roster: roster([['b1-h1', OWN, 'b1']]),
  ownPublicKey: OWN,
  operatorPublicKey: OPERATOR,
  rosterFile: '/etc/nabo/roster.json',
  brokerUrl: 'mqtts://broker.b1.local:8883',
  ...over,
});

describe('planning nabo market join', () => {
  it('takes market and block from the roster and the grid meter from the devices; a PV inverter too when there is one', () => {
    const r = planJoin(input({ config: config([{ id: 'meter', role: 'grid-meter' }, { id: 'inverter', role: 'pv', model: 'sunspec' }]) }));
    expect(r.ok && Object.fromEntries(r.value.fields.map(([path, value]) => [path.join('.'), value]))).toEqual({
      enabled: true,
      marketId: 'm1',
      operatorPublicKey: OPERATOR,
      blockId: 'b1',
      rosterFile: '/etc/nabo/roster.json',
      'broker.url': 'mqtts://broker.b1.local:8883',
      'broker.username': 'b1-h1',
      gridMeterDeviceId: 'meter',
      pvDeviceId: 'inverter',
    });
  });

  it('refuses a revoked key, a block other than the config’s, and intervals other than the gateway’s', () => {
    expect(planJoin(input({ roster: roster([['b1-h1', OWN, 'b1']], { revokedKeys: ['b'.repeat(64)] }), ownPublicKey: 'b'.repeat(64) }))).toMatchObject({ ok: false, error: { kind: 'revoked' } });
    const inB2 = input({ config: config([{ id: 'meter', role: 'grid-meter' }], { enabled: false, blockId: 'b2' }) });
    expect(planJoin(inB2)).toMatchObject({ ok: false, error: { kind: 'block-mismatch', detail: 'the config says block b2, the roster puts b1-h1 in block b1' } });
    const hourly = input({ config: config([{ id: 'meter', role: 'grid-meter' }], undefined, 60) });
    expect(planJoin(hourly)).toMatchObject({ ok: false, error: { kind: 'interval-mismatch' } });
  });

  it('asks for the grid meter where there are several, and for the broker where the config has none', () => {
    const two = config([{ id: 'main', role: 'grid-meter' }, { id: 'second', role: 'grid-meter' }]);
    expect(planJoin(input({ config: two }))).toMatchObject({ ok: false, error: { kind: 'no-grid-meter' } });
    expect(planJoin(input({ config: two, gridMeterDeviceId: 'nope' }))).toMatchObject({ ok: false, error: { kind: 'unknown-device' } });
    const chosen = planJoin(input({ config: two, gridMeterDeviceId: 'second' }));
    expect(chosen.ok && chosen.value.fields).toContainEqual([['gridMeterDeviceId'], 'second']);
    const { brokerUrl: _, ...noBroker } = input({});
    expect(planJoin(noBroker)).toMatchObject({ ok: false, error: { kind: 'no-broker' } });
  });
});
