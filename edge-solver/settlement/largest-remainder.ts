// Rounding a group of amounts that must add up (all trades of a block in an interval, say):
// the group's exact total is rounded half to even; every member gets the floor of its exact
// amount, and the units still missing go one each to the members with the largest remainders,
// ties to the earlier member. Each member is thus within one minor unit of its exact amount and
// the members add up to the rounded total exactly: a block's trades that net to zero pay zero.
import { floorDiv, roundHalfEven } from './exact-amount.js';

export function allocateRounded(numerators: readonly bigint[], denominator: bigint): bigint[] {
  if (denominator <= 0n) throw new Error('allocateRounded: denominator must be positive');
  let total = 0n;
  for (const n of numerators) total += n;
  const target = roundHalfEven(total, denominator);
  const floors = numerators.map((n) => floorDiv(n, denominator));
  let missing = target - floors.reduce((s, x) => s + x, 0n);
  // 0 ≤ missing ≤ members: the remainders are each in [0, 1) unit.
  const order = numerators
    .map((n, i) => ({ i, remainder: n - floors[i]! * denominator }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (missing <= 0n) break;
    floors[i]! += 1n;
    missing -= 1n;
  }
  return floors;
}
