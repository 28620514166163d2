/**
 * Testing helpers for adapter and store authors (`switchyard/adapter-kit/testing`): a stage context for running one
 * adapter outside a pipeline (with in-memory memos and schedules), and a plausible run record for store tests.
 * Nothing here imports a test runner, so benchmarks and child processes can use it too. The conformance suites
 * every adapter and every run store passes are at `switchyard/adapter-kit/conformance` (they use vitest).
 */
export { createTestContext, createTestMemo, createTestSchedules } from './testing/test-context.js';
export type { TestContext, TestContextOptions, TestMemo, TestSchedules } from './testing/test-context.js';
export { runRecord } from './testing/records.js';
