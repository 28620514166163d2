/**
 * The langgraph adapter's added cost: one 10-node StateGraph with a SQLite checkpointer, each call on a new
 * thread, invoked directly (`graph.invoke`) vs through `adapter.execute` (graph built from a workflow spec,
 * thread lookup, streamed events) vs through a one-stage pipeline (`HybridOrchestrator.run`, which adds the
 * hub's run store and event bus), given as an object (validated on every run) and validated once.
 * Calls interleave so load on the machine hits every variant alike.
 * Run: node --expose-gc --import tsx bench/langgraph.bench.ts
 * Targets: the adapter within 5% of the direct invocation; the whole pipeline within 5% too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { HybridOrchestrator, Resources } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
// the test context alone: the kit's testing entry also loads the vitest conformance suites
import { createTestContext } from '../src/kit/testing/test-context.js';
import { recordBenchmark } from './record.js';

const NODES = 10;
const WARMUP = 15;
const CALLS = 200;
const home = mkdtempSync(join(tmpdir(), 'sy-langgraph-bench-'));
const names = Array.from({ length: NODES }, (_, i) => `n${i}`);
type State = Record<string, unknown>;
const work = (i: number) => (state: State) => ({ [`n${i}`]: ((state.seed as number) ?? 0) + i });

// Direct: the same graph LangGraph users would write — one merged JSON state channel, ten nodes in a row.
const directSaver = SqliteSaver.fromConnString(join(home, 'direct.sqlite'));
const annotation = Annotation.Root({ state: Annotation<State>({ reducer: (a: State, b: State) => ({ ...a, ...b }), default: () => ({}) }) });
const builder = new StateGraph(annotation) as unknown as {
  addNode(name: string, fn: (s: { state: State }) => { state: State }): void;
  addEdge(from: string, to: string): void;
  compile(options: { checkpointer: SqliteSaver }): { invoke(input: unknown, config: unknown): Promise<{ state: State }> };
};
names.forEach((name, i) => builder.addNode(name, ({ state }) => ({ state: work(i)(state) })));
builder.addEdge(START, names[0]!);
for (let i = 0; i + 1 < NODES; i++) builder.addEdge(names[i]!, names[i + 1]!);
builder.addEdge(names.at(-1)!, END);
const direct = builder.compile({ checkpointer: directSaver });

// Adapter: the same nodes as a workflow spec with handlers.
const adapter = createAdapter({ checkpointUrl: join(home, 'adapter.sqlite') });
const resources = new Resources();
names.forEach((name, i) => resources.set('handler', name, work(i)));
const task = adapter.taskSchema.parse({ workflow: { nodes: names }, input: { seed: 1 } });

// Pipeline: one langgraph stage in the hub (run store and events included).
const orchestrator = new HybridOrchestrator({ home: join(home, 'hub'), resources, adapters: { langgraph: createAdapter({ checkpointUrl: join(home, 'hub.sqlite') }) } });
const pipeline = { name: 'bench', stages: [{ id: 'graph', type: 'langgraph', task: { workflow: { nodes: names }, input: { seed: 1 } } }] };
const ready = await orchestrator.validate(pipeline);

let thread = 0;
const expected = Object.fromEntries(names.map((name, i) => [name, 1 + i]));
const variants = {
  direct: async () => {
    const out = await direct.invoke({ state: { seed: 1 } }, { configurable: { thread_id: `direct-${thread++}` } });
    if (out.state.n9 !== expected.n9) throw new Error('direct: wrong result');
  },
  // The same direct call again: how far two identical variants drift apart on this machine (the noise floor).
  again: async () => {
    const out = await direct.invoke({ state: { seed: 1 } }, { configurable: { thread_id: `again-${thread++}` } });
    if (out.state.n9 !== expected.n9) throw new Error('again: wrong result');
  },
  adapter: async () => {
    const ctx = createTestContext({ engine: 'langgraph', runId: `bench-${thread++}`, stageId: 'graph', resources, home });
    const out = (await adapter.execute(task, ctx)) as State;
    if (out.n9 !== expected.n9) throw new Error('adapter: wrong result');
  },
  pipeline: async () => {
    const result = await orchestrator.run(pipeline);
    if (result.status !== 'completed' || (result.output as State).n9 !== expected.n9) throw new Error(`pipeline: ${result.status} ${JSON.stringify(result.error)}`);
  },
  // The same pipeline validated once (`hub.validate`): the run store and event bus without validation.
  prepared: async () => {
    const result = await orchestrator.run(ready);
    if (result.status !== 'completed' || (result.output as State).n9 !== expected.n9) throw new Error(`prepared: ${result.status} ${JSON.stringify(result.error)}`);
  },
} as const;
type Variant = keyof typeof variants;

/** Wall time and this process's CPU time (user + system) of one call, in ms. */
async function time(variant: Variant): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await variants[variant]();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

// Calls interleave one by one (rotating order), so a busy machine slows every variant alike;
// the overhead is the median of the per-triplet ratios, robust to load spikes.
const order: Variant[] = ['direct', 'again', 'adapter', 'pipeline', 'prepared'];
for (let w = 0; w < WARMUP; w++) for (const variant of order) await time(variant);
type Metric = 'wall' | 'cpu';
type Compared = Exclude<Variant, 'direct'>;
const samples: Record<Metric, Record<Variant, number[]>> = {
  wall: { direct: [], again: [], adapter: [], pipeline: [], prepared: [] },
  cpu: { direct: [], again: [], adapter: [], pipeline: [], prepared: [] },
};
const ratios: Record<'wall', Record<Compared, number[]>> = { wall: { again: [], adapter: [], pipeline: [], prepared: [] } };
for (let i = 0; i < CALLS; i++) {
  if (i % 25 === 0) (globalThis as { gc?: () => void }).gc?.();
  const taken = {} as Record<Variant, { wall: number; cpu: number }>;
  for (let k = 0; k < order.length; k++) {
    const variant = order[(i + k) % order.length]!;
    taken[variant] = await time(variant);
  }
  for (const metric of ['wall', 'cpu'] as const) for (const variant of order) samples[metric][variant].push(taken[variant][metric]);
  for (const variant of ['again', 'adapter', 'pipeline', 'prepared'] as const) ratios.wall[variant].push(taken[variant].wall / taken.direct.wall);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
// Wall: per-call medians and the median of per-call ratios. CPU: the kernel accounts CPU time in ticks (ms-scale),
// too coarse for one call, so CPU uses totals over all calls (mean per call, ratio of totals).
const ms = (metric: Metric, variant: Variant) => (metric === 'wall' ? median(samples.wall[variant]) : sum(samples.cpu[variant]) / CALLS).toFixed(2);
const overhead = (metric: Metric, variant: Compared) =>
  (metric === 'wall' ? median(ratios.wall[variant]) - 1 : sum(samples.cpu[variant]) / sum(samples.cpu.direct) - 1) * 100;
const sign = (pct: number) => `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
const adapterPct = overhead('wall', 'adapter');
const verdict = adapterPct <= 5 ? 'met' : 'missed';
const pipelinePct = overhead('wall', 'pipeline');
const pipelineVerdict = pipelinePct <= 5 ? 'met' : 'missed';

console.log(`A/A:  wall ${sign(overhead('wall', 'again'))}, cpu ${sign(overhead('cpu', 'again'))}`);
console.log(
  `wall: direct ${ms('wall', 'direct')} ms, adapter ${ms('wall', 'adapter')} ms (${sign(adapterPct)}), pipeline ${ms('wall', 'pipeline')} ms (${sign(pipelinePct)}), prepared ${ms('wall', 'prepared')} ms (${sign(overhead('wall', 'prepared'))})`,
);
console.log(
  `cpu:  direct ${ms('cpu', 'direct')} ms, adapter ${ms('cpu', 'adapter')} ms (${sign(overhead('cpu', 'adapter'))}), pipeline ${ms('cpu', 'pipeline')} ms (${sign(overhead('cpu', 'pipeline'))}), prepared ${ms('cpu', 'prepared')} ms (${sign(overhead('cpu', 'prepared'))})`,
);

await recordBenchmark(
  'langgraph',
  `## langgraph: 10-node StateGraph with a SQLite checkpointer

One call = one new thread running ten nodes in a row (11 checkpoints written to a SQLite file). ${CALLS} calls of each
variant, interleaved call by call. Wall: medians, and the median of per-call ratios against the direct call beside it.
CPU: this process's user + system time, totalled over all calls (the kernel counts it in ticks, too coarse for one call).

| variant | wall per call | vs direct | CPU per call (mean) | vs direct |
|---|---|---|---|---|
| \`graph.invoke\` (compiled once, LangGraph called directly) | ${ms('wall', 'direct')} ms | — | ${ms('cpu', 'direct')} ms | — |
| \`graph.invoke\` again (A/A: the noise floor on this machine) | ${ms('wall', 'again')} ms | ${sign(overhead('wall', 'again'))} | ${ms('cpu', 'again')} ms | ${sign(overhead('cpu', 'again'))} |
| \`adapter.execute\` (spec graph, thread lookup, node/route/checkpoint events) | ${ms('wall', 'adapter')} ms | ${sign(adapterPct)} | ${ms('cpu', 'adapter')} ms | ${sign(overhead('cpu', 'adapter'))} |
| one-stage pipeline (\`HybridOrchestrator.run(object)\`: validation, run store, event bus) | ${ms('wall', 'pipeline')} ms | ${sign(pipelinePct)} | ${ms('cpu', 'pipeline')} ms | ${sign(overhead('cpu', 'pipeline'))} |
| the same pipeline validated once (\`hub.validate\`, then \`run\`: run store and event bus) | ${ms('wall', 'prepared')} ms | ${sign(overhead('wall', 'prepared'))} | ${ms('cpu', 'prepared')} ms | ${sign(overhead('cpu', 'prepared'))} |

Targets, read against the A/A row (how much two identical variants differ in the same run): the adapter's added cost
within 5% of the direct invocation — **${verdict}** (wall ${sign(adapterPct)}, CPU ${sign(overhead('cpu', 'adapter'))}); the whole pipeline within 5% —
**${pipelineVerdict}** (wall ${sign(pipelinePct)}, CPU ${sign(overhead('cpu', 'pipeline'))}).
The adapter imports LangGraph once and compiles a spec graph once per plan (a pipeline validated again reuses it).
The pipeline rows add the hub's own work per run: its records in two SQLite transactions, the run record before the
stage runs (so a killed process leaves a resumable run) and, at the end, the stage record, its history entry, every
engine event and the final run record together; the run's lease (taken after the run record, renewed while it runs,
released at the end); and the event bus. The first row also validates the pipeline object on every run.`,
);

await adapter.close?.();
await orchestrator.close();
(directSaver as unknown as { db: { close(): void } }).db.close();
rmSync(home, { recursive: true, force: true });
