// Which way is positive, per quantity, and how a vendor's own convention is turned into ours.
// A definition says what the vendor document says (`positive: 'export'`); the sign flip is
// derived here, so nobody writes `multiplier: -1` and the docs can say why a value was negated.
import type { Quantity } from '../../core/quantities.js';
import type { SignDirection as Direction } from '../modbus/registers.js';

/** nabo's convention (core/quantities.ts): grid powers positive on import, battery power positive on discharge. */
export const SIGN_CONVENTIONS: Partial<Record<Quantity, { positive: Direction; negative: Direction }>> = {
  powerW: { positive: 'import', negative: 'export' },
  powerL1W: { positive: 'import', negative: 'export' },
  powerL2W: { positive: 'import', negative: 'export' },
  powerL3W: { positive: 'import', negative: 'export' },
  reactivePowerVar: { positive: 'import', negative: 'export' },
  reactivePowerL1Var: { positive: 'import', negative: 'export' },
  reactivePowerL2Var: { positive: 'import', negative: 'export' },
  reactivePowerL3Var: { positive: 'import', negative: 'export' },
  batteryPowerW: { positive: 'discharge', negative: 'charge' },
};

/**
 * +1 when the vendor's positive direction is ours, -1 when it is the opposite one, or a
 * problem text when the direction does not apply to the quantity.
 */
export function signFactor(quantity: Quantity | undefined, positive: Direction): 1 | -1 | string {
  const c = quantity === undefined ? undefined : SIGN_CONVENTIONS[quantity];
  if (!c) return `a sign convention needs a signed power quantity (${Object.keys(SIGN_CONVENTIONS).join(', ')}), not ${quantity ?? 'none'}`;
  if (positive === c.positive) return 1;
  if (positive === c.negative) return -1;
  return `'${positive}' is not a direction of ${quantity} (${c.positive} / ${c.negative})`;
}
