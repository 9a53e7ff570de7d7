import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../gateway/store/store.js';
import { enqueueRecord, parseSignedRecord, recordHash, signRecord } from '../../../gateway/uplink/record.js';
import { energyRecord, gateways, tempDir, type TestGateway } from '../../helpers/uplink-fixture.js';

const g = gateways(1)[0] as TestGateway;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function store(): Store {
  const d = tempDir();
  dirs.push(d);
  return Store.open(join(d, 'gw.db'));
}

describe('signed records in the outbox', () => {
  it('commits with the producer: a rolled-back transaction leaves no record behind', () => {
    const s = store();
    expect(() =>
      s.db.transaction(() => {
        enqueueRecord(s, energyRecord(g.id, 'm', 1), g.seed);
        throw new Error('the trade could not be stored');
      })(),
    ).toThrow('could not be stored');
    expect(s.outbox.pendingCount()).toBe(0);
    s.db.transaction(() => enqueueRecord(s, energyRecord(g.id, 'm', 1), g.seed))();
    expect(s.outbox.pendingCount()).toBe(1);
    s.close();
  });

  it('ignores a second enqueue of the same id', () => {
    const s = store();
    expect(enqueueRecord(s, energyRecord(g.id, 'm', 1), g.seed)).toBe(true);
    expect(enqueueRecord(s, energyRecord(g.id, 'm', 1, 999), g.seed)).toBe(false);
    expect(s.outbox.pendingCount()).toBe(1);
    s.close();
  });

  it('stores the canonical envelope, whose hash is the record hash, and that parses back', () => {
    const s = store();
    const rec = energyRecord(g.id, 'm', 2);
    enqueueRecord(s, rec, g.seed);
    const row = s.db.prepare('SELECT payload FROM outbox').get() as { payload: string };
    const parsed = parseSignedRecord(row.payload);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(recordHash(parsed.value)).toBe(recordHash(signRecord(rec, g.seed)));
    s.close();
  });

  it('refuses a tampered, unsigned or misshapen record with a reason', () => {
    const signed = signRecord(energyRecord(g.id, 'm', 3), g.seed);
    expect(parseSignedRecord({ ...signed, payload: { ...signed.payload, gatewayId: 'gw-9' } })).toMatchObject({ ok: false, error: { kind: 'signature' } });
    expect(parseSignedRecord('{not json')).toMatchObject({ ok: false, error: { kind: 'json' } });
    expect(parseSignedRecord({ payload: signed.payload })).toMatchObject({ ok: false, error: { kind: 'shape' } });
    const wrongKind = signRecord({ ...energyRecord(g.id, 'm', 3), kind: 'gossip' as 'alarm' }, g.seed);
    expect(parseSignedRecord(wrongKind)).toMatchObject({ ok: false, error: { kind: 'shape' } });
  });
});
