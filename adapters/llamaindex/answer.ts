import { SwitchyardError } from 'switchyard/adapter-kit';
import { withRequestSignal } from './abort.js';
import type { Passage } from './corpus.js';
import type { ModelProvider } from 'switchyard/adapter-kit';
import { tokenize } from './tokenize.js';

export interface Citation {
  /** The `[n]` marker used in the answer text. */
  readonly n: number;
  readonly source: string;
  readonly chunkId: string;
}

/** An answer and where it came from. `mode` says plainly whether a model wrote it. */
export interface Answer {
  readonly mode: 'extractive' | 'llm';
  readonly text: string;
  readonly citations: readonly Citation[];
  /** The chat model that wrote it, as `provider:model` (`llm` mode only). */
  readonly model?: string;
}

/** Sentences of a text: paragraphs and lines first (headings, list items, table rows), then sentence ends. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n\s*\n|\n(?=\s*(?:#|[-*+] |\d+\. ))/)
    .map((block) => block.replace(/^\s*(?:#+|[-*+]|\d+\.)\s+/, '').replace(/\s+/g, ' ').trim())
    .flatMap((block) => block.split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The offline answer: the sentences of the retrieved passages that best cover the question's terms, in passage order,
 * each with its `[n]` source marker. A term counts by its rarity among those sentences (a word every clause of a
 * contract uses says little), and a sentence is kept only when it scores at least half as well as the best one, so a
 * passing mention in an unrelated clause does not ride along. No model is involved, and the result says so.
 */
export function extractiveAnswer(query: string, passages: readonly Passage[], maxSentences = 3): Answer {
  if (passages.length === 0) return { mode: 'extractive', text: 'No passage in the documents matches the question.', citations: [] };
  const terms = new Set(tokenize(query));
  const candidates: { n: number; order: number; sentence: string; hits: Set<string>; score: number }[] = [];
  passages.forEach((passage, p) => {
    splitSentences(passage.text).forEach((sentence, s) => {
      const hits = new Set(tokenize(sentence).filter((w) => terms.has(w)));
      candidates.push({ n: p + 1, order: p * 10_000 + s, sentence, hits, score: 0 });
    });
  });
  const df = new Map<string, number>();
  for (const c of candidates) for (const term of c.hits) df.set(term, (df.get(term) ?? 0) + 1);
  for (const c of candidates) {
    // Rarer terms weigh more; earlier (better ranked) passages win ties.
    for (const term of c.hits) c.score += Math.log(1 + candidates.length / df.get(term)!);
    if (c.score > 0) c.score -= (c.n - 1) * 0.01;
  }
  const best = Math.max(0, ...candidates.map((c) => c.score));
  const chosen = candidates
    .filter((c) => c.score > 0 && c.score >= best / 2)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, maxSentences)
    .sort((a, b) => a.order - b.order);
  const picked = chosen.length > 0 ? chosen : candidates.slice(0, 1);
  const used = [...new Set(picked.map((c) => c.n))];
  return {
    mode: 'extractive',
    text: picked.map((c) => `${c.sentence} [${c.n}]`).join(' '),
    citations: used.map((n) => ({ n, source: passages[n - 1]!.source, chunkId: passages[n - 1]!.chunkId })),
  };
}

const SYSTEM = [
  'You answer questions using only the numbered passages provided.',
  'Cite every claim with the passage number in square brackets, e.g. [1] or [2][3].',
  'If the passages do not contain the answer, say that the documents do not say.',
].join(' ');

/** A grounded answer from a chat model (the agno adapter's providers), citing the passages by number. */
export async function llmAnswer(query: string, passages: readonly Passage[], model: ModelProvider, signal?: AbortSignal): Promise<Answer> {
  const context = passages.map((p, i) => `[${i + 1}] (source: ${p.source})\n${p.text}`).join('\n\n');
  const response = await withRequestSignal(signal, (request) =>
    model.complete({
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: `Passages:\n\n${context}\n\nQuestion: ${query}` },
      ],
      ...(request ? { signal: request } : {}),
    }),
  );
  const text = response.content?.trim() ?? '';
  if (!text) throw new SwitchyardError('REMOTE_ERROR', `${model.id} returned an empty answer`);
  const cited = [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].filter((n) => n >= 1 && n <= passages.length).sort((a, b) => a - b);
  return {
    mode: 'llm',
    text,
    model: model.id,
    citations: cited.map((n) => ({ n, source: passages[n - 1]!.source, chunkId: passages[n - 1]!.chunkId })),
  };
}
