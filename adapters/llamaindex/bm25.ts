import { tokenize } from './tokenize.js';

export interface ScoredIndex {
  readonly index: number;
  readonly score: number;
}

/**
 * Okapi BM25 over chunks with an inverted index: the offline default retriever.
 * Needs no model and no network; adding chunks is incremental.
 */
export class Bm25Index {
  readonly #postings = new Map<string, { ids: number[]; tfs: number[] }>();
  readonly #lengths: number[] = [];
  #totalLength = 0;

  constructor(
    readonly k1 = 1.2,
    readonly b = 0.75,
  ) {}

  get size(): number {
    return this.#lengths.length;
  }

  /** Adds passages in order; their positions are the indexes `search` returns. */
  add(texts: Iterable<string>): void {
    for (const text of texts) {
      const id = this.#lengths.length;
      const terms = tokenize(text);
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let posting = this.#postings.get(term);
        if (!posting) {
          posting = { ids: [], tfs: [] };
          this.#postings.set(term, posting);
        }
        posting.ids.push(id);
        posting.tfs.push(tf);
      }
      this.#lengths.push(terms.length);
      this.#totalLength += terms.length;
    }
  }

  search(query: string, topK: number): ScoredIndex[] {
    const n = this.#lengths.length;
    if (n === 0) return [];
    const avg = this.#totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(tokenize(query))) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      const idf = idfOf(n, posting.ids.length);
      for (let i = 0; i < posting.ids.length; i++) {
        const id = posting.ids[i]!;
        const tf = posting.tfs[i]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.#lengths[id]!) / avg);
        scores.set(id, (scores.get(id) ?? 0) + (idf * (tf * (this.k1 + 1))) / norm);
      }
    }
    return topOf(scores, topK);
  }

  /**
   * For every passage containing a query term: the idf-weighted share of the query's distinct terms it contains (0..1).
   * Terms no passage contains count with the highest idf, so a question worded unlike the corpus has low coverage everywhere.
   */
  coverage(query: string): Map<number, number> {
    const n = this.#lengths.length;
    const out = new Map<number, number>();
    const terms = [...new Set(tokenize(query))];
    if (n === 0 || terms.length === 0) return out;
    let total = 0;
    for (const term of terms) {
      const posting = this.#postings.get(term);
      const idf = idfOf(n, posting?.ids.length ?? 0);
      total += idf;
      for (const id of posting?.ids ?? []) out.set(id, (out.get(id) ?? 0) + idf);
    }
    for (const [id, weight] of out) out.set(id, weight / total);
    return out;
  }
}

/** Inverse document frequency of a term present in `df` of `n` passages (BM25's, never negative). */
function idfOf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The k best entries of a score map, best first (ties by lower index, so results are deterministic). */
export function topOf(scores: Map<number, number>, k: number): ScoredIndex[] {
  const best: ScoredIndex[] = [];
  for (const [index, score] of scores) {
    if (best.length < k || score > best[best.length - 1]!.score) {
      let i = best.length;
      while (i > 0 && (best[i - 1]!.score < score || (best[i - 1]!.score === score && best[i - 1]!.index > index))) i--;
      best.splice(i, 0, { index, score });
      if (best.length > k) best.pop();
    }
  }
  return best;
}
