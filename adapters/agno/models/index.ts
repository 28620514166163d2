/** The OpenAI-compatible model providers, loaded lazily by the adapter kit's `loadModelProviders()`. */
export { openAICompatible } from './openai-compatible.js';
export type { OpenAICompatibleOptions } from './openai-compatible.js';
export { resolveModel } from './resolve-model.js';
export type { ModelSpec, ModelCallSettings } from './resolve-model.js';
