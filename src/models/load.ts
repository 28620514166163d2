import { BUILTIN_MODEL_PROVIDERS } from '../builtin-adapters.js';

/**
 * The built-in model providers (`resolveModel('openai:gpt-4o-mini')`, `openAICompatible({...})`), loaded on first
 * use so nothing imports the `openai` SDK until a model is needed. Engines other than agno (grounded RAG answers)
 * reach them here instead of importing another adapter.
 */
export function loadModelProviders(): ReturnType<typeof BUILTIN_MODEL_PROVIDERS> {
  return BUILTIN_MODEL_PROVIDERS();
}
