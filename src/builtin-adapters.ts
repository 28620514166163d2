import type { AdapterLoader } from './adapter.js';

/**
 * The four built-in engines, imported only when a stage needs one.
 * Each adapter folder's barrel exports `createAdapter()`; its top level imports no engine SDK.
 */
export const BUILTIN_ADAPTERS: Readonly<Record<string, AdapterLoader>> = {
  agno: async () => (await import('../adapters/agno/index.js')).createAdapter(),
  langgraph: async () => (await import('../adapters/langgraph/index.js')).createAdapter(),
  llamaindex: async () => (await import('../adapters/llamaindex/index.js')).createAdapter(),
  prefect: async () => (await import('../adapters/prefect/index.js')).createAdapter(),
};

export const BUILTIN_TYPES = Object.keys(BUILTIN_ADAPTERS);
