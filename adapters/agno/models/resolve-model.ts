import { SwitchyardError } from 'switchyard/adapter-kit';
import { openAICompatible } from './openai-compatible.js';
import type { OpenAICompatibleOptions } from './openai-compatible.js';
import { isModelProvider } from './types.js';
import type { ModelProvider } from './types.js';

/** A model as `provider:model` (`openai:gpt-4o-mini`, `ollama:qwen2.5`), a bare model name (OpenAI), or a provider object. */
export type ModelSpec = string | ModelProvider;

/** Call settings applied to providers built from a string. */
export type ModelCallSettings = Pick<OpenAICompatibleOptions, 'timeoutMs' | 'retry' | 'retries' | 'minRetryDelayMs' | 'maxRetryDelayMs'>;

const SETTINGS = 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible server), or OLLAMA_HOST for Ollama, or pass a model provider explicitly';

/** Providers that speak the OpenAI protocol and need only a base URL. */
const COMPATIBLE = new Set(['vllm', 'llamacpp', 'llama.cpp', 'lmstudio', 'compatible', 'openai-compatible']);

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Turns a model spec into a provider, reading the usual settings from `env`.
 * With no model at all, picks one from the environment (`SWITCHYARD_MODEL`, else a default per provider);
 * with nothing configured, throws MODEL_NOT_CONFIGURED naming the settings to set.
 */
export function resolveModel(spec: ModelSpec | undefined, settings: ModelCallSettings = {}, env: Env = process.env): ModelProvider {
  if (isModelProvider(spec)) return spec;
  const text = spec ?? defaultModel(env);
  const colon = text.indexOf(':');
  const provider = colon > 0 ? text.slice(0, colon).toLowerCase() : 'openai';
  const model = colon > 0 ? text.slice(colon + 1) : text;
  if (!model) throw new SwitchyardError('MODEL_NOT_CONFIGURED', `model ${JSON.stringify(text)}: expected provider:model, for example openai:gpt-4o-mini`);
  const base = { ...settings, model, provider };
  if (provider === 'openai') {
    const baseURL = env.OPENAI_BASE_URL;
    if (!env.OPENAI_API_KEY && !baseURL) {
      throw new SwitchyardError('MODEL_NOT_CONFIGURED', `model ${text}: no OpenAI credentials; ${SETTINGS}`, { details: { settings: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST'] } });
    }
    return openAICompatible({ ...base, ...(baseURL ? { baseURL } : {}), ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) });
  }
  if (provider === 'ollama') {
    const host = env.OLLAMA_HOST;
    return openAICompatible({
      ...base,
      baseURL: ollamaBaseURL(host ?? 'http://127.0.0.1:11434'),
      apiKey: 'ollama',
      ...(host ? {} : { notConfiguredHint: 'set OLLAMA_HOST to your Ollama server (for example http://127.0.0.1:11434)' }),
    });
  }
  if (COMPATIBLE.has(provider)) {
    if (!env.OPENAI_BASE_URL) throw new SwitchyardError('MODEL_NOT_CONFIGURED', `model ${text}: set OPENAI_BASE_URL to the server's /v1 address (and OPENAI_API_KEY if it wants one)`);
    return openAICompatible({ ...base, baseURL: env.OPENAI_BASE_URL, ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) });
  }
  throw new SwitchyardError('MODEL_NOT_CONFIGURED', `model ${text}: unknown provider ${JSON.stringify(provider)}; expected openai, ollama, vllm, llamacpp, lmstudio or compatible`);
}

function defaultModel(env: Env): string {
  if (env.SWITCHYARD_MODEL) return env.SWITCHYARD_MODEL;
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) return 'openai:gpt-4o-mini';
  if (env.OLLAMA_HOST) return 'ollama:qwen2.5';
  throw new SwitchyardError('MODEL_NOT_CONFIGURED', `no model configured: give the agent a model (for example "openai:gpt-4o-mini") or set SWITCHYARD_MODEL; ${SETTINGS}`, {
    details: { settings: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'SWITCHYARD_MODEL'] },
  });
}

/** `OLLAMA_HOST` may be `host:port`, a URL, or already end in `/v1`. */
export function ollamaBaseURL(host: string): string {
  const url = /^https?:\/\//.test(host) ? host : `http://${host}`;
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}
