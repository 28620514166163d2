import { stemmer } from 'stemmer';

/** One word of a description: its Porter stem, where it sits, and whether a negation governs it. */
export interface Token {
  readonly stem: string;
  readonly start: number;
  readonly end: number;
  /** Index of the clause (split at punctuation and connectives such as "and", "then"). */
  readonly clause: number;
  /** True inside a short window after "no", "not", "without", "don't", ... */
  readonly negated: boolean;
  /** True when this word opens its clause with "after" ("publish it after legal approves"). */
  readonly afterClause: boolean;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

const NEGATORS = new Set(['no', 'not', 'without', 'never', 'nor', 'none', 'neither', 'nothing', 'skip']);
const NEGATION_WINDOW = 4;
/** Words that start a new clause; they are not scored. */
const CONNECTIVES = new Set(['and', 'then', 'afterwards', 'afterward', 'finally', 'next', 'plus', 'later', 'followed', 'before', 'after', 'also', 'but', 'while', 'lastly']);
const CLAUSE_PUNCTUATION = /[.,;:!?\n()]/;

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 20_000;

/** Lower-cases and Porter-stems one word (stemmer package), with a cache. */
export function stemWord(word: string): string {
  const lower = word.toLowerCase();
  let stem = stemCache.get(lower);
  if (stem === undefined) {
    stem = stemmer(lower.replace(/['’]s$/, ''));
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(lower, stem);
  }
  return stem;
}

function isNegator(lower: string): boolean {
  return NEGATORS.has(lower) || lower.endsWith("n't") || lower.endsWith('n’t');
}

interface Segment {
  readonly segment: string;
  readonly index: number;
  readonly isWordLike: boolean;
}

/** Words and the gaps between them, by ICU's UAX #29 word boundaries (Intl.Segmenter). */
export function segments(text: string): Iterable<Segment> {
  return segmenter.segment(text) as Iterable<Segment>;
}

/** Splits text into words (see `segments`) and stems them. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  let clauseHasWords = false;
  let negatedUntil = -1;
  let afterClause = false;
  let words = 0;
  for (const segment of segments(text)) {
    if (!segment.isWordLike) {
      if (clauseHasWords && CLAUSE_PUNCTUATION.test(segment.segment)) {
        clause++;
        clauseHasWords = false;
        negatedUntil = -1;
        afterClause = false;
      }
      continue;
    }
    const lower = segment.segment.toLowerCase();
    if (CONNECTIVES.has(lower)) {
      if (clauseHasWords) {
        clause++;
        clauseHasWords = false;
        negatedUntil = -1;
      }
      afterClause = lower === 'after';
      continue;
    }
    if (isNegator(lower)) {
      negatedUntil = words + NEGATION_WINDOW;
      continue;
    }
    words++;
    clauseHasWords = true;
    tokens.push({
      stem: stemWord(lower),
      start: segment.index,
      end: segment.index + segment.segment.length,
      clause,
      negated: words <= negatedUntil,
      afterClause,
    });
  }
  return tokens;
}

/** Stems of a phrase or term as written in a profile ("sign off" -> ["sign", "off"]). */
export function stemPhrase(text: string): string[] {
  const stems: string[] = [];
  for (const segment of segments(text)) if (segment.isWordLike) stems.push(stemWord(segment.segment));
  return stems;
}

/** Common words that never carry intent; ignored when learning from example descriptions. */
export const STOPWORDS = new Set(
  ('a an the and or of to in on at for from by with into onto over under is are be been was were it its this that these those ' +
    'we our us you your i my me they them their he she his her as so if then than there here what which who whom whose ' +
    'can could should would will shall may might must do does did done have has had need needs want wants get gets got ' +
    'one two three all any each every some more most other such only own same very just also up out about when where how why ' +
    'new make use using let like way thing something good better')
    .split(' ')
    .map((word) => stemWord(word)),
);
