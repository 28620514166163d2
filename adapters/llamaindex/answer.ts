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
 * The offline answer: the sentences of the retrieved passages that share the most terms with the question,
 * in passage order, each with its `[n]` source marker. No model is involved, and the result says so.
 */
export function extractiveAnswer(query: string, passages: readonly Passage[], maxSentences = 3): Answer {
  if (passages.length === 0) return { mode: 'extractive', text: 'No passage in the documents matches the question.', citations: [] };
  const terms = new Set(tokenize(query));
  const candidates: { n: number; order: number; sentence: string; score: number }[] = [];
  passages.forEach((passage, p) => {
    splitSentences(passage.text).forEach((sentence, s) => {
      const words = tokenize(sentence);
      const hits = new Set(words.filter((w) => terms.has(w))).size;
      // Prefer sentences covering more query terms, then earlier passages (better ranked).
      candidates.push({ n: p + 1, order: p * 10_000 + s, sentence, score: hits - p * 0.01 });
    });
  });
  const chosen = candidates
    .filter((c) => c.score > 0)
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
