import { loadModelProviders, type ModelProvider } from 'switchyard/adapter-kit';
import type { EndpointConfig } from './settings.js';

/** How the adapter is told about a chat model: the agno adapter's provider objects and specs, or an endpoint. */
export type ChatModelSetting = ModelProvider | string | EndpointConfig | false | undefined;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the chat model for grounded answers through the adapter kit's model providers (loaded lazily):
 * a task's `model` spec wins (`openai:gpt-4o-mini`, `ollama:qwen2.5`, ...), then the adapter option, then the
 * environment (SWITCHYARD_MODEL, OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_HOST). Undefined when nothing is configured.
 */
export async function resolveChatModel(setting: ChatModelSetting, taskModel: string | undefined, env: Env): Promise<ModelProvider | undefined> {
  const models = await loadModelProviders();
  if (taskModel) return models.resolveModel(taskModel, {}, env);
  if (setting === false) return undefined;
  if (typeof setting === 'string') return models.resolveModel(setting, {}, env);
  if (setting && typeof (setting as ModelProvider).complete === 'function') return setting as ModelProvider;
  const endpoint = setting as EndpointConfig | undefined;
  if (endpoint && (endpoint.baseURL || endpoint.apiKey)) {
    const { openAICompatible } = models;
    return openAICompatible({ model: endpoint.model ?? 'gpt-4o-mini', ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}), ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}) });
  }
  if (endpoint?.model) return models.resolveModel(endpoint.model, {}, env);
  if (env.SWITCHYARD_MODEL || env.OPENAI_API_KEY || env.OPENAI_BASE_URL || env.OLLAMA_HOST) return models.resolveModel(undefined, {}, env);
  return undefined;
}
