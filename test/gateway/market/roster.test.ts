import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signEnvelope } from '../../../core/signed-envelope.js';
import { writeKeyFile } from '../../../gateway/market/identity.js';
import { mosquittoAcl } from '../../../gateway/market/mosquitto-acl.js';
import { blockPricesFor, PriceListHolder, signPriceList } from '../../../gateway/market/prices.js';
import { activeMembers, coordinatorFor, majorityOf, RosterHolder, verifyRoster } from '../../../gateway/market/roster.js';
import { runCli } from '../cli/run-cli.js';
import { district, identityOf, OPERATOR, signed } from './market-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nabo-roster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('roster holder', () => {
  it('takes a signed roster, replaces it by a newer version only, and counts each refusal by reason', () => {
    const holder = new RosterHolder(OPERATOR.publicKey, 'test-market');
    const v1 = district({ version: 1 }).roster;
    const v2 = district({ version: 2, buildings: 4 }).roster;
    expect(holder.offer(signed(v1))).toEqual({ ok: true, value: 'replaced' });
    expect(holder.offer(signed(v1))).toEqual({ ok: true, value: 'same' });
    expect(holder.offer(signed(v2))).toEqual({ ok: true, value: 'replaced' });
    expect(holder.current?.members).toHaveLength(4);
    const refused = (envelope: unknown) => {
      const r = holder.offer(envelope);
      return r.ok ? 'taken' : r.error.kind;
    };
    expect(refused(signed(v1))).toBe('older');
    expect(refused(v2)).toBe('unsigned');
    expect(refused({ ...signed(district({ version: 3 }).roster), signature: signed(v2).signature })).toBe('bad-signature');
    const mallory = identityOf('mallory');
    expect(refused(signEnvelope('roster', { ...v2, version: 9, operatorPublicKey: mallory.publicKey }, mallory.seed))).toBe('wrong-signer');
    expect(refused(signed(district({ version: 5, marketId: 'other' }).roster))).toBe('wrong-market');
    expect(refused(signed({ ...district({ version: 2, buildings: 2 }).roster }))).toBe('conflict');
    expect(holder.current?.version).toBe(2);
    expect(Object.fromEntries(holder.refused)).toEqual({ older: 1, unsigned: 1, 'bad-signature': 1, 'wrong-signer': 1, 'wrong-market': 1, conflict: 1 });
  });

  it('refuses a roster signed as another kind of message (domain separation)', () => {
    const r = district().roster;
    expect(verifyRoster(signEnvelope('prices', r, OPERATOR.seed), OPERATOR.publicKey)).toMatchObject({ ok: false, error: { kind: 'bad-signature' } });
  });

  it('leaves revoked keys out of the rotation and the majority', () => {
    const d = district({ buildings: 5, revoked: ['b1-h2'] });
    expect(activeMembers(d.roster).map((m) => m.gatewayId)).toEqual(['b1-h1', 'b1-h3', 'b1-h4', 'b1-h5']);
    expect(majorityOf(d.roster)).toBe(3);
  });

  it('rotates the coordinator by interval index and passes to the next one per attempt', () => {
    const r = district({ buildings: 3 }).roster;
    const ms = 15 * 60_000;
    const names = [0, 1, 2, 3].map((k) => coordinatorFor(r, k * ms, 0)!.gatewayId);
    expect(names).toEqual(['b1-h1', 'b1-h2', 'b1-h3', 'b1-h1']);
    expect(coordinatorFor(r, 0, 1)!.gatewayId).toBe('b1-h2');
    expect(coordinatorFor(r, 2 * ms, 1)!.gatewayId).toBe('b1-h1');
  });
});

describe('price list', () => {
  it('uses the signed list where it covers the interval and the roster prices elsewhere', () => {
    const r = district({ blocks: 2 }).roster;
    const holder = new PriceListHolder();
    const list = signPriceList({ marketId: 'test-market', version: 1, intervals: [{ intervalStart: '2026-06-01T10:00:00.000Z', blocks: [{ block: 'block-1', gridImportPriceMinorPerKWh: 80, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 30 }] }] }, OPERATOR.seed);
    expect(holder.offer(list, r).ok).toBe(true);
    const covered = holder.forInterval('2026-06-01T10:00:00.000Z');
    expect(covered).not.toBeNull();
    const p = blockPricesFor(r, '2026-06-01T10:00:00.000Z', covered!.payload);
    expect(p.source).toBe('price-list');
    expect(p.prices.map((b) => b.gridImportPriceMinorPerKWh)).toEqual([80, 110]);
    expect(holder.forInterval('2026-06-01T10:15:00.000Z')).toBeNull();
    expect(blockPricesFor(r, '2026-06-01T10:15:00.000Z', null)).toMatchObject({ source: 'roster' });
    const forged = signPriceList({ marketId: 'test-market', version: 2, intervals: [{ intervalStart: '2026-06-01T10:00:00.000Z', blocks: [{ block: 'block-1', gridImportPriceMinorPerKWh: 1, gridTariffMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0 }] }] }, identityOf('b1-h1').seed);
    expect(holder.offer(forged, r)).toMatchObject({ ok: false, error: { kind: 'wrong-signer' } });
    expect(holder.offer(list, r)).toMatchObject({ ok: false, error: { kind: 'older' } });
  });
});

describe('mosquitto ACL from the roster', () => {
  it('lets each active gateway write only its own topics and the operator the roster and prices', () => {
    const d = district({ buildings: 3, revoked: ['b1-h3'] });
    const acl = mosquittoAcl(d.roster);
    expect(acl).toContain('user operator\ntopic readwrite nabo/v1/test-market/roster\ntopic readwrite nabo/v1/test-market/prices');
    expect(acl).toContain('user b1-h1\n');
    expect(acl).toContain('topic write nabo/v1/test-market/order/b1-h1\n');
    expect(acl).toContain('topic read nabo/v1/test-market/order/+\n');
    expect(acl).not.toContain('user b1-h3');
    const h1 = acl.split('\n\n').find((b) => b.startsWith('user b1-h1'))!;
    expect(h1.split('\n').filter((l) => l.startsWith('topic write')).every((l) => l.endsWith('/b1-h1') || l.endsWith('/b1-h1/records'))).toBe(true);
    expect(h1).not.toMatch(/write .*roster|write .*prices/);
  });
});

describe('nabo roster', () => {
  it('init, sign, verify, show and mosquitto-acl round-trip; a tampered roster verifies as refused (exit 1)', async () => {
    const opKey = join(dir, 'operator.key');
    writeKeyFile(opKey, OPERATOR);
    const h1 = identityOf('b1-h1');
    const unsignedFile = join(dir, 'roster.json');
    const init = await runCli(['roster', 'init', '--market', 'trd', '--operator-key-file', opKey, '--member', `gw-1:${h1.publicKey}:house-1:block-1`, '--out', unsignedFile]);
    expect(init.code).toBe(0);
    const signedFile = join(dir, 'roster.signed.json');
    expect((await runCli(['roster', 'sign', unsignedFile, '--key-file', opKey, '--out', signedFile])).code).toBe(0);
    const ok = await runCli(['roster', 'verify', signedFile, '--operator-key', OPERATOR.publicKey, '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, marketId: 'trd', version: 1, members: 1 });
    const wrongKey = await runCli(['roster', 'verify', signedFile, '--operator-key', h1.publicKey, '--format', 'json']);
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stdout)).toMatchObject({ valid: false, reason: 'wrong-signer' });
    const tampered = JSON.parse(readFileSync(signedFile, 'utf8'));
    tampered.payload.members[0].block = 'block-1';
    tampered.payload.blocks[0].gridExportPriceMinorPerKWh = 10;
    const tamperedFile = join(dir, 'tampered.json');
    writeFileSync(tamperedFile, JSON.stringify(tampered));
    const bad = await runCli(['roster', 'verify', tamperedFile, '--operator-key', OPERATOR.publicKey, '--format', 'json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).reason).toBe('bad-signature');
    const show = await runCli(['roster', 'show', signedFile, '--format', 'table']);
    expect(show.stdout).toContain('gw-1');
    const acl = await runCli(['roster', 'mosquitto-acl', signedFile]);
    expect(acl.stdout).toContain('topic write nabo/v1/trd/order/gw-1');
    const pricesFile = join(dir, 'prices.json');
    writeFileSync(pricesFile, JSON.stringify({ marketId: 'trd', version: 1, intervals: [{ intervalStart: '2026-06-01T10:00:00.000Z', blocks: [{ block: 'block-1', gridImportPriceMinorPerKWh: 90, gridTariffMinorPerKWh: 45, gridExportPriceMinorPerKWh: 30 }] }] }));
    const prices = await runCli(['roster', 'sign-prices', pricesFile, '--key-file', opKey, '--roster', signedFile]);
    expect(prices.code).toBe(0);
    const roster = JSON.parse(readFileSync(signedFile, 'utf8')).payload;
    expect(new PriceListHolder().offer(JSON.parse(prices.stdout), roster).ok).toBe(true);
    writeFileSync(pricesFile, JSON.stringify({ marketId: 'trd', version: 1, intervals: [{ intervalStart: '2026-06-01T10:00:00.000Z', blocks: [{ block: 'nowhere', gridImportPriceMinorPerKWh: 90, gridTariffMinorPerKWh: 45, gridExportPriceMinorPerKWh: 30 }] }] }));
    expect((await runCli(['roster', 'sign-prices', pricesFile, '--key-file', opKey, '--roster', signedFile])).code).toBe(2);
  });
});
