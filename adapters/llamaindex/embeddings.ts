import { SwitchyardError } from 'switchyard/adapter-kit';
import { withRequestSignal } from './abort.js';
import type { EmbeddingPrefixes, EndpointConfig } from './settings.js';

/** What a text is embedded as: asymmetric models (e5, ...) embed questions and passages differently. */
export type EmbedKind = 'query' | 'passage';

/** Turns texts into vectors. The remote endpoint implements it; so could a local model. */
export interface Embedder {
  /** Identifies the vector space: vectors from different models (or prefix settings) are never mixed. */
  readonly model: string;
  embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal): Promise<number[][]>;
}

const BATCH = 64;

/**
 * How the query/passage distinction reaches the model. `auto` is `text` for e5 models (their cards ask for
 * `query: ` and `passage: ` in front of every input) and `off` for everything else.
 */
export function prefixModeOf(model: string, setting: EmbeddingPrefixes | undefined): Exclude<EmbeddingPrefixes, 'auto'> {
  if (setting && setting !== 'auto') return setting;
  return /(?:^|[^a-z0-9])e5(?:[^a-z0-9]|$)/i.test(model) && !/mistral/i.test(model) ? 'text' : 'off';
}

/** The request input and extra body fields for one batch, per prefix mode. */
export function embeddingRequest(texts: readonly string[], kind: EmbedKind, mode: Exclude<EmbeddingPrefixes, 'auto'>): { input: string[]; extra: Record<string, string> } {
  if (mode === 'text') return { input: texts.map((t) => `${kind}: ${t}`), extra: {} };
  if (mode === 'input_type') return { input: [...texts], extra: { input_type: kind } };
  return { input: [...texts], extra: {} };
}

/** An OpenAI-compatible `/embeddings` endpoint through the official `openai` client. */
export async function createOpenAIEmbedder(config: EndpointConfig & { model: string }): Promise<Embedder> {
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ apiKey: config.apiKey ?? 'not-needed', ...(config.baseURL ? { baseURL: config.baseURL } : {}), maxRetries: 2 });
  const mode = prefixModeOf(config.model, config.prefixes);
  return {
    // The prefix mode is part of the vector space's identity: switching it re-embeds the index.
    model: `${config.baseURL ?? 'openai'}#${config.model}${mode === 'off' ? '' : `#${mode}`}`,
    async embed(texts, kind, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        signal?.throwIfAborted();
        const batch = texts.slice(i, i + BATCH);
        const { input, extra } = embeddingRequest(batch, kind, mode);
        let response;
        try {
          response = await withRequestSignal(signal, (request) => client.embeddings.create({ model: config.model, input, encoding_format: 'float', ...extra }, request ? { signal: request } : {}));
        } catch (error) {
          if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new SwitchyardError('CANCELLED', 'cancelled');
          throw new SwitchyardError('REMOTE_ERROR', `embeddings endpoint ${config.baseURL ?? 'api.openai.com'}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        const data = [...response.data].sort((a, b) => a.index - b.index);
        if (data.length !== batch.length) {
          throw new SwitchyardError('REMOTE_ERROR', `embeddings endpoint returned ${data.length} vectors for ${batch.length} inputs`);
        }
        for (const item of data) out.push(item.embedding);
      }
      return out;
    },
  };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
