import type { AdapterLoader } from './adapter.js';
import type { SchedulerFactory } from './schedule/types.js';

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

/** The embedded scheduler (bree, in the prefect adapter), loaded only by `switchyard scheduler`. */
export const BUILTIN_SCHEDULER = async (): Promise<SchedulerFactory> => (await import('../adapters/prefect/index.js')).createLocalScheduler;

/** The Prefect-server half (REST client, deploy, worker), loaded only by `switchyard deploy` and `switchyard worker`. */
export const BUILTIN_PREFECT_SERVER = () => import('../adapters/prefect/server/index.js');

/** The OpenAI-compatible model providers (shipped with the agno adapter); the adapter kit hands them to any engine. */
export const BUILTIN_MODEL_PROVIDERS = () => import('../adapters/agno/models/index.js');
