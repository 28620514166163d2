import { SwitchyardError } from 'switchyard/adapter-kit';
import { Bm25Index, topOf } from './bm25.js';
import type { Chunk } from './chunking.js';
import { cosine, type Embedder } from './embeddings.js';

/** A retrieved passage with where it came from. */
export interface Passage {
  readonly rank: number;
  readonly score: number;
  /** Where the passage is: the document's path, with `#page=N` for a PDF page (`contract.pdf#page=3`). */
  readonly source: string;
  /** The document's path (without the page). */
  readonly document: string;
  /** The PDF page, for PDFs. */
  readonly page?: number;
  readonly chunkId: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Which retrievers found it: `lexical`, `embedding`, or both (fused). */
  readonly via: readonly string[];
}

export type RetrieverMode = 'lexical' | 'embedding' | 'hybrid';

/**
 * Hybrid scoring: the cosine similarity, min-max normalised over the corpus, plus a lexical boost of up to
 * LEXICAL_WEIGHT for chunks that contain more than LEXICAL_GATE of the query's terms (idf-weighted). Reciprocal rank
 * fusion gave every BM25 rank the same say, so on questions worded differently from the documents, BM25's chance
 * matches on common words pulled the right passage out of the top three (docs/benchmarks.md, retrieval quality).
 * The gate lets only strong lexical evidence (names, codes, the question's own rare words) move a passage.
 */
export const LEXICAL_WEIGHT = 0.5;
export const LEXICAL_GATE = 0.3;

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
        expected: 'SWITCHYARD_EMBEDDINGS_URL (or OPENAI_BASE_URL / OPENAI_API_KEY) set when the index was built, or retriever "lexical"',
      });
    }
    if (embedder.model !== this.embedModel) {
      throw new SwitchyardError('CONFLICT', `the index was embedded with ${this.embedModel}, the configured embedder is ${embedder.model}; re-ingest to switch models`);
    }
    const [queryVector] = await embedder.embed([query], 'query', signal);
    const cosines = new Map<number, number>();
    this.vectors.forEach((vector, index) => {
      if (vector) cosines.set(index, cosine(queryVector ?? [], vector));
    });
    if (mode === 'embedding') return this.#passages(topOf(cosines, topK).map((s) => ({ ...s, via: ['embedding'] })));
    return this.#passages(this.#hybrid(query, cosines, topK));
  }

  #hybrid(query: string, cosines: Map<number, number>, topK: number) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const value of cosines.values()) {
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
    const coverage = this.#bm25.coverage(query);
    const pool = Math.max(topK * 4, 20);
    const nearest = new Set(topOf(cosines, pool).map((s) => s.index));
    const scores = new Map<number, number>();
    const boosted = new Set<number>();
    // Every chunk with a vector, and chunks without one (none in an index built by one model) on their lexical boost alone.
    for (const index of new Set([...cosines.keys(), ...coverage.keys()])) {
      const share = coverage.get(index) ?? 0;
      const boost = share > LEXICAL_GATE ? (LEXICAL_WEIGHT * (share - LEXICAL_GATE)) / (1 - LEXICAL_GATE) : 0;
      if (boost > 0) boosted.add(index);
      const value = cosines.get(index);
      scores.set(index, (value !== undefined && hi > lo ? (value - lo) / (hi - lo) : 0) + boost);
    }
    return topOf(scores, topK).map((s) => ({ ...s, via: [...(boosted.has(s.index) ? ['lexical'] : []), ...(nearest.has(s.index) ? ['embedding'] : [])] }));
  }

  #passages(hits: readonly { index: number; score: number; via: readonly string[] }[]): Passage[] {
    return hits.map((hit, i) => {
      const chunk = this.chunks[hit.index]!;
      return {
        rank: i + 1,
        score: Number(hit.score.toFixed(6)),
        source: chunk.page === undefined ? chunk.source : `${chunk.source}#page=${chunk.page}`,
        document: chunk.source,
        ...(chunk.page === undefined ? {} : { page: chunk.page }),
        chunkId: chunk.id,
        text: chunk.text,
        start: chunk.start,
        end: chunk.end,
        via: hit.via,
      };
    });
  }
}
