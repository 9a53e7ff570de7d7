// The worker thread's entry (plan-solver.ts): first the lowest CPU priority for this thread only
// (Linux keeps the nice value per thread; pid 0 = the caller), then the solver's modules, so
// that loading them (WebAssembly compile, and TypeScript when run from source) is low priority
// too. The plan is due hours later; the meters and the interval market are due now.
import { setPriority } from 'node:os';

try {
  setPriority(19);
} catch {
  // Not permitted or not supported: the solve runs at the gateway's own priority.
}
await import('./plan-solve-handler.js');
