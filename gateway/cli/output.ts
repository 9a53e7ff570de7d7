// Output helpers shared by the commands: JSON for tools (the default when stdout is not a
// terminal), tables for people; exit codes as in STYLE.md.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type OutputFormat = 'json' | 'table';

/** How every command's --format reads in its help. */
export const FORMAT_DEFAULT = '(default: table on a terminal, json otherwise)';

/** The --format every command uses: as given, else table on a terminal and JSON otherwise. */
export function resolveFormat(option: string | undefined): OutputFormat {
  if (option === 'json' || option === 'table') return option;
  if (option !== undefined) throw new UsageError(`--format: ${JSON.stringify(option)} is not json or table`);
  return process.stdout.isTTY ? 'table' : 'json';
}

/**
 * Binary floating-point noise off a number (0.17727999999999994 → 0.17728, 1.1e-13 → 0 next to
 * nothing else): 12 significant digits keep every digit a meter or a price has.
 */
export function cleanNumber(x: number): number {
  if (!Number.isFinite(x)) return x;
  const clean = Number(x.toPrecision(12));
  return Object.is(clean, -0) ? 0 : clean;
}

/** Every number in a JSON-able value, cleaned (see cleanNumber). */
export function cleanNumbers<T>(value: T): T {
  if (typeof value === 'number') return cleanNumber(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanNumbers(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanNumbers(v)])) as T;
  return value;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(cleanNumbers(value), null, 2)}\n`);
}

/**
 * The resolution meters report a quantity in, by its unit: what a person is shown of a measured
 * value (a float32 register gives 147.61605834960938 W; the meter means 147.6 W). A value
 * closer to zero than the resolution is zero (1.136868e-13 W).
 */
const RESOLUTION: Record<string, number> = { W: 0.1, var: 0.1, VA: 0.1, Wh: 1, varh: 1, V: 0.1, A: 0.001, Hz: 0.01, '%': 0.1, '°C': 0.1, m3: 0.001 };

/** The step a unit's values are shown at (0 when shown as they are). */
export function resolutionOf(unit: string): number {
  return RESOLUTION[unit] ?? 0;
}

export function atResolution(unit: string, value: number): number {
  const step = RESOLUTION[unit];
  if (step === undefined || !Number.isFinite(value)) return cleanNumber(value);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const rounded = Number((Math.round(value / step) * step).toFixed(decimals));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A plain left-aligned text table. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Usage or configuration error: message to stderr, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
