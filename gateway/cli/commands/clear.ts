// `nabo clear <book.json>`: clears one interval's order book and prints the result as RFC 8785
// canonical JSON, byte-identical on every gateway. Invalid book → exit 2 with the field's path;
// a book that cannot be balanced → exit 1.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../../core/canonical-json.js';
import { clearBook, clearInterval, clearMeritOrder, DEFAULT_CLEARING_BACKEND, PRICE_RULES, validateOrderBook, type ClearingOutcome, type ClearingResult, type PriceRule } from '../../../edge-solver/clearing/index.js';
import { BACKEND_NAMES, isBackendName } from '../../../edge-solver/lp/index.js';
import { EXIT_FAILED, EXIT_OK, formatTable, resolveFormat, UsageError } from '../output.js';

const MERIT_ORDER = 'merit-order';
/** The merit order for one block without lines, else the LP on the default backend. */
const AUTO = 'auto';

interface ClearFlags {
  backend: string;
  priceRule: string;
  format?: string;
}

function readBook(file: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
}

function table(r: ClearingResult): string {
  const price = (x: number | null): string => (x === null ? '-' : String(x));
  return (
    formatTable(
      ['block', 'price minor/kWh', 'price range minor/kWh', 'bought Wh', 'sold Wh', 'import Wh', 'export Wh'],
      r.blocks.map((b) => [b.id, price(b.priceMinorPerKWh), `[${price(b.priceIntervalMinorPerKWh[0])}, ${price(b.priceIntervalMinorPerKWh[1])}]`, b.boughtWh, b.soldWh, b.gridImportWh, b.gridExportWh]),
    ) +
    '\n' +
    formatTable(
      ['order', 'participant', 'block', 'side', 'accepted Wh', 'amount minor'],
      r.orders.map((o) => [o.id, o.participant, o.block, o.side, o.acceptedWh, o.amountMinor]),
    ) +
    // Money is in the book's minor units (øre, cent): the book names no currency.
    `\nwelfare ${r.totals.welfareMinor} minor units, traded ${r.totals.tradedWh} Wh, DSO fees ${r.totals.dsoFeeRevenueMinor} minor units\n`
  );
}

export function register(program: Command): void {
  program
    .command('clear')
    .description('clear an interval order book (welfare LP with the grid as fallback) and print the result as canonical JSON')
    .argument('<book>', 'order book JSON file (docs/order-book.md), or - for stdin')
    .option('--backend <name>', `${[AUTO, ...BACKEND_NAMES, MERIT_ORDER].join(', ')} (auto: merit order for one block, else the LP on ${DEFAULT_CLEARING_BACKEND}; merit-order: one block only)`, AUTO)
    .option('--price-rule <rule>', PRICE_RULES.join(' or '), 'midpoint')
    .option('--format <format>', 'json (RFC 8785 canonical) or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo clear docs/examples/order-book.json\n  $ nabo clear docs/examples/order-book.json --backend glpk --price-rule pay-as-clear\n')
    .action(async (file: string, flags: ClearFlags) => {
      const backend = flags.backend;
      if (!isBackendName(backend) && backend !== MERIT_ORDER && backend !== AUTO) throw new UsageError(`--backend: ${JSON.stringify(backend)} is not one of ${[AUTO, ...BACKEND_NAMES, MERIT_ORDER].join(', ')}`);
      if (!(PRICE_RULES as readonly string[]).includes(flags.priceRule)) throw new UsageError(`--price-rule: ${JSON.stringify(flags.priceRule)} is not one of ${PRICE_RULES.join(', ')}`);
      if (flags.format !== undefined && flags.format !== 'json' && flags.format !== 'table') throw new UsageError(`--format: ${JSON.stringify(flags.format)} is not json or table`);
      const format = resolveFormat(flags.format);
      const priceRule = flags.priceRule as PriceRule;
      const parsed = validateOrderBook(readBook(file));
      if (!parsed.ok) throw new UsageError(`${file}: invalid order book at ${parsed.error.detail}`);
      const outcome: ClearingOutcome = backend === AUTO ? await clearBook(parsed.value, { priceRule }) : backend === MERIT_ORDER ? clearMeritOrder(parsed.value, { priceRule }) : await clearInterval(parsed.value, { backend, priceRule });
      if (!outcome.ok) {
        if (outcome.error.kind === 'not-single-block') throw new UsageError(`--backend merit-order: ${outcome.error.detail}`);
        process.stderr.write(`nabo clear: ${outcome.error.kind}: ${outcome.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      process.stdout.write(format === 'table' ? table(outcome.value) : `${canonicalJson(outcome.value)}\n`);
      process.exitCode = EXIT_OK;
    });
}
