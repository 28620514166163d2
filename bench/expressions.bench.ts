/**
 * What the expression budgets cost (time, depth, sequence and size checks, RE2, the event-loop turns): an
 * expression-heavy pipeline (an `input:` and a `when:` on each of 1,000 stages, a trivial adapter, the in-memory
 * run store) run with bounded expressions (the hub compiling the file's JSONata strings) and with unbounded ones
 * (the same expressions compiled by plain JSONata, given to the hub as functions), in one process, rounds
 * interleaved. Also the expressions alone, and one long evaluation (where the clock checks and yields happen).
 *
 * And each file of the hostile-input corpus (test/fixtures/hostile/), in a child process of its own: how long it
 * takes to end and the process's peak RSS.
 *
 *   node --expose-gc --import tsx bench/expressions.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { parse } from 'yaml';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter } from 'switchyard';
import { compileExpression } from '../src/pipeline/expressions.js';
import type { ExpressionScope } from '../src/pipeline/schema.js';
import { recordBenchmark } from './record.js';

const STAGES = 1000;
const ROUNDS = 9;
const HOSTILE = resolve(import.meta.dirname, '../test/fixtures/hostile');

interface HostileFigure {
  file: string;
  ms: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  outcome: string;
}

// Child mode: evaluate one hostile file's expression with the default budgets, print the figures, exit.
if (process.argv[2] === '--hostile') {
  const file = process.argv[3]!;
  const stage = (parse(readFileSync(file, 'utf8')) as { stages: Record<string, string>[] }).stages[0]!;
  const field = stage.when === undefined ? 'input' : 'when';
  const rssBeforeMiB = process.memoryUsage.rss() / 2 ** 20;
  const t0 = performance.now();
  let outcome: string;
  try {
    const value = await compileExpression(stage[field]!, `stages[0].${field}`)({ input: { text: 'aab' }, previous: null, outputs: {}, data: {}, goal: '' });
    outcome = `completed (${JSON.stringify(value) ?? 'undefined'})`;
  } catch (error) {
    outcome = (error as { code?: string }).code ?? 'error';
  }
  const figure: HostileFigure = { file: file.split('/').pop()!, ms: performance.now() - t0, rssBeforeMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024, outcome };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
  process.exit(0);
}

/** Stage `i`'s expressions: what pipelines write (paths, filters, aggregates, object construction, a regex). */
function expressionsFor(i: number): { input: string; when: string } {
  const prev = i === 0 ? 'previous' : `outputs.s${i - 1}`;
  switch (i % 4) {
    case 0:
      return { input: `{ "q": input.question, "n": ${prev}.n + 1, "tags": ${prev}.tags }`, when: `$exists(data.stop) = false and ${prev}.n >= 0` };
    case 1:
      return { input: `{ "n": previous.n + 1, "tags": previous.tags[$ != "x"], "top": previous.docs[score > 0.5].text }`, when: `$count(previous.tags) > 0` };
    case 2:
      return { input: `{ "n": previous.n + 1, "joined": $join(previous.tags, ","), "tags": previous.tags }`, when: `$contains(input.question, /budget/i)` };
    default:
      return {
        input: `$merge([{ "tags": previous.tags, "docs": previous.docs }, { "n": previous.n + 1, "mean": $round($sum(previous.docs.score) / $count(previous.docs), 2) }])`,
        when: `previous.n % 1 = 0 and input.question != ""`,
      };
  }
}

const docs = Array.from({ length: 8 }, (_, i) => ({ text: `passage ${i}`, score: i / 8 }));
const step = defineAdapter({
  type: 'step',
  taskSchema: z.object({}),
  execute: async (_task, ctx) => {
    const input = (ctx.input ?? {}) as { n?: number; tags?: string[] };
    return { n: input.n ?? 0, tags: input.tags ?? ['a', 'b', 'x'], docs };
  },
});

const runInput = { question: 'what do expression budgets cost?', n: 0, tags: ['a', 'b', 'x'], docs };
const stagesBounded = Array.from({ length: STAGES }, (_, i) => ({ id: `s${i}`, type: 'step', task: {}, ...expressionsFor(i) }));
const unbounded = (source: string) => {
  const expression = jsonata(source);
  return (scope: ExpressionScope) => expression.evaluate(scope);
};
const stagesUnbounded = stagesBounded.map(({ input, when, ...stage }) => ({ ...stage, input: unbounded(input), when: unbounded(when) }));
const stagesPlain = stagesBounded.map(({ input: _input, when: _when, ...stage }) => stage);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample {
  wall: number;
  cpu: number;
}

async function timeRun(hub: HybridOrchestrator, pipeline: Parameters<HybridOrchestrator['run']>[0]): Promise<Sample> {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await hub.run(pipeline, { input: runInput });
  const wall = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  if (result.status !== 'completed') throw new Error(`the benchmark run did not complete: ${JSON.stringify(result.error)}`);
  if (result.stages.some((s) => s.status !== 'completed')) throw new Error('a stage was skipped or failed');
  return { wall, cpu: (c1.user + c1.system) / 1000 };
}

async function pipelines(): Promise<Record<'plain' | 'unbounded' | 'bounded', { wall: number; cpu: number }>> {
  const samples = { plain: [] as Sample[], unbounded: [] as Sample[], bounded: [] as Sample[] };
  for (let round = 0; round < ROUNDS + 2; round++) {
    // a fresh store each round, so retained runs do not tax later rounds; the first two rounds warm up
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { step } });
    const prepared = {
      plain: await hub.validate({ name: 'plain', stages: stagesPlain }),
      unbounded: await hub.validate({ name: 'unbounded', stages: stagesUnbounded }),
      bounded: await hub.validate({ name: 'bounded', stages: stagesBounded }),
    };
    const order = round % 2 === 0 ? (['plain', 'unbounded', 'bounded'] as const) : (['bounded', 'unbounded', 'plain'] as const);
    for (const kind of order) {
      const sample = await timeRun(hub, prepared[kind]);
      if (round >= 2) samples[kind].push(sample);
    }
  }
  const summary = (xs: Sample[]) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) });
  return { plain: summary(samples.plain), unbounded: summary(samples.unbounded), bounded: summary(samples.bounded) };
}

/** The 2,000 expressions alone on a scope like the one the hub builds: µs per evaluation. */
async function alone(): Promise<{ unbounded: number; bounded: number }> {
  const outputs = Object.fromEntries(Array.from({ length: STAGES }, (_, i) => [`s${i}`, { n: i, tags: ['a', 'b', 'x'], docs }]));
  const scope: ExpressionScope = { input: runInput, previous: { n: 1, tags: ['a', 'b', 'x'], docs }, outputs, data: {}, goal: '' };
  const sources = stagesBounded.flatMap((s) => [s.input, s.when]);
  const fns = { unbounded: sources.map(unbounded), bounded: sources.map((source, i) => compileExpression(source, `e${i}`)) };
  const times = { unbounded: [] as number[], bounded: [] as number[] };
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const kind of round % 2 === 0 ? (['unbounded', 'bounded'] as const) : (['bounded', 'unbounded'] as const)) {
      const t0 = performance.now();
      for (const fn of fns[kind]) await fn(scope);
      if (round >= 2) times[kind].push(((performance.now() - t0) * 1000) / sources.length);
    }
  }
  return { unbounded: median(times.unbounded), bounded: median(times.bounded) };
}

/** One long evaluation (about a second unbounded): the cost of the clock checks and of yielding every 5 ms. */
async function long(): Promise<{ unbounded: number; bounded: number }> {
  const source = '$reduce([1..60000], function($acc, $v) { $acc + ($v % 7) * 2 }, 0)';
  const limits = { timeoutMs: 60_000 };
  const fns = { unbounded: unbounded(source), bounded: compileExpression(source, 'long', { limits }) };
  const times = { unbounded: [] as number[], bounded: [] as number[] };
  for (let round = 0; round < 5; round++) {
    for (const kind of round % 2 === 0 ? (['unbounded', 'bounded'] as const) : (['bounded', 'unbounded'] as const)) {
      const t0 = performance.now();
      await fns[kind]({ input: null, previous: null, outputs: {}, data: {}, goal: '' });
      if (round >= 1) times[kind].push(performance.now() - t0);
    }
  }
  return { unbounded: median(times.unbounded), bounded: median(times.bounded) };
}

function hostile(): HostileFigure[] {
  const self = fileURLToPath(import.meta.url);
  return readdirSync(HOSTILE)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--hostile', join(HOSTILE, name)], { encoding: 'utf8', timeout: 60_000 });
      if (child.status !== 0) return { file: name, ms: Number.NaN, rssBeforeMiB: Number.NaN, peakRssMiB: Number.NaN, outcome: `did not end (${child.signal ?? child.status})` };
      return JSON.parse(child.stdout.trim().split('\n').pop()!) as HostileFigure;
    });
}

const load0 = os.loadavg()[0]!;
const runs = await pipelines();
const single = await alone();
const longRun = await long();
const load = ((load0 + os.loadavg()[0]!) / 2).toFixed(1);
const corpus = hostile();
const mib = (x: number) => x.toFixed(0);

const exprCost = (kind: 'unbounded' | 'bounded', key: 'wall' | 'cpu') => runs[kind][key] - runs.plain[key];
const ratio = runs.bounded.wall / runs.unbounded.wall;
const cpuRatio = runs.bounded.cpu / runs.unbounded.cpu;
const ms = (x: number) => x.toFixed(1);
const markdown = `## Expression budgets

A pipeline of ${STAGES.toLocaleString('en-US')} stages, each with an \`input:\` and a \`when:\` JSONata expression (paths, filters,
aggregates, object construction, a regex), a trivial adapter and the in-memory run store. Bounded: the hub compiles the
strings with the budgets (time, depth, sequence, size), RE2 and \`$eval\` disabled; unbounded: the same expressions
compiled by plain JSONata and given to the hub as functions. Median of ${ROUNDS} interleaved runs of each.

| measure | unbounded | bounded | ratio | target |
|---|---:|---:|---:|---|
| **run of ${STAGES} stages, wall time** | ${ms(runs.unbounded.wall)} ms | ${ms(runs.bounded.wall)} ms | **${ratio.toFixed(2)}×** | ≤ 1.5× ${ratio <= 1.5 ? '✅' : '❌'} |
| the same, process CPU time (less sensitive to other load) | ${ms(runs.unbounded.cpu)} ms | ${ms(runs.bounded.cpu)} ms | ${cpuRatio.toFixed(2)}× | ≤ 1.5× ${cpuRatio <= 1.5 ? '✅' : '❌'} |
| the expressions' share of the run (run less a run without expressions: ${ms(runs.plain.wall)} ms) | ${ms(exprCost('unbounded', 'wall'))} ms | ${ms(exprCost('bounded', 'wall'))} ms | ${(exprCost('bounded', 'wall') / exprCost('unbounded', 'wall')).toFixed(2)}× | |
| one expression alone, on a scope with ${STAGES} outputs | ${single.unbounded.toFixed(1)} µs | ${single.bounded.toFixed(1)} µs | ${(single.bounded / single.unbounded).toFixed(2)}× | |
| one long evaluation (\`$reduce\` over 60,000 items; clock checks, a turn of the event loop every 5 ms) | ${ms(longRun.unbounded)} ms | ${ms(longRun.bounded)} ms | ${(longRun.bounded / longRun.unbounded).toFixed(2)}× | |

Load average while measuring: ${load} on ${os.cpus().length} CPUs (other work on the machine inflates every figure here).

The hostile-input corpus (\`test/fixtures/hostile/\`, one expression per file), each evaluated with the default budgets
in a child process of its own: time until it ended and the process's peak RSS (its RSS before evaluating: the
process with the modules loaded). Unbounded, the endless, quadratic and regex cases never end, non-tail recursion
grows to about a gigabyte in ten seconds (and on), and the \`$pad\` case ends the process with a fatal V8 error.

| file | ended as | time | RSS before → peak |
|---|---|---:|---:|
${corpus.map((c) => `| \`${c.file}\` | ${c.outcome} | ${Number.isNaN(c.ms) ? '—' : `${c.ms.toFixed(0)} ms`} | ${mib(c.rssBeforeMiB)} → ${mib(c.peakRssMiB)} MiB |`).join('\n')}`;
process.stdout.write(`${markdown}\n`);
await recordBenchmark('expressions', markdown);
