// A building's interval order from its forecast, its battery and its owner's price preferences.
// Every limit price lies between the feed-in price and retail + tariff: a seller never sells
// below what the grid pays it and a buyer never pays more than the grid asks. What is traded
// is the exchange the building would have with the grid anyway, with its battery serving it
// first (self-consumption, steered or on its own logic): selling a surplus the battery will
// store, or buying what it will cover, would only be bought back or sold back at the grid's
// prices. The firm part is priced near the grid (it will be needed anyway), the uncertain rest
// nearer the middle. A steered battery also trades the energy it would otherwise spill or import
// later (gateway/market/battery-value.ts): spare energy is offered, missing energy is bid for.
import { signEnvelope } from '../../core/signed-envelope.js';
import { ORDER_DOMAIN, orderIdFor, type OrderPayload, type OrderStep, type SignedOrder } from './messages.js';
import type { BlockPrices } from './prices.js';
import { batteryOutlook, DEFAULT_EFFICIENCY, selfConsumptionStep, type BatteryModel } from './battery-value.js';

export interface BatteryFlex extends BatteryModel {
  /** nabo steers it (default true); false: it runs its own logic, which the order accounts for but offers nothing of. */
  steered?: boolean;
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
  /** Forecast load and PV (Wh) of the intervals after this one (a day or so), for what the battery's energy is worth later. */
  outlook?: { consumptionWh: readonly number[]; pvWh: readonly number[] };
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

/** How far the PV of the battery's outlook may be off before its energy is traded on it. */
const PV_OUTLOOK_MARGIN = 0.25;

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

  const b = inputs.battery;
  const deficitWh = inputs.consumptionWh - inputs.pvWh;
  const own = b && b.capacityWh > 0 ? selfConsumptionStep(b, (b.socPercent / 100) * b.capacityWh, deficitWh, inputs.intervalMs) : undefined;
  const netWh = Math.round(own ? own.netWh : deficitWh);
  const bid: OrderStep[] = [];
  const offer: OrderStep[] = [];
  if (netWh > 0) {
    bid.push(...steps(netWh * firm, bidAt(0.9), inputs.maxStepEnergyWh), ...steps(netWh - Math.floor(netWh * firm), bidAt(0.6), inputs.maxStepEnergyWh));
  } else if (netWh < 0) {
    const surplus = -netWh;
    offer.push(...steps(surplus * firm, offerAt(0.1), inputs.maxStepEnergyWh), ...steps(surplus - Math.floor(surplus * firm), offerAt(0.4), inputs.maxStepEnergyWh));
  }
  if (b && own && b.steered !== false && prefs.useBattery !== false && inputs.outlook && inputs.outlook.consumptionWh.length > 0) {
    const hours = inputs.intervalMs / 3_600_000;
    const etaC = b.chargeEfficiency ?? DEFAULT_EFFICIENCY;
    const etaD = b.dischargeEfficiency ?? DEFAULT_EFFICIENCY;
    const charging = Math.max(0, own.batteryAcWh);
    const discharging = Math.max(0, -own.batteryAcWh);
    // Battery energy is traded only where the outlook holds with the day's PV 25 % off in the
    // unlucky direction: energy sold in the morning for a noon that stays grey is bought back at
    // the import price, and energy bought for an evening the sun covers after all is spilled.
    const { consumptionWh, pvWh } = inputs.outlook;
    const deficits = (pvFactor: number): number[] => consumptionWh.map((c, k) => c - pvFactor * (pvWh[k] ?? 0));
    const likely = batteryOutlook(b, own.storedWh, deficits(1), inputs.intervalMs).first;
    const outlook = likely === 'none' ? undefined : batteryOutlook(b, own.storedWh, deficits(likely === 'full' ? 1 - PV_OUTLOOK_MARGIN : 1 + PV_OUTLOOK_MARGIN), inputs.intervalMs);
    if (outlook?.first === 'full' && likely === 'full') {
      // It would spill later: what it holds beyond that is worth feed-in now (plus the round trip's loss).
      const headroomWh = charging + Math.max(0, b.maxDischargeW * hours - discharging);
      const energyWh = Math.min(headroomWh, outlook.spareStoredWh * etaD) * firm;
      const costMinor = floor >= 0 ? floor / (etaC * etaD) : floor;
      offer.push(...steps(energyWh, Math.max(offerAt(0.15), clamp(Math.ceil(costMinor), floor, ceiling)), inputs.maxStepEnergyWh));
    } else if (outlook?.first === 'empty' && likely === 'empty') {
      // It would run empty later: a Wh stored now saves an import then, less the round trip's loss.
      const headroomWh = discharging + Math.max(0, b.maxChargeW * hours - charging);
      const energyWh = Math.min(headroomWh, outlook.wantedStoredWh / etaC) * firm;
      const worthMinor = ceiling >= 0 ? ceiling * etaC * etaD : ceiling;
      bid.push(...steps(energyWh, Math.min(bidAt(0.75), clamp(Math.floor(worthMinor), floor, ceiling)), inputs.maxStepEnergyWh));
    }
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
