// A building's interval order from its forecast, its battery's flexibility and its owner's
// price preferences. Every limit price lies between the feed-in price and retail + tariff: a
// seller never sells below what the grid pays it and a buyer never pays more than the grid
// asks, so trading never leaves a building worse off than the grid for the energy it trades.
// The firm part of a need is priced near the grid (it will be needed anyway), the uncertain
// rest and the battery's optional energy nearer the middle of the spread.
import { signEnvelope } from '../../core/signed-envelope.js';
import { ORDER_DOMAIN, orderIdFor, type OrderPayload, type OrderStep, type SignedOrder } from './messages.js';
import type { BlockPrices } from './prices.js';

export interface BatteryFlex {
  capacityWh: number;
  socPercent: number;
  minSocPercent: number;
  maxSocPercent: number;
  maxChargeW: number;
  maxDischargeW: number;
}

export interface OwnerPreferences {
  /** Never sell below this (clamped into the grid spread). */
  minSellPriceMinorPerKWh?: number;
  /** Never buy above this (clamped into the grid spread). */
  maxBuyPriceMinorPerKWh?: number;
  /** Share of the forecast surplus or shortfall bid or offered as firm (default 0.8). */
  firmShare?: number;
  /** Offer the battery's flexibility (default true). */
  useBattery?: boolean;
}

export interface OrderInputs {
  marketId: string;
  gatewayId: string;
  intervalStartMs: number;
  intervalMs: number;
  sequence: number;
  expiresAtMs: number;
  consumptionWh: number;
  pvWh: number;
  prices: BlockPrices;
  battery?: BatteryFlex;
  preferences?: OwnerPreferences;
  maxStepEnergyWh: number;
  maxSteps: number;
}

export interface PriceBounds {
  /** Feed-in: the least any offer asks. */
  floorMinorPerKWh: number;
  /** Retail + tariff: the most any bid pays. */
  ceilingMinorPerKWh: number;
}

export function priceBounds(prices: BlockPrices): PriceBounds {
  return { floorMinorPerKWh: prices.gridExportPriceMinorPerKWh, ceilingMinorPerKWh: prices.gridImportPriceMinorPerKWh + prices.gridTariffMinorPerKWh };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)));
}

/** Splits energy into steps no larger than the roster's bound. */
function steps(energyWh: number, priceMinorPerKWh: number, maxStepEnergyWh: number): OrderStep[] {
  const out: OrderStep[] = [];
  let left = Math.floor(energyWh);
  while (left >= 1) {
    const e = Math.min(left, maxStepEnergyWh);
    out.push({ energyWh: e, priceMinorPerKWh });
    left -= e;
  }
  return out;
}

/** The unsigned order; undefined when there is nothing to trade. */
export function buildOrder(inputs: OrderInputs): OrderPayload | undefined {
  const { floorMinorPerKWh: floor, ceilingMinorPerKWh: ceiling } = priceBounds(inputs.prices);
  const spread = ceiling - floor;
  const prefs = inputs.preferences ?? {};
  const firm = Math.min(1, Math.max(0, prefs.firmShare ?? 0.8));
  const maxBuy = clamp(prefs.maxBuyPriceMinorPerKWh ?? ceiling, floor, ceiling);
  const minSell = clamp(prefs.minSellPriceMinorPerKWh ?? floor, floor, ceiling);
  const bidAt = (share: number): number => clamp(Math.min(maxBuy, floor + share * spread), floor, ceiling);
  const offerAt = (share: number): number => clamp(Math.max(minSell, floor + share * spread), floor, ceiling);

  const netWh = Math.round(inputs.consumptionWh - inputs.pvWh);
  const bid: OrderStep[] = [];
  const offer: OrderStep[] = [];
  if (netWh > 0) {
    bid.push(...steps(netWh * firm, bidAt(0.9), inputs.maxStepEnergyWh), ...steps(netWh - Math.floor(netWh * firm), bidAt(0.6), inputs.maxStepEnergyWh));
  } else if (netWh < 0) {
    const surplus = -netWh;
    offer.push(...steps(surplus * firm, offerAt(0.1), inputs.maxStepEnergyWh), ...steps(surplus - Math.floor(surplus * firm), offerAt(0.4), inputs.maxStepEnergyWh));
  }
  const b = inputs.battery;
  if (b && prefs.useBattery !== false && b.capacityWh > 0) {
    const hours = inputs.intervalMs / 3_600_000;
    const roomWh = Math.max(0, ((b.maxSocPercent - b.socPercent) / 100) * b.capacityWh);
    const availableWh = Math.max(0, ((b.socPercent - b.minSocPercent) / 100) * b.capacityWh);
    // Charging from a neighbour's surplus is worth it when cheap; discharging to a neighbour when dear.
    bid.push(...steps(Math.min(roomWh, b.maxChargeW * hours), bidAt(0.25), inputs.maxStepEnergyWh));
    offer.push(...steps(Math.min(availableWh, b.maxDischargeW * hours), offerAt(0.75), inputs.maxStepEnergyWh));
  }
  if (bid.length === 0 && offer.length === 0) return undefined;
  return {
    marketId: inputs.marketId,
    intervalStart: new Date(inputs.intervalStartMs).toISOString(),
    gatewayId: inputs.gatewayId,
    orderId: orderIdFor(inputs.gatewayId, inputs.intervalStartMs, inputs.intervalMs, inputs.sequence),
    sequence: inputs.sequence,
    expiresAt: new Date(inputs.expiresAtMs).toISOString(),
    ...(bid.length > 0 ? { bid: bid.slice(0, inputs.maxSteps) } : {}),
    ...(offer.length > 0 ? { offer: offer.slice(0, inputs.maxSteps) } : {}),
  };
}

export function signOrder(order: OrderPayload, seed: Uint8Array): SignedOrder {
  return signEnvelope(ORDER_DOMAIN, order, seed);
}
