/**
 * The conformance suites (`switchyard/adapter-kit/conformance`): one for every orchestrator adapter, one for every run
 * store. They use vitest (an optional peer dependency): import this entry only from test files.
 */
export { describeAdapterConformance } from './testing/adapter-conformance.js';
export type { ConformanceFixtures } from './testing/adapter-conformance.js';
export { describeStoreConformance } from './testing/store-conformance.js';
export type { StoreConformanceOptions } from './testing/store-conformance.js';
