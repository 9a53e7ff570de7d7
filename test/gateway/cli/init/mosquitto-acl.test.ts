import { describe, expect, it } from 'vitest';
import { mosquittoAcl } from '../../../../gateway/cli/init/mosquitto-acl.js';

describe('Mosquitto ACL from a member list', () => {
  it('lets a gateway write only under its own id and the operator alone write roster and prices', () => {
    const r = mosquittoAcl({ marketId: 'm1', operator: 'op', gateways: ['gw2', 'gw1'] });
    expect(r.ok).toBe(true);
    const text = r.ok ? r.value : '';
    const section = (user: string): string[] => text.split('\n\n').find((s) => s.split('\n').includes(`user ${user}`))?.split('\n') ?? [];
    const gw1Writes = section('gw1').filter((l) => l.startsWith('topic write'));
    expect(gw1Writes.every((l) => l.includes('/gw1'))).toBe(true);
    expect(gw1Writes).toContain('topic write nabo/v1/m1/order/gw1');
    expect(section('gw1')).toContain('topic read nabo/v1/m1/uplink/gw1/ack');
    expect(section('gw1').some((l) => l.includes('uplink/+') || l.includes('uplink/gw2'))).toBe(false);
    expect(text.split('\n').filter((l) => /write nabo\/v1\/m1\/(roster|prices)$/.test(l))).toHaveLength(2);
    expect(section('op')).toContain('topic write nabo/v1/m1/roster');
  });

  it('refuses an id that could smuggle a wildcard or a new line into the ACL', () => {
    expect(mosquittoAcl({ marketId: 'm1', operator: 'op', gateways: ['gw1\nuser x'] })).toMatchObject({ ok: false, error: { kind: 'id' } });
    expect(mosquittoAcl({ marketId: '#', operator: 'op', gateways: [] })).toMatchObject({ ok: false, error: { kind: 'id' } });
    expect(mosquittoAcl({ marketId: 'm1', operator: 'gw1', gateways: ['gw1'] })).toMatchObject({ ok: false, error: { kind: 'id' } });
  });
});
