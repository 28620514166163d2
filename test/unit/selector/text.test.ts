import { describe, expect, it } from 'vitest';
import { segments, stemWord, tokenize } from '../../../src/selector/text.js';

const icu = new Intl.Segmenter('en', { granularity: 'word' });
const words = (list: Iterable<{ segment: string; index: number; isWordLike?: boolean }>) =>
  [...list].filter((s) => s.isWordLike).map((s) => `${s.segment}@${s.index}`);

describe('tokenizing', () => {
  it('splits words with Intl.Segmenter, in any script', () => {
    for (const text of ["e.g. PDFs at 2am, don't re-run; 3.5 docs.Then U.S. Q&A $500", 'Analysez les documents — café 東京の書類']) {
      expect(words(segments(text))).toEqual(words(icu.segment(text)));
    }
    expect(tokenize("don't re-index the PDFs").map((t) => [t.stem, t.negated])).toEqual([['re', true], ['index', true], ['the', true], ['pdf', true]]);
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
