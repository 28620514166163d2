import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^switchyard\/(agno|langgraph|llamaindex|prefect)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^switchyard\/adapter-kit$/, replacement: here('./src/kit/index.ts') },
      { find: /^switchyard\/adapter-kit\/testing$/, replacement: here('./src/kit/testing.ts') },
      { find: /^switchyard\/adapter-kit\/conformance$/, replacement: here('./src/kit/conformance.ts') },
      { find: /^switchyard$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    // Processes the tests start (`node --import tsx ...`, often from a temporary folder) resolve `switchyard/*` to the
    // sources through this tsconfig's paths, as the tests themselves do, never to a stale build.
    env: { TSX_TSCONFIG_PATH: here('./tsconfig.json') },
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['./test/support/summary-reporter.ts', 'default'],
    // Three groups, one after another, so the real servers are not starved of CPU by the unit tests on a small
    // machine: unit and conformance tests first, then the integration tests, then the Prefect server on its own.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: ['test/integration/prefect-server.test.ts'], sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'prefect-server', include: ['test/integration/prefect-server.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
