import { describe, expect, it } from 'vitest';
import { signPriceList, verifyPriceList, type PriceList } from '../../../gateway/market/prices.js';
import { district, identityOf, OPERATOR } from './market-fixtures.js';

function list(version: number, importMinorPerKWh = 120): PriceList {
  return {
    marketId: 'test-market',
    version,
    intervals: [0, 1, 2].map((i) => ({
      intervalStart: new Date(Date.UTC(2026, 5, 21, 10, 15 * i)).toISOString(),
      blocks: [{ block: 'block-1', gridImportPriceMinorPerKWh: importMinorPerKWh, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 60 }],
    })),
  };
}

describe('the operator price list a snapshot carries', () => {
  const { roster } = district({ marketId: 'test-market' });

  it('verifies once and then answers from its cache, but never for a changed payload, signer or roster', () => {
    const envelope = signPriceList(list(1), OPERATOR.seed);
    expect(verifyPriceList(envelope, roster)).toMatchObject({ ok: true, value: { payload: { version: 1 } } });
    // The same list again, parsed from another message: same answer.
    expect(verifyPriceList(JSON.parse(JSON.stringify(envelope)), roster)).toMatchObject({ ok: true });
    // The verified signature on another payload: refused, not taken from the cache.
    const tampered = { ...envelope, payload: list(1, 1) };
    expect(verifyPriceList(tampered, roster)).toMatchObject({ ok: false, error: { kind: 'bad-signature' } });
    // The same list checked against a roster with another operator: refused.
    expect(verifyPriceList(envelope, { ...roster, operatorPublicKey: identityOf('someone-else').publicKey })).toMatchObject({ ok: false, error: { kind: 'wrong-signer' } });
    // ... and against another market.
    expect(verifyPriceList(envelope, { ...roster, marketId: 'elsewhere' })).toMatchObject({ ok: false, error: { kind: 'wrong-market' } });
    // A list signed by a member, not the operator.
    expect(verifyPriceList(signPriceList(list(2), identityOf('b1-h1').seed), roster)).toMatchObject({ ok: false, error: { kind: 'wrong-signer' } });
  });

  it('refuses an unsigned list and a list naming a block the roster does not have', () => {
    expect(verifyPriceList(list(1), roster)).toMatchObject({ ok: false, error: { kind: 'unsigned' } });
    const foreign = list(3);
    foreign.intervals[0]!.blocks[0]!.block = 'block-9';
    expect(verifyPriceList(signPriceList(foreign, OPERATOR.seed), roster)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});
