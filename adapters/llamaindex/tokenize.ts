import { stemmer } from 'stemmer';

// A short English stop list: words that carry no topic and would only add noise to BM25.
const STOP = new Set(
  'a an and are as at be been but by can could did do does for from had has have how i if in into is it its of on or our so such than that the their them then there these they this those to was we were what when where which who whom why will with would you your about after before also any each few more most other over same some very'.split(' '),
);

const stemCache = new Map<string, string>();

/** Lower-cased, stop words removed, Porter-stemmed terms. The same function indexes passages and queries. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if ((raw.length < 2 && !/\d/.test(raw)) || raw.length > 40 || STOP.has(raw)) continue;
    let stem = stemCache.get(raw);
    if (stem === undefined) {
      stem = stemmer(raw);
      if (stemCache.size < 200_000) stemCache.set(raw, stem);
    }
    out.push(stem);
  }
  return out;
}
