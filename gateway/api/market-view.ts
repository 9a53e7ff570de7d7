// The market as an installer reads it on the dashboard: for the current and the next interval,
// this gateway's order (energy offered and bid), where the interval stands (no order yet, order
// sent, being cleared, final or grid only), the block's clearing price and the gateway's trade;
// and the gateway's market trades as rows of the trades table. Pure: StoreQueries reads the rows.

/** A final interval's net trade of this gateway, as `market_trades` keeps it. */
export interface MarketTradeRow {
  tradeId: string;
  intervalStartMs: number;
  participantId: string;
  blockId: string;
  /** + bought, − sold. */
  energyWh: number;
  priceMinorPerKWh: number;
  /** + paid, − received. */
  amountMinor: number;
}

export interface MarketIntervalInputs {
  intervalStartMs: number;
  gatewayId: string;
  /** The newest own order's payload as stored (canonical JSON of the signed envelope's payload). */
  order: { bid?: Array<{ energyWh: number; priceMinorPerKWh: number }>; offer?: Array<{ energyWh: number; priceMinorPerKWh: number }> } | undefined;
  /** The `market_intervals` row once the interval is decided. */
  outcome: { status: string; reason: string | null; resultHash: string | null } | undefined;
  /** The round's state in the running market service ('open' while votes are gathered). */
  roundStatus: string | undefined;
  /** Block prices and own orders' results from the stored clearing result. */
  result: { blocks?: Array<{ id: string; priceMinorPerKWh: number | null }>; orders?: Array<{ participant: string; block: string }> } | undefined;
  trade: MarketTradeRow | undefined;
}

export interface MarketIntervalView {
  intervalStart: string;
  state: 'no order' | 'order sent' | 'clearing' | 'final' | 'grid only';
  reason: string | null;
  offeredWh: number;
  bidWh: number;
  clearingPriceMinorPerKWh: number | null;
  /** + bought, − sold; null until the interval is final. */
  tradedWh: number | null;
  /** + paid, − received. */
  amountMinor: number | null;
  resultHash: string | null;
}

const sumWh = (steps: Array<{ energyWh: number }> | undefined): number => (steps ?? []).reduce((s, x) => s + x.energyWh, 0);

export function marketIntervalView(i: MarketIntervalInputs): MarketIntervalView {
  const final = i.outcome?.status === 'final';
  const gridOnly = i.outcome?.status === 'grid-only';
  const state: MarketIntervalView['state'] = final ? 'final' : gridOnly ? 'grid only' : i.roundStatus === 'open' ? 'clearing' : i.order ? 'order sent' : 'no order';
  // The block's price: the trade's own, else the result's price of the block the gateway's order cleared in.
  const block = i.trade?.blockId ?? i.result?.orders?.find((o) => o.participant === i.gatewayId)?.block;
  const price = i.trade?.priceMinorPerKWh ?? (block === undefined ? undefined : i.result?.blocks?.find((b) => b.id === block)?.priceMinorPerKWh);
  return {
    intervalStart: new Date(i.intervalStartMs).toISOString(),
    state,
    reason: gridOnly ? (i.outcome?.reason?.split(':')[0] ?? null) : null,
    offeredWh: sumWh(i.order?.offer),
    bidWh: sumWh(i.order?.bid),
    clearingPriceMinorPerKWh: final ? (price ?? null) : null,
    tradedWh: final ? (i.trade?.energyWh ?? 0) : null,
    amountMinor: final ? (i.trade?.amountMinor ?? 0) : null,
    resultHash: final ? (i.outcome?.resultHash ?? null) : null,
  };
}

/** A market trade as a row of /api/trades: the block's pool is the counterparty (pay-as-clear). */
export function marketTradeAsRow(t: MarketTradeRow): { tradeId: string; intervalStartMs: number; buyerId: string; sellerId: string; energyWh: number; priceMinorPerKWh: number; amountMinor: number; block: string } {
  const pool = `block ${t.blockId}`;
  // A net-zero trade (as much bought as sold) is a sale when it earned money.
  const sold = t.energyWh < 0 || (t.energyWh === 0 && t.amountMinor < 0);
  return {
    tradeId: t.tradeId,
    intervalStartMs: t.intervalStartMs,
    buyerId: sold ? pool : t.participantId,
    sellerId: sold ? t.participantId : pool,
    energyWh: Math.abs(t.energyWh),
    priceMinorPerKWh: t.priceMinorPerKWh,
    amountMinor: Math.abs(t.amountMinor),
    block: t.blockId,
  };
}
