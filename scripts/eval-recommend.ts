/**
 * Scores the recommender on test/fixtures/recommend-eval.json: top-1 accuracy (all, dev, holdout),
 * a confusion matrix, and how many descriptions avoid the profiles' own words.
 * Run: npm run eval:recommend [-- --misses]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OrchestratorSelector } from '../src/selector/selector.js';
import { STOPWORDS, tokenize } from '../src/selector/text.js';

export interface EvalItem {
  readonly text: string;
  readonly expected: string;
  readonly split: 'dev' | 'holdout';
}

export interface EvalReport {
  readonly total: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly bySplit: Record<string, { total: number; correct: number; accuracy: number }>;
  readonly labels: readonly string[];
  /** confusion[expected][predicted] = count */
  readonly confusion: Record<string, Record<string, number>>;
  readonly misses: readonly { text: string; expected: string; got: string; split: string }[];
  /** Descriptions sharing no content word with the profiles' descriptive fields (summary, strengths, best-for, use-for, guide). */
  readonly withoutProfileWords: number;
}

export const EVAL_FILE = fileURLToPath(new URL('../test/fixtures/recommend-eval.json', import.meta.url));

export function loadEvalItems(file = EVAL_FILE): EvalItem[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { items: EvalItem[] }).items;
}

const GENERIC = new Set(['task', 'workflow', 'pipelin', 'base', 'stage']);

/** Content-word stems of what the profiles say about themselves (not the recommender's vocabulary). */
export function profileWordStems(selector: OrchestratorSelector): Set<string> {
  const stems = new Set<string>();
  for (const profile of Object.values(selector.listAllProfiles())) {
    const texts = [profile.name, profile.summary, ...profile.strengths, ...profile.bestFor, ...profile.useFor, ...profile.guide.map((g) => g.task)];
    for (const text of texts) {
      for (const token of tokenize(text)) if (!STOPWORDS.has(token.stem) && token.stem.length > 2 && !GENERIC.has(token.stem)) stems.add(token.stem);
    }
  }
  return stems;
}

export function evaluateRecommender(items: readonly EvalItem[] = loadEvalItems(), selector = new OrchestratorSelector()): EvalReport {
  const labels = selector.types();
  const confusion: Record<string, Record<string, number>> = Object.fromEntries(labels.map((e) => [e, Object.fromEntries(labels.map((p) => [p, 0]))]));
  const bySplit: Record<string, { total: number; correct: number; accuracy: number }> = {};
  const misses: { text: string; expected: string; got: string; split: string }[] = [];
  const ownWords = profileWordStems(selector);
  let correct = 0;
  let withoutProfileWords = 0;
  for (const item of items) {
    const got = selector.recommend(item.text).type;
    const row = (confusion[item.expected] ??= {});
    row[got] = (row[got] ?? 0) + 1;
    const split = (bySplit[item.split] ??= { total: 0, correct: 0, accuracy: 0 });
    split.total++;
    if (got === item.expected) {
      correct++;
      split.correct++;
    } else misses.push({ text: item.text, expected: item.expected, got, split: item.split });
    if (!tokenize(item.text).some((t) => ownWords.has(t.stem))) withoutProfileWords++;
  }
  for (const split of Object.values(bySplit)) split.accuracy = split.total ? split.correct / split.total : 0;
  return { total: items.length, correct, accuracy: items.length ? correct / items.length : 0, bySplit, labels, confusion, misses, withoutProfileWords };
}

export function formatReport(report: EvalReport, showMisses = false): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `top-1 accuracy: ${pct(report.accuracy)} (${report.correct}/${report.total})`,
    ...Object.entries(report.bySplit).map(([name, s]) => `  ${name.padEnd(8)} ${pct(s.accuracy)} (${s.correct}/${s.total})`),
    `descriptions without the profiles' own words: ${report.withoutProfileWords}/${report.total} (${pct(report.withoutProfileWords / report.total)})`,
    '',
    'confusion matrix (rows: expected, columns: recommended)',
  ];
  const width = Math.max(10, ...report.labels.map((l) => l.length)) + 2;
  lines.push(''.padEnd(width) + report.labels.map((l) => l.padStart(width)).join(''));
  for (const expected of report.labels) {
    lines.push(expected.padEnd(width) + report.labels.map((p) => String(report.confusion[expected]?.[p] ?? 0).padStart(width)).join(''));
  }
  if (showMisses && report.misses.length) {
    lines.push('', 'misses:');
    for (const miss of report.misses) lines.push(`  [${miss.split}] expected ${miss.expected}, got ${miss.got}: ${miss.text}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatReport(evaluateRecommender(), process.argv.includes('--misses'))}\n`);
}
