import { defineConfig } from 'vitest/config';

/**
 * Every package's vitest settings. Besides the console report, each run writes
 * `test-results.json`, which `scripts/test-summary.mjs` adds up for CI.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
