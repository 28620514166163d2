import { splitSentences } from './answer.js';
import type { LoadedDocument } from './readers.js';
import { tokenize } from './tokenize.js';

/** A per-document summary computed from the text alone (no model): labeled `extractive`. */
export interface DocumentSummary {
  readonly mode: 'extractive';
  readonly keyPoints: readonly string[];
  readonly entities: readonly { readonly text: string; readonly count: number }[];
  readonly dates: readonly string[];
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const DATE_PATTERNS = [
  /\b\d{4}-\d{2}-\d{2}\b/g,
  new RegExp(`\\b(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, 'g'),
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS}),? \\d{4}\\b`, 'g'),
  new RegExp(`\\b(?:${MONTHS}) \\d{4}\\b`, 'g'),
  /\b(?:in|since|by|from|until|during|before|after|of) ((?:1[5-9]|20)\d{2})s?\b/g,
];
// Names stay on one line: a heading and the sentence under it are not one name.
const ENTITY = /(?<![\p{L}\p{N}])(\p{Lu}[\p{L}'’-]+(?:[^\S\n]+(?:of|the|de|von|van|for)?[^\S\n]*\p{Lu}[\p{L}'’-]+)*)/gu;
const NOT_ENTITIES = new Set(
  'The A An In On At For From By With This That These Those It Its If When While After Before During Since Until Then There Their They We You He She His Her Our Your As But And Or Not No Yes However Also Each Every Some Many Most Such Other Both All Any One Two Three First Second Third Today Here What Which Who Why How'.split(' '),
);

export function summarizeDocument(doc: LoadedDocument, maxPoints = 4): DocumentSummary {
  const sentences = splitSentences(doc.text).filter((s) => s.length >= 20 && s.length <= 600);
  // Sentence weight: the document frequency of its terms (what the document keeps talking about), normalised by length.
  const tf = new Map<string, number>();
  const tokenized = sentences.map((s) => tokenize(s));
  for (const terms of tokenized) for (const t of new Set(terms)) tf.set(t, (tf.get(t) ?? 0) + 1);
  const scored = sentences.map((sentence, i) => {
    const terms = tokenized[i]!;
    const weight = terms.reduce((sum, t) => sum + Math.log(1 + (tf.get(t) ?? 0)), 0) / Math.sqrt(terms.length + 4);
    return { sentence, i, score: weight + (i === 0 ? 0.5 : 0) };
  });
  const keyPoints = scored
    .sort((a, b) => b.score - a.score)
    .slice(0, maxPoints)
    .sort((a, b) => a.i - b.i)
    .map((s) => s.sentence);

  const entityCounts = new Map<string, number>();
  const midSentence = new Set<string>();
  for (const match of doc.text.matchAll(ENTITY)) {
    const words = match[1]!.split(/\s+/);
    while (words.length && NOT_ENTITIES.has(words[0]!)) words.shift();
    const text = words.join(' ');
    if (text.length < 3 || NOT_ENTITIES.has(text) || /^(?:January|February|March|April|May|June|July|August|September|October|November|December)$/.test(text)) continue;
    const raw = doc.text.slice(Math.max(0, (match.index ?? 0) - 3), match.index);
    const before = raw.trim();
    if (before !== '' && !raw.includes('\n') && !/[.!?:#>]$/.test(before)) midSentence.add(text);
    entityCounts.set(text, (entityCounts.get(text) ?? 0) + 1);
  }
  // A lone capitalised word seen only at sentence starts is just a sentence start.
  for (const text of entityCounts.keys()) if (!text.includes(' ') && !midSentence.has(text)) entityCounts.delete(text);
  const entities = [...entityCounts]
    .map(([text, count]) => ({ text, count }))
    .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
    .slice(0, 12);

  const dates: string[] = [];
  for (const pattern of DATE_PATTERNS) {
    for (const match of doc.text.matchAll(pattern)) {
      const value = (match[1] ?? match[0]).trim();
      if (!dates.some((d) => d.includes(value))) dates.push(value);
    }
  }
  return { mode: 'extractive', keyPoints, entities, dates: dates.slice(0, 20) };
}
