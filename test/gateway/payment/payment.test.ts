import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock, SimulatedClock } from '../../../gateway/clock/clock.js';
import { EventBus, type Alarm } from '../../../gateway/events/events.js';
import { paymentConfigSchema } from '../../../gateway/payment/config.js';
import { addressOfPublicKey } from '../../../gateway/payment/iota-payment.js';
import type { IntervalResult } from '../../../gateway/payment/netting.js';
import { PaymentService, type PaymentInputs } from '../../../gateway/payment/payment-service.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { IotaTestNode } from '../../helpers/iota-test-node.js';
import { freePort } from '../../free-port.js';
import { DAY_START_MS, gateways, tempDir, type TestGateway } from '../../helpers/uplink-fixture.js';

const gws = gateways(3);
const [a, b, c] = gws as [TestGateway, TestGateway, TestGateway];
const DAY = 86_400_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function inputs(buyerPaysMinor: number): PaymentInputs {
  const results: IntervalResult[] = [
    { intervalStartMs: DAY_START_MS, blockId: 'block-a', trades: [
      { gatewayId: a.id, side: 'sell', energyWh: 300, amountMinor: 76 },
      { gatewayId: b.id, side: 'sell', energyWh: 100, amountMinor: 25 },
      { gatewayId: c.id, side: 'buy', energyWh: 400, amountMinor: buyerPaysMinor },
    ] },
  ];
  return { roster: () => ({ rateNanosPerMinor: 1_000_000, members: gws.map((g) => ({ gatewayId: g.id, publicKey: g.publicKey })) }), results: (from, to) => results.filter((r) => r.intervalStartMs >= from && r.intervalStartMs < to) };
}

async function service(g: TestGateway, node: IotaTestNode, inp: PaymentInputs, events = new EventBus(), clock = new SimulatedClock({ startMs: DAY_START_MS })): Promise<{ svc: PaymentService; store: Store }> {
  const dir = tempDir('nabo-pay-');
  const store = Store.open(join(dir, 'gw.db'));
  const svc = new PaymentService({ config: paymentConfigSchema.parse({ enabled: true, nodeUrl: node.url }), seed: g.seed, gatewayId: g.id, inputs: inp, ioClock: new RealClock() });
  svc.start({ clock, store, status: new StatusBoard(), events });
  cleanups.push(() => {
    svc.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { svc, store };
}

describe('automatic payment against a local IOTA JSON-RPC test node', () => {
  it('pays what the results say it owes, pro rata to the sellers, once, and records the receipt', async () => {
    const node = new IotaTestNode(await freePort());
    await node.start();
    cleanups.push(() => node.stop());
    const clock = new SimulatedClock({ startMs: DAY_START_MS + 1000 });
    const { svc, store } = await service(c, node, inputs(101), new EventBus(), clock);
    // The day ends on the gateway's clock: the period is paid without being asked.
    await clock.advanceTo(DAY_START_MS + DAY + 1);
    await expect.poll(() => node.executed.length, { timeout: 10_000 }).toBe(1);
    const tx = node.executed[0];
    expect(node.badSignatures).toEqual([]);
    expect(tx?.sender).toBe(addressOfPublicKey(c.publicKey));
    expect(tx?.balanceChanges.filter((x) => !x.amount.startsWith('-'))).toEqual([
      { owner: { AddressOwner: addressOfPublicKey(a.publicKey) }, coinType: '0x2::iota::IOTA', amount: '76000000' },
      { owner: { AddressOwner: addressOfPublicKey(b.publicKey) }, coinType: '0x2::iota::IOTA', amount: '25000000' },
    ]);
    await expect.poll(() => store.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'payment'").get(), { timeout: 5_000 }).toEqual({ n: 1 });
    expect(await svc.payPeriod(DAY_START_MS)).toBe('already-paid');
    expect(node.executed).toHaveLength(1);
  });

  it('as a payee, accepts a full payment and raises alarms for a short or a missing one', async () => {
    const node = new IotaTestNode(await freePort());
    await node.start();
    cleanups.push(() => node.stop());
    // The buyer believes it owes 51 instead of 101: a short payment.
    const { svc: payer } = await service(c, node, inputs(51));
    expect(await payer.payPeriod(DAY_START_MS)).toBe('paid');
    const digest = node.executed[0]?.digest ?? '';
    const alarms: Alarm[] = [];
    const events = new EventBus();
    events.on('alarm', (x) => alarms.push(x));
    const { svc: sellerA } = await service(a, node, inputs(101), events);
    const short = await sellerA.checkReceived(DAY_START_MS, [{ payer: c.id, digest }]);
    expect(short).toEqual([{ payer: c.id, code: 'payment-short', expectedNanos: 76_000_000n, receivedNanos: 38_000_000n }]);
    const missing = await sellerA.checkReceived(DAY_START_MS, []);
    expect(missing[0]?.code).toBe('payment-missing');
    expect(alarms.map((x) => x.code)).toEqual(['payment-short', 'payment-missing']);
    const { svc: fair } = await service(c, node, inputs(101));
    expect(await fair.payPeriod(DAY_START_MS)).toBe('paid');
    const ok = await sellerA.checkReceived(DAY_START_MS, [{ payer: c.id, digest: node.executed[1]?.digest ?? '' }]);
    expect(ok[0]?.code).toBe('payment-ok');
  });

  it('raises payment-missing on its own an hour after the period when no receipt arrived', async () => {
    const node = new IotaTestNode(await freePort());
    await node.start();
    cleanups.push(() => node.stop());
    const alarms: Alarm[] = [];
    const events = new EventBus();
    events.on('alarm', (x) => alarms.push(x));
    const clock = new SimulatedClock({ startMs: DAY_START_MS + 1000 });
    await service(a, node, { ...inputs(101), receipts: () => [] }, events, clock);
    await clock.advanceTo(DAY_START_MS + DAY + 3_600_000 + 1);
    await expect.poll(() => alarms.map((x) => x.code), { timeout: 5_000 }).toEqual(['payment-missing']);
    expect(alarms[0]?.details).toMatchObject({ payer: c.id, expectedNanos: '76000000', receivedNanos: '0' });
  });
});
