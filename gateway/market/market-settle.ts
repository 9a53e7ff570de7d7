// Settles a delivered interval when the grid meter's interval energy is final (the records and
// the arithmetic are market-settlement.ts); a failure is counted and logged, never thrown.
import type { GatewayEvents } from '../events/events.js';
import type { MarketContext } from './market-context.js';
import { settleEnergy } from './market-settlement.js';

export function settleOnEnergyFinal(m: MarketContext, e: GatewayEvents['intervalEnergyFinal']): void {
  if (e.deviceId !== m.options.market.gridMeterDeviceId) return;
  const roster = m.roster;
  if (!roster || !m.members) return;
  const outcome = settleEnergy(e, { gatewayId: m.gatewayId, roster, members: m.members, store: m.store, identity: m.identity, pricesNow: (T) => m.pricesOf(roster, T), nowMs: m.clock.now() });
  if (typeof outcome === 'object') {
    m.rejections.add('settlement-failed', m.gatewayId);
    m.log.error({ interval: new Date(e.intervalStartMs).toISOString(), error: outcome.error }, 'market: settlement failed');
    return;
  }
  if (outcome === 'settled') m.changed();
}
