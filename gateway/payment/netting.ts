// Who owes whom for a settlement period, derived only from the final results every gateway of
// the block holds, so every gateway computes the same obligations. Per block and interval each
// buyer's trade amount is split among the sellers pro rata to the energy they sold (largest
// remainder, ties to the lower gateway id, so the parts sum exactly); obligations are summed
// over the period and netted pairwise. Pure.

export interface ResultTrade {
  gatewayId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  /** What the buyer pays / the seller receives, minor units. */
  amountMinor: number;
}

/** One block's final result for one interval. */
export interface IntervalResult {
  intervalStartMs: number;
  blockId: string;
  trades: ReadonlyArray<ResultTrade>;
}

export interface Obligation {
  payer: string;
  payee: string;
  amountMinor: number;
}

/** Splits `total` over `weights` exactly, by largest remainder (ties: earlier key). */
export function splitProRata(total: number, weights: ReadonlyArray<[string, number]>): Map<string, number> {
  const sum = weights.reduce((a, [, w]) => a + w, 0);
  const out = new Map<string, number>();
  if (sum <= 0 || total === 0) return out;
  const sorted = [...weights].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sign = Math.sign(total);
  const abs = Math.abs(total);
  const parts = sorted.map(([k, w]) => ({ k, floor: Math.floor((abs * w) / sum), rem: (abs * w) % sum }));
  let left = abs - parts.reduce((a, p) => a + p.floor, 0);
  for (const p of [...parts].sort((a, b) => b.rem - a.rem)) {
    if (left === 0) break;
    p.floor++;
    left--;
  }
  for (const p of parts) if (p.floor !== 0) out.set(p.k, sign * p.floor);
  return out;
}

/** Net obligations of the whole period, payer → payee, amounts > 0, sorted by payer then payee. */
export function netObligations(results: ReadonlyArray<IntervalResult>): Obligation[] {
  const gross = new Map<string, number>();
  const key = (a: string, b: string): string => `${a}\u0000${b}`;
  for (const r of results) {
    const sellers = r.trades.filter((t) => t.side === 'sell' && t.energyWh > 0).map((t): [string, number] => [t.gatewayId, t.energyWh]);
    if (sellers.length === 0) continue;
    for (const buy of r.trades.filter((t) => t.side === 'buy')) {
      for (const [seller, part] of splitProRata(buy.amountMinor, sellers)) {
        if (seller === buy.gatewayId) continue;
        gross.set(key(buy.gatewayId, seller), (gross.get(key(buy.gatewayId, seller)) ?? 0) + part);
      }
    }
  }
  const out: Obligation[] = [];
  const seen = new Set<string>();
  for (const k of gross.keys()) {
    const [a = '', b = ''] = k.split('\u0000');
    const pair = a < b ? key(a, b) : key(b, a);
    if (seen.has(pair)) continue;
    seen.add(pair);
    const net = (gross.get(key(a, b)) ?? 0) - (gross.get(key(b, a)) ?? 0);
    if (net > 0) out.push({ payer: a, payee: b, amountMinor: net });
    if (net < 0) out.push({ payer: b, payee: a, amountMinor: -net });
  }
  return out.sort((x, y) => (x.payer < y.payer ? -1 : x.payer > y.payer ? 1 : x.payee < y.payee ? -1 : x.payee > y.payee ? 1 : 0));
}

/**
 * What `payer` pays this period: its net obligations to each seller, or, when the roster names
 * a clearing account, its whole net position (bought minus sold) to that account.
 */
export function paymentsOf(payer: string, results: ReadonlyArray<IntervalResult>, clearingAccount?: string): Obligation[] {
  if (clearingAccount) {
    let net = 0;
    for (const r of results) for (const t of r.trades) if (t.gatewayId === payer) net += t.side === 'buy' ? t.amountMinor : -t.amountMinor;
    return net > 0 ? [{ payer, payee: clearingAccount, amountMinor: net }] : [];
  }
  return netObligations(results).filter((o) => o.payer === payer);
}
