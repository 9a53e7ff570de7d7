// Long runs kept out of `npm run test:all` (minutes each, or needing more than the CI machine
// offers, such as a Debian mirror for debootstrap): `npm run bench:install`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 30_000,
  },
});
