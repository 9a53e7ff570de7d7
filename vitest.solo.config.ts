// Tests that need the machine to themselves: a whole simulated day of the district (nine
// gateway processes, two brokers, the operator, the simulator) keeps time on two cores only
// when no other test file runs beside it. `npm run test:all` runs them after the main suite,
// one at a time; `npm run bench:district` runs the district day alone.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/solo/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 30_000,
  },
});
