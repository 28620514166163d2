import { SwitchyardError } from 'switchyard/adapter-kit';
import type { EndpointConfig } from './settings.js';

/** Turns texts into vectors. The remote endpoint implements it; so could a local model. */
export interface Embedder {
  /** Identifies the vector space: vectors from different models are never mixed. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

const BATCH = 64;

/** An OpenAI-compatible `/embeddings` endpoint through the official `openai` client. */
export async function createOpenAIEmbedder(config: EndpointConfig & { model: string }): Promise<Embedder> {
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ apiKey: config.apiKey ?? 'not-needed', ...(config.baseURL ? { baseURL: config.baseURL } : {}), maxRetries: 2 });
  return {
    model: `${config.baseURL ?? 'openai'}#${config.model}`,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        signal?.throwIfAborted();
        const batch = texts.slice(i, i + BATCH);
        let response;
        try {
          response = await client.embeddings.create({ model: config.model, input: batch, encoding_format: 'float' }, signal ? { signal } : {});
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
