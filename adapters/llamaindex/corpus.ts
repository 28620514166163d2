import { SwitchyardError } from 'switchyard/adapter-kit';
import { Bm25Index, topOf } from './bm25.js';
import type { Chunk } from './chunking.js';
import { cosine, type Embedder } from './embeddings.js';

/** A retrieved passage with where it came from. */
export interface Passage {
  readonly rank: number;
  readonly score: number;
  readonly source: string;
  readonly chunkId: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Which retrievers found it: `lexical`, `embedding`, or both (fused). */
  readonly via: readonly string[];
}

export type RetrieverMode = 'lexical' | 'embedding' | 'hybrid';

/** Reciprocal rank fusion constant (Cormack et al. use 60). */
const RRF_K = 60;

/**
 * The searchable set of chunks: BM25 always; embedding vectors when an embedder produced them.
 * One interface for every retriever: `search(query, topK, mode)`.
 */
export class Corpus {
  readonly chunks: Chunk[] = [];
  readonly #bm25 = new Bm25Index();
  /** Vectors by chunk position; present only for chunks embedded with `embedModel`. */
  readonly vectors: (number[] | undefined)[] = [];
  embedModel: string | undefined;

  add(chunks: readonly Chunk[], vectors?: readonly (number[] | undefined)[]): void {
    this.chunks.push(...chunks);
    this.#bm25.add(chunks.map((c) => c.text));
    chunks.forEach((_, i) => this.vectors.push(vectors?.[i]));
  }

  get hasVectors(): boolean {
    return this.embedModel !== undefined && this.vectors.some((v) => v !== undefined);
  }

  /** The mode `auto` resolves to: hybrid when vectors exist and an embedder is at hand, else lexical. */
  modeFor(requested: 'auto' | RetrieverMode, embedder: Embedder | undefined): RetrieverMode {
    if (requested !== 'auto') return requested;
    return embedder && this.hasVectors && embedder.model === this.embedModel ? 'hybrid' : 'lexical';
  }

  async search(query: string, topK: number, mode: RetrieverMode, embedder?: Embedder, signal?: AbortSignal): Promise<Passage[]> {
    if (mode === 'lexical') return this.#passages(this.#bm25.search(query, topK).map((s) => ({ ...s, via: ['lexical'] })));
    if (!embedder || !this.hasVectors) {
      throw new SwitchyardError('MODEL_NOT_CONFIGURED', `retriever "${mode}" needs an embeddings endpoint and an index built with it`, {
        path: 'task.retriever',
        expected: 'OPENAI_BASE_URL / OPENAI_API_KEY set when the index was built, or retriever "lexical"',
      });
    }
    if (embedder.model !== this.embedModel) {
      throw new SwitchyardError('CONFLICT', `the index was embedded with ${this.embedModel}, the configured embedder is ${embedder.model}; re-ingest to switch models`);
    }
    const [queryVector] = await embedder.embed([query], signal);
    const vectorHits = this.#vectorSearch(queryVector ?? [], mode === 'hybrid' ? Math.max(topK * 4, 20) : topK);
    if (mode === 'embedding') return this.#passages(vectorHits.map((s) => ({ ...s, via: ['embedding'] })));
    const lexicalHits = this.#bm25.search(query, Math.max(topK * 4, 20));
    const fused = new Map<number, number>();
    const via = new Map<number, string[]>();
    for (const [name, hits] of [['lexical', lexicalHits], ['embedding', vectorHits]] as const) {
      hits.forEach((hit, rank) => {
        fused.set(hit.index, (fused.get(hit.index) ?? 0) + 1 / (RRF_K + rank + 1));
        via.set(hit.index, [...(via.get(hit.index) ?? []), name]);
      });
    }
    return this.#passages(topOf(fused, topK).map((s) => ({ ...s, via: via.get(s.index) ?? [] })));
  }

  #vectorSearch(query: readonly number[], k: number) {
    const scores = new Map<number, number>();
    this.vectors.forEach((vector, index) => {
      if (vector) scores.set(index, cosine(query, vector));
    });
    return topOf(scores, k);
  }

  #passages(hits: readonly { index: number; score: number; via: readonly string[] }[]): Passage[] {
    return hits.map((hit, i) => {
      const chunk = this.chunks[hit.index]!;
      return { rank: i + 1, score: Number(hit.score.toFixed(6)), source: chunk.source, chunkId: chunk.id, text: chunk.text, start: chunk.start, end: chunk.end, via: hit.via };
    });
  }
}
