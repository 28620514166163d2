import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^switchyard\/(agno|langgraph|llamaindex|prefect)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^switchyard\/testing$/, replacement: here('./src/testing.ts') },
      { find: /^switchyard$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['./test/support/summary-reporter.ts', 'default'],
  },
});
