// The rounding rules of the clearing, in one place: money and energy totals round half to even;
// a total shared between equal-price orders is split by largest remainder (ties to the
// earlier step in canonical order), so the parts add up to the total exactly.

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  const result = Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return result === 0 ? 0 : result; // no −0 in results
}

/** Snaps values within 1e-6 of an integer to it (LP noise), otherwise rounds half to even. */
export function toWh(x: number): number {
  const near = Math.round(x);
  return Math.abs(x - near) <= 1e-6 ? (near === 0 ? 0 : near) : roundHalfEven(x);
}

/**
 * Splits the integer `total` over `members` in proportion to `weights[member]`, writing integer
 * shares into `out[member]`. Largest remainder; equal remainders go to the earlier member.
 */
export function splitProRata(total: number, members: readonly number[], weights: Float64Array, out: Float64Array): void {
  let weightSum = 0;
  for (const m of members) weightSum += weights[m]!;
  if (members.length === 0) return;
  let given = 0;
  const remainders = new Float64Array(members.length);
  members.forEach((m, i) => {
    const exact = weightSum > 0 ? (total * weights[m]!) / weightSum : 0;
    const floor = Math.floor(exact + 1e-9);
    out[m] = floor;
    given += floor;
    remainders[i] = exact - floor;
  });
  let left = total - given;
  if (left <= 0) return;
  const rank = members.map((_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const i of rank) {
    if (left <= 0) break;
    const m = members[i]!;
    if (out[m]! < weights[m]!) {
      out[m] = out[m]! + 1;
      left--;
    }
  }
}
