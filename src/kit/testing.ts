/**
 * Testing helpers for adapter and store authors (`switchyard/adapter-kit/testing`): a stage context for running
 * one adapter outside a pipeline, and the conformance suites every adapter and every run store passes.
 * The suites use vitest (an optional peer dependency); import this entry only from tests.
 */
export { createTestContext, createTestMemo, createTestSchedules } from './testing/test-context.js';
export type { TestContext, TestContextOptions, TestMemo, TestSchedules } from './testing/test-context.js';
export { describeAdapterConformance } from './testing/adapter-conformance.js';
export type { ConformanceFixtures } from './testing/adapter-conformance.js';
export { describeStoreConformance, runRecord } from './testing/store-conformance.js';
export type { StoreConformanceOptions } from './testing/store-conformance.js';
