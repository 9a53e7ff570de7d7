// Settling one delivered interval when its grid-meter energy is final: the interval's trade
// (if the market made it final here) against the metered energy, at the prices its snapshot
// cleared with (grid only: the price list or the roster's). Signed and stored with its outbox
// record; a metering gap is settled as a gap.
import type { GatewayEvents } from '../events/events.js';
import type { GatewayIdentity } from './identity.js';
import type { MarketStore } from './market-store.js';
import type { MemberIndex } from './order-rules.js';
import type { BlockPrices } from './prices.js';
import { settlementOf, signSettlement } from './records.js';
import type { Roster } from './roster.js';
import { verifySnapshot } from './snapshot.js';

export type SettleOutcome = 'settled' | 'no-market-interval' | 'not-a-member' | { error: string };

export function settleEnergy(
  e: GatewayEvents['intervalEnergyFinal'],
  deps: { gatewayId: string; roster: Roster; members: MemberIndex; store: MarketStore; identity: GatewayIdentity; pricesNow: (intervalStartMs: number) => BlockPrices[]; nowMs: number },
): SettleOutcome {
  const me = deps.members.byGateway(deps.gatewayId);
  if (!me) return 'not-a-member';
  const row = deps.store.interval(e.intervalStartMs);
  if (!row) return 'no-market-interval';
  const snapshot = row.snapshotHash ? deps.store.snapshots(e.intervalStartMs).find((s) => s.hash === row.snapshotHash) : undefined;
  const verified = snapshot ? verifySnapshot(snapshot.envelope, deps.roster, deps.members) : undefined;
  const fromBook = verified?.ok ? verified.value.book.blocks.find((b) => b.id === me.block) : undefined;
  const prices: BlockPrices | undefined = fromBook
    ? { block: fromBook.id, gridImportPriceMinorPerKWh: fromBook.gridImportPriceMinorPerKWh, gridTariffMinorPerKWh: fromBook.gridTariffMinorPerKWh, gridExportPriceMinorPerKWh: fromBook.gridExportPriceMinorPerKWh }
    : deps.pricesNow(e.intervalStartMs).find((p) => p.block === me.block);
  if (!prices) return { error: `no prices for block ${me.block}` };
  const trade = deps.store.trades(e.intervalStartMs).find((t) => t.payload.gatewayId === deps.gatewayId)?.payload;
  const record = settlementOf({
    marketId: deps.roster.marketId,
    intervalStart: new Date(e.intervalStartMs).toISOString(),
    member: me,
    prices,
    trade,
    market: row.status,
    metered: { importWh: e.importWh, exportWh: e.exportWh, gap: e.quality === 'gap', gapReason: e.gapReason },
  });
  if ('error' in record) return record;
  deps.store.saveSettlement(signSettlement(record, deps.identity.seed), e.intervalStartMs, e.intervalMs, { importWh: e.importWh, exportWh: e.exportWh }, trade, deps.nowMs);
  return 'settled';
}
