/**
 * Stage policies: the shared helpers under the names the run loop imports. The retry dialect lives in
 * `src/retry.ts` and the timeout in `src/abort.ts`; nothing here has an implementation of its own.
 */
export { withTimeout } from '../abort.js';
export { withRetry, retryDelay } from '../retry.js';
export type { RetryHooks } from '../retry.js';
