// Money from energy × price, exactly. Energy is integer Wh, prices are minor units per kWh with
// at most 6 decimals (finer digits are rounded to the nearest millionth first), so every amount
// is an integer numerator over one common denominator and can be rounded without float error.

/** Minor units = numerator / AMOUNT_DENOMINATOR (1000 Wh per kWh × 1e6 price steps). */
export const AMOUNT_DENOMINATOR = 1_000_000_000n;
const PRICE_STEPS = 1e6;
/** Keeps price × 1e6 an exact integer in a double. */
export const MAX_ABS_PRICE_MINOR_PER_KWH = 1e9;

/** The price in millionths of a minor unit per kWh, exactly. */
export function priceMicro(priceMinorPerKWh: number): bigint {
  if (!Number.isFinite(priceMinorPerKWh) || Math.abs(priceMinorPerKWh) > MAX_ABS_PRICE_MINOR_PER_KWH) {
    throw new Error(`price ${priceMinorPerKWh} outside ±${MAX_ABS_PRICE_MINOR_PER_KWH}`);
  }
  return BigInt(Math.round(priceMinorPerKWh * PRICE_STEPS));
}

/** energy × price as a numerator over AMOUNT_DENOMINATOR (positive: the party pays). */
export function exactAmount(energyWh: number, priceMinorPerKWh: number): bigint {
  if (!Number.isSafeInteger(energyWh)) throw new Error(`energy ${energyWh} Wh is not a safe integer`);
  return BigInt(energyWh) * priceMicro(priceMinorPerKWh);
}

/** floor(n / d) for d > 0, also for negative n (BigInt division truncates toward zero). */
export function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** n / d rounded to the nearest integer, halves to the even neighbour (d > 0). */
export function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = floorDiv(n, d);
  const twice = 2n * (n - q * d);
  if (twice > d) return q + 1n;
  if (twice < d) return q;
  return q % 2n === 0n ? q : q + 1n;
}
