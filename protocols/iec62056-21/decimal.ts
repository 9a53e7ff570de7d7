// Meter values are printed decimals ("000004.426"). Converting kWh → Wh by moving the decimal
// point in the text (not by multiplying a float) keeps 4.426 kWh exactly 4426 Wh.

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** True when `text` is a plain decimal: optional sign, digits, optional fraction. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** The value of `text` × 10^shift, or undefined when `text` is not a plain decimal. */
export function parseDecimal(text: string, shift = 0): number | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  let int = m[2] as string;
  let frac = m[3] ?? '';
  if (shift > 0) {
    frac = frac.padEnd(shift, '0');
    int += frac.slice(0, shift);
    frac = frac.slice(shift);
  } else if (shift < 0) {
    int = int.padStart(-shift + 1, '0');
    frac = int.slice(int.length + shift) + frac;
    int = int.slice(0, int.length + shift);
  }
  const v = Number(`${sign}${int}${frac === '' ? '' : `.${frac}`}`);
  return Object.is(v, -0) ? 0 : v;
}

/** Prints `value` with `decimals` fraction digits and at least `intDigits` integer digits. */
export function formatFixed(value: number, intDigits: number, decimals: number): string {
  const neg = value < 0;
  const text = Math.abs(value).toFixed(decimals);
  const [int = '0', frac] = text.split('.');
  const body = int.padStart(intDigits, '0') + (frac === undefined ? '' : `.${frac}`);
  return neg ? `-${body}` : body;
}
