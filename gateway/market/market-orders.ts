// This gateway's order per interval (from its forecast, battery and owner's preferences;
// stored before it is published) and the intake of everyone's orders from the broker.
import type { MarketContext } from './market-context.js';
import type { SignedOrder } from './messages.js';
import { buildOrder, signOrder, type BatteryFlex } from './order-builder.js';
import { intervalMsOf } from './roster.js';
import { forecastSeriesFromStore } from './building-energy.js';
import { readHolds } from '../control/holds.js';
import { batteryTakesSetpoints } from './battery-device.js';

/** How far ahead a battery's later value is looked for: a day, so tonight's shortfall and tomorrow's noon both count. */
const OUTLOOK_INTERVALS_MS = 86_400_000;

export class MarketOrders {
  private sequence = 0;

  constructor(private readonly m: MarketContext) {}

  send(T: number): void {
    const m = this.m;
    const roster = m.roster;
    const me = m.members?.byGateway(m.gatewayId);
    if (!roster || !me) return;
    const prices = m.pricesOf(roster, T).find((b) => b.block === me.block);
    if (!prices) return;
    const market = m.options.market;
    const intervalMs = intervalMsOf(roster);
    const b = market.battery;
    // This interval's forecast and the day after it, from one reading of the store (or the override's interval only).
    let f: { consumptionWh: number; pvWh: number };
    let outlook: { consumptionWh: number[]; pvWh: number[] } | undefined;
    if (m.options.forecast) f = m.options.forecast(T);
    else {
      const targets = Array.from({ length: 1 + (b ? Math.round(OUTLOOK_INTERVALS_MS / intervalMs) : 0) }, (_, k) => T + k * intervalMs);
      const s = forecastSeriesFromStore(m.ctx.store, market, m.ctx.config, targets, T - intervalMs, intervalMs);
      f = { consumptionWh: s.consumptionWh[0] ?? 0, pvWh: s.pvWh[0] ?? 0 };
      outlook = { consumptionWh: s.consumptionWh.slice(1), pvWh: s.pvWh.slice(1) };
    }
    const soc = m.options.batterySocPercent ? m.options.batterySocPercent() : this.socFromStore();
    const battery: BatteryFlex | undefined =
      b && soc !== undefined ? { capacityWh: b.capacityWh, socPercent: soc, minSocPercent: b.minSocPercent, maxSocPercent: b.maxSocPercent, maxChargeW: b.maxChargeW, maxDischargeW: b.maxDischargeW, steered: this.steered() } : undefined;
    const order = buildOrder({
      marketId: roster.marketId,
      gatewayId: m.gatewayId,
      intervalStartMs: T,
      intervalMs,
      sequence: this.sequence++,
      expiresAtMs: T,
      consumptionWh: f.consumptionWh,
      pvWh: f.pvWh,
      prices,
      ...(battery ? { battery } : {}),
      ...(outlook ? { outlook } : {}),
      preferences: market.preferences,
      maxStepEnergyWh: roster.parameters.maxStepEnergyWh,
      maxSteps: roster.parameters.maxStepsPerOrder,
    });
    if (!order) return;
    const signed = signOrder(order, m.identity.seed);
    m.store.saveOwnOrder(signed, T, m.clock.now());
    m.publish(m.topics.of('order', m.gatewayId), signed);
    m.tally.ordersSent++;
  }

  /**
   * Whether nabo steers the battery: its device takes setpoints and nobody holds it. Otherwise it
   * runs its own logic: the order still counts on it serving the building, but offers nothing of it.
   */
  private steered(): boolean {
    const deviceId = this.m.options.market.battery?.deviceId;
    if (!deviceId) return true;
    if (batteryTakesSetpoints(this.m.ctx.config, this.m.options.market) !== true) return false;
    const holds = readHolds(this.m.ctx.config.gateway.dataDir);
    return holds.ok && !(deviceId in holds.holds);
  }

  /** The battery's last stored state of charge, if read in the last 10 minutes (older says little). */
  private socFromStore(): number | undefined {
    const deviceId = this.m.options.market.battery?.deviceId;
    if (!deviceId) return undefined;
    const now = this.m.clock.now();
    const r = this.m.ctx.store.readings.latestAtOrBefore({ deviceId, quantity: 'socPercent' }, now);
    return r && now - r.atMs <= 600_000 ? r.value : undefined;
  }

  /** An order from the broker, already decoded and signature-checked by the link. */
  received(order: SignedOrder, from: string, canonicalPayload?: string): void {
    const m = this.m;
    // Its signature is good whatever the rules say now: the snapshot that carries it need not check it again.
    m.verified.add(order, canonicalPayload);
    const members = m.members;
    const roster = m.roster;
    if (!members || !roster) return m.rejections.add('no-roster', from);
    const r = m.intake.offer(order, from, m.clock.now(), members, (T, block) => m.pricesOf(roster, T).find((p) => p.block === block));
    if (!r.ok) m.rejections.add(r.error.kind, from);
  }
}
