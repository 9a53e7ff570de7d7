// Interval clearing: the public API. clearInterval runs the welfare LP on any network of
// blocks; clearMeritOrder is the single-block fast path. Both end in the same written price
// and tie rules, so where both apply they give the byte-identical result. An infeasible book is
// a normal outcome of a market interval, so clearing returns a Result rather than throwing.
import { fail, ok, type Result } from '../../core/result.js';
import { BACKENDS, type BackendName } from '../lp/index.js';
import type { LpBackend } from '../lp/model.js';
import { allocate, completeAllocation, planAllocation, type Allocation } from './allocation.js';
import { LinkedBlocksError } from './linked-blocks.js';
import { buildClearingModel, primalFromValues } from './lp-model.js';
import { solveMeritOrder } from './merit-order.js';
import { validateOrderBook, type OrderBook } from './order-book.js';
import { pricesByRule, priceSet, type PriceRule } from './price-interval.js';
import { buildProblem, NotOptimalError, type ClearingProblem, type Primal } from './problem.js';
import { assembleResult, type ClearingResult } from './result.js';

export interface ClearingOptions {
  /** LP backend by name or instance (default DEFAULT_CLEARING_BACKEND); the block's configuration fixes it. */
  backend?: BackendName | LpBackend;
  priceRule?: PriceRule;
}

/** Why clearing produced no result: the book cannot be balanced, the solver failed, or the merit order was asked for a network. */
export type ClearingErrorKind = 'infeasible' | 'solver' | 'not-single-block';

export type ClearingOutcome = Result<ClearingResult, ClearingErrorKind>;

/** Valid prices for an optimal primal: the allocation's (midpoint) and the published ones. */
function pricesFor(problem: ClearingProblem, primal: Primal, rule: PriceRule) {
  const set = priceSet(problem, primal);
  const allocationPrices = pricesByRule(set, 'midpoint');
  const published = rule === 'midpoint' ? allocationPrices : pricesByRule(set, rule);
  return { set, allocationPrices, published };
}

/** Prices and tie rules on an optimal primal: the part both paths share. */
export async function finishClearing(problem: ClearingProblem, primal: Primal, rule: PriceRule, backend: LpBackend): Promise<ClearingOutcome> {
  try {
    const { set, allocationPrices, published } = pricesFor(problem, primal, rule);
    const allocation: Allocation = await allocate(problem, allocationPrices, backend);
    return ok(assembleResult(problem, allocation, published, set, rule));
  } catch (err) {
    // The solver's claimed optimum has no valid price, or the tie LP failed: a solver failure.
    if (err instanceof LinkedBlocksError || err instanceof NotOptimalError) return fail('solver', `${backend.name}: ${err.message}`);
    throw err;
  }
}

/**
 * The backend an interval clearing uses unless the block's configuration names another.
 * bench:solver: on interval books of a few hundred orders glpk.js clears in about 2.4 ms and
 * HiGHS in about 7 ms (its WebAssembly call costs more than these small LPs), while HiGHS wins
 * by far on large models (the day-ahead schedule uses it).
 */
export const DEFAULT_CLEARING_BACKEND = 'glpk' as const;

export async function clearInterval(book: OrderBook, options: ClearingOptions = {}): Promise<ClearingOutcome> {
  const backend = typeof options.backend === 'object' ? options.backend : BACKENDS[options.backend ?? DEFAULT_CLEARING_BACKEND];
  const problem = buildProblem(book);
  const solution = await backend.solve(buildClearingModel(problem));
  if (solution.status === 'infeasible') return fail('infeasible', 'the book cannot be balanced within the connection caps and line capacities');
  if (solution.status !== 'optimal') return fail('solver', `${backend.name}: ${solution.status}${solution.detail ? ` (${solution.detail})` : ''}`);
  return finishClearing(problem, primalFromValues(problem, solution.values), options.priceRule ?? 'midpoint', backend);
}

export function clearMeritOrder(book: OrderBook, options: Pick<ClearingOptions, 'priceRule'> = {}): ClearingOutcome {
  if (book.blocks.length !== 1 || book.lines.length !== 0) return fail('not-single-block', 'the merit order clears exactly one block without lines');
  const problem = buildProblem(book);
  const outcome = solveMeritOrder(problem);
  if (!outcome.feasible) return fail('infeasible', outcome.detail);
  const rule = options.priceRule ?? 'midpoint';
  const { set, allocationPrices, published } = pricesFor(problem, outcome.primal, rule);
  // One block, no lines: no marginal line, so no second LP.
  const allocation = completeAllocation(problem, planAllocation(problem, allocationPrices));
  return ok(assembleResult(problem, allocation, published, set, rule));
}

/**
 * Clears a book on the fastest exact path: the merit order for one block without lines (it
 * agrees with the LP to the byte, see the property tests), the LP otherwise.
 */
export async function clearBook(book: OrderBook, options: ClearingOptions = {}): Promise<ClearingOutcome> {
  if (book.blocks.length === 1 && book.lines.length === 0) return clearMeritOrder(book, options.priceRule ? { priceRule: options.priceRule } : {});
  return clearInterval(book, options);
}

export { validateOrderBook, buildProblem, buildClearingModel, primalFromValues };
export type { OrderBook, ClearingResult, PriceRule, ClearingProblem, Primal };
export type { OrderBookInput, Order, Block, Line } from './order-book.js';
export type { BlockResult, LineResult, OrderResult } from './result.js';
export { PRICE_RULES } from './price-interval.js';
