// Long runs kept out of the default suite (`npm run bench:district`): a whole simulated day of
// the district takes ~5 minutes and its first intervals still depend on how fast nine
// processes start on a loaded machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 30_000,
  },
});
