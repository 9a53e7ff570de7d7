import { describe, expect, it } from 'vitest';
import { netObligations, paymentsOf, splitProRata, type IntervalResult } from '../../../gateway/payment/netting.js';

const interval = (t: number, trades: IntervalResult['trades']): IntervalResult => ({ intervalStartMs: t, blockId: 'b', trades });

describe('payment netting', () => {
  it('splits a buyer payment among sellers pro rata to sold energy, summing exactly', () => {
    expect(splitProRata(101, [['gw-a', 300], ['gw-b', 100]])).toEqual(new Map([['gw-a', 76], ['gw-b', 25]]));
    expect([...splitProRata(100, [['x', 1], ['y', 1], ['z', 1]]).values()].reduce((a, b) => a + b, 0)).toBe(100);
    expect(splitProRata(-10, [['x', 1], ['y', 1]])).toEqual(new Map([['x', -5], ['y', -5]]));
  });

  it('nets obligations pairwise over the period', () => {
    const results = [
      interval(0, [
        { gatewayId: 'gw-a', side: 'sell', energyWh: 500, amountMinor: 50 },
        { gatewayId: 'gw-c', side: 'buy', energyWh: 500, amountMinor: 50 },
      ]),
      interval(1, [
        { gatewayId: 'gw-c', side: 'sell', energyWh: 200, amountMinor: 20 },
        { gatewayId: 'gw-a', side: 'buy', energyWh: 200, amountMinor: 20 },
      ]),
    ];
    expect(netObligations(results)).toEqual([{ payer: 'gw-c', payee: 'gw-a', amountMinor: 30 }]);
    expect(paymentsOf('gw-a', results)).toEqual([]);
    expect(paymentsOf('gw-c', results, '0xclearing')).toEqual([{ payer: 'gw-c', payee: '0xclearing', amountMinor: 30 }]);
  });

  it('gives the same obligations whatever order the trades come in', () => {
    const trades: IntervalResult['trades'] = [
      { gatewayId: 'gw-a', side: 'sell', energyWh: 333, amountMinor: 33 },
      { gatewayId: 'gw-b', side: 'sell', energyWh: 667, amountMinor: 67 },
      { gatewayId: 'gw-c', side: 'buy', energyWh: 400, amountMinor: 41 },
      { gatewayId: 'gw-d', side: 'buy', energyWh: 600, amountMinor: 59 },
    ];
    const a = netObligations([interval(0, trades)]);
    expect(netObligations([interval(0, [...trades].reverse())])).toEqual(a);
    expect(a.reduce((s, o) => s + o.amountMinor, 0)).toBe(100);
  });
});
