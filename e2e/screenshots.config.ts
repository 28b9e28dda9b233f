import { defineConfig } from 'vitest/config';

/**
 * Screenshots of the main screens for docs/ (not part of `npm test`):
 *   npm run build && npx vitest run --config e2e/screenshots.config.ts
 * Runs under vitest (not plain node) because the scheduler's CommonJS
 * dependencies load through vite's resolver there, as in the browser tests.
 */
export default defineConfig({
  test: {
    include: ['e2e/screenshots.shots.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
