import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { segments, stemWord, tokenize } from '../../../src/selector/text.js';

const icu = new Intl.Segmenter('en', { granularity: 'word' });
const words = (list: Iterable<{ segment: string; index: number; isWordLike?: boolean }>) =>
  [...list].filter((s) => s.isWordLike).map((s) => `${s.segment}@${s.index}`);

describe('tokenizing', () => {
  it('the ASCII fast path splits words exactly as Intl.Segmenter does', () => {
    const texts = (JSON.parse(readFileSync(new URL('../../fixtures/recommend-eval.json', import.meta.url), 'utf8')) as { items: { text: string }[] }).items.map((i) => i.text);
    texts.push("e.g. PDFs at 2am, don't re-run; 3.5 docs.Then U.S. Q&A $500 it's 10:30 foo_bar x@y.com a/b __ 'quoted'");
    for (const text of texts) expect(words(segments(text)), text).toEqual(words(icu.segment(text)));
  });

  it('other text goes through Intl.Segmenter', () => {
    const text = 'Analysez les documents — café 東京の書類';
    expect(words(segments(text))).toEqual(words(icu.segment(text)));
  });

  it('stems with the Porter stemmer and marks clauses, negation and "after" clauses', () => {
    expect(stemWord('Approvals')).toBe('approv');
    expect(stemWord('scheduling')).toBe(stemWord('scheduled'));
    const tokens = tokenize("Don't schedule it; index the PDFs and then, after review, publish");
    expect(tokens.map((t) => [t.stem, t.clause, t.negated, t.afterClause])).toEqual([
      ['schedul', 0, true, false],
      ['it', 0, true, false],
      ['index', 1, false, false],
      ['the', 1, false, false],
      ['pdf', 1, false, false],
      ['review', 2, false, true],
      ['publish', 3, false, false],
    ]);
  });
});
