// The LP backends by name. A block's configuration names one, so every gateway of the block
// solves with the same code path.
import { glpkBackend } from './glpk.js';
import { highsBackend } from './highs.js';
import { jsLpSolverBackend } from './js-lp-solver.js';
import type { LpBackend } from './model.js';

export type BackendName = 'highs' | 'glpk' | 'js-lp-solver';

export const BACKEND_NAMES: readonly BackendName[] = ['highs', 'glpk', 'js-lp-solver'];

export const BACKENDS: Readonly<Record<BackendName, LpBackend>> = {
  highs: highsBackend,
  glpk: glpkBackend,
  'js-lp-solver': jsLpSolverBackend,
};

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

export { glpkBackend, highsBackend, jsLpSolverBackend };
export * from './model.js';
