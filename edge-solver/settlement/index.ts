// Settlement math: metered against traded energy per interval, in integer minor units.
export { AMOUNT_DENOMINATOR, exactAmount, floorDiv, priceMicro, roundHalfEven, MAX_ABS_PRICE_MINOR_PER_KWH } from './exact-amount.js';
export { allocateRounded } from './largest-remainder.js';
export type {
  BlockSettlement,
  IntervalSettlement,
  IntervalSettlementInput,
  ParticipantSettlement,
  SettlementBlockPrices,
  SettlementErrorKind,
  SettlementPosition,
} from './settle-interval.js';
export { settleInterval } from './settle-interval.js';
export type { MeteredEnergy } from './from-clearing.js';
export { settlementInputFromClearing } from './from-clearing.js';
