/**
 * The selector's costs: cold start of the built `switchyard select` against bare `node -e 0`,
 * and `select()` / `recommend()` per call. Run: node --expose-gc --import tsx bench/select.bench.ts
 * Targets (issue 2): cold start within 2.5x of bare node, select() < 1 µs, recommend() < 50 µs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrchestratorSelector } from 'switchyard';
import { nsPerCall, recordBenchmark } from './record.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/switchyard.js');
const SPAWNS = 21;

if (!existsSync(join(root, 'dist/src/cli/main.js'))) {
  process.stdout.write('dist/ is missing: building first (npm run build)\n');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

function spawnMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Interleave the two so machine load affects both alike; one warm-up each fills the file cache.
spawnMs(['-e', '0']);
spawnMs([bin, 'select', '--task-type', 'rag_workflow', '--json']);
const bare: number[] = [];
const cli: number[] = [];
for (let i = 0; i < SPAWNS; i++) {
  bare.push(spawnMs(['-e', '0']));
  cli.push(spawnMs([bin, 'select', '--task-type', 'rag_workflow', '--json']));
}
const bareMs = median(bare);
const cliMs = median(cli);

const selector = new OrchestratorSelector();
const questions = [
  { taskType: 'approval_workflow', requiresState: true, requiresRouting: true },
  { taskType: 'simple_task' },
  { taskType: 'rag_workflow' },
  { taskType: 'batch_job', requiresScheduling: true },
  { taskType: 'generic', requiresState: true },
  { taskType: 'my_task', requiresState: true, requiresScheduling: true },
];
let q = 0;
const selectNs = await nsPerCall(() => selector.select(questions[q++ % questions.length]!), { iterations: 200_000 });

// First decision for a task type never seen before (the rule list runs, including reading the task type's words).
let fresh = 0;
const firstSelectNs = await nsPerCall(() => selector.select({ taskType: `task_${fresh++}`, requiresRouting: fresh % 2 === 0 }), { iterations: 1000, rounds: 5 });

const descriptions = (JSON.parse(readFileSync(join(root, 'test/fixtures/recommend-eval.json'), 'utf8')) as { items: { text: string }[] }).items.map((i) => i.text);
let d = 0;
const recommendNs = await nsPerCall(() => selector.recommend(descriptions[d++ % descriptions.length]!), { iterations: 2000 });
const seedNs = await nsPerCall(() => selector.recommend('Need to analyze documents and get approval'), { iterations: 2000 });

const ratio = cliMs / bareMs;
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
const µs = (ns: number) => `${(ns / 1000).toFixed(ns < 1000 ? 3 : 1)} µs`;
const table = `## Selector (\`bench/select.bench.ts\`)

| measure | result | target | |
|---|---|---|---|
| cold start: \`node bin/switchyard.js select --task-type rag_workflow --json\` (median of ${SPAWNS}) | ${cliMs.toFixed(1)} ms | | |
| cold start: \`node -e 0\` (median of ${SPAWNS}, same run, interleaved) | ${bareMs.toFixed(1)} ms | | |
| cold start ratio | ${ratio.toFixed(2)}x | ≤ 2.5x | ${mark(ratio <= 2.5)} |
| \`select()\` per call (the seed's 6 questions in turn) | ${µs(selectNs)} | < 1 µs | ${mark(selectNs < 1000)} |
| \`select()\` first call for an unseen task type (rule list + reading its words) | ${µs(firstSelectNs)} | | |
| \`recommend()\` per call (the 160 evaluation descriptions in turn) | ${µs(recommendNs)} | < 50 µs | ${mark(recommendNs < 50_000)} |
| \`recommend("Need to analyze documents and get approval")\` | ${µs(seedNs)} | < 50 µs | ${mark(seedNs < 50_000)} |

The CLI imports only commander, stemmer and the selector files (profiles are JSON; zod is loaded only with \`--profiles DIR\`).
\`select()\` decisions are computed once per (task type, flags) and cached; \`recommend()\` tokenizes with \`Intl.Segmenter\`
and stems with \`stemmer\`, then does map look-ups into vocabulary compiled when the selector is built.`;

process.stdout.write(`${table}\n`);
await recordBenchmark('selector', table);
