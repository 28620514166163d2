/**
 * The agno adapter: agent construction (time and retained heap per agent over 100,000 agents) and the
 * adapter's added cost per run with a function agent.
 * Run: node --expose-gc --import tsx bench/agno.bench.ts
 * Reference: Agno (Python) publishes about 3 µs and 6.6 KiB per agent instantiation.
 * Baselines in this run: the function agent's own `run` (direct), and its bare executor function.
 */
import os from 'node:os';
import { z } from 'zod';
import { Resources } from 'switchyard';
import { Agent, createAdapter, functionAgent, openAICompatible, tool } from 'switchyard/agno';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { nsPerCall, recordBenchmark } from './record.js';

const AGENTS = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, tempC: 20 }),
});

type Build = (i: number) => unknown;
const withString: Build = (i) => new Agent({ name: `agent-${i}`, role: 'assistant', instructions: 'Be brief.', model: 'openai:gpt-4o-mini', tools: [weather] });
const withProvider: Build = (i) =>
  new Agent({ name: `agent-${i}`, role: 'assistant', instructions: 'Be brief.', model: openAICompatible({ model: 'gpt-4o-mini', apiKey: 'k' }), tools: [weather] });
const fnAgent: Build = (i) => functionAgent(`agent-${i}`, (x: number) => x + 1);

function settle(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Heap retained per agent: build 100k, keep them alive, measure after full GCs (the holding array's 8 B/slot included). */
function bytesPerAgent(build: Build): number {
  const holder: unknown[] = new Array(AGENTS);
  const before = settle();
  for (let i = 0; i < AGENTS; i++) holder[i] = build(i);
  const after = settle();
  if (holder.length !== AGENTS) throw new Error('unreachable');
  return (after - before) / AGENTS;
}

/** Time per construction over 100k agents (median of 7 rounds). */
async function timePerAgent(build: Build): Promise<number> {
  let i = 0;
  const sink: unknown[] = new Array(1024);
  return nsPerCall(() => {
    sink[i & 1023] = build(i++);
  }, { iterations: AGENTS, rounds: 7 });
}

const rows: string[] = [];
for (const [label, build] of [
  ['Agent, model as `provider:model` string, 1 tool', withString],
  ['Agent, own provider object, 1 tool', withProvider],
  ['FunctionAgent', fnAgent],
] as const) {
  for (let w = 0; w < 3; w++) await timePerAgent(build); // warm up
  const ns = await timePerAgent(build);
  const bytes = bytesPerAgent(build);
  rows.push(`| ${label} | ${(ns / 1000).toFixed(2)} µs | ${(bytes / 1024).toFixed(2)} KiB (${bytes.toFixed(0)} B) |`);
  console.log(label, `${(ns / 1000).toFixed(2)} µs`, `${bytes.toFixed(0)} B`);
}

// Added cost per run: adapter.execute with a function agent vs the agent's own run vs its bare executor.
const executor = (input: { n: number }) => ({ n: input.n + 1 });
const agent = functionAgent('inc', executor);
const resources = new Resources();
resources.set('agent', 'inc', agent);
const adapter = createAdapter();
const ctx = createTestContext({ resources, input: { n: 1 }, engine: 'agno' });
const task = adapter.taskSchema.parse({ agents: ['inc'], task: 'increment' });
const input = { n: 1 };

const measure = async (fn: () => unknown) => {
  for (let w = 0; w < 3; w++) await nsPerCall(fn, { iterations: 20_000, rounds: 3 });
  return nsPerCall(fn, { iterations: 50_000, rounds: 9 });
};
const bare = await measure(() => executor(input));
const direct = await measure(() => agent.run(input));
const viaAdapter = await measure(() => {
  ctx.events.length = 0; // the test context keeps every event; the hub forwards them instead
  return adapter.execute(task, ctx);
});
console.log({ bare, direct, viaAdapter });

const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
await recordBenchmark(
  'agno',
  `## agno: agent construction and per-run cost

Agent construction over ${AGENTS.toLocaleString('en')} agents: time per \`new Agent(...)\` (median of 7 rounds) and heap retained per live agent after full GCs
(the array holding them, 8 B per slot, included). Agno (Python) publishes about **3 µs and 6.6 KiB** per agent.
Models and tool JSON Schemas are resolved on first run, not at construction; the second row gives each agent its own provider object.

| agent | time per agent | retained heap per agent |
|---|---|---|
${rows.join('\n')}

Per run with a function agent (${'`'}{ agents: ["inc"], task }${'`'}, stage context reused; median of 9 rounds × 50,000 runs):

| path | time per run | added over direct |
|---|---|---|
| bare executor function | ${us(bare)} | - |
| \`FunctionAgent.run\` (direct) | ${us(direct)} | baseline |
| \`adapter.execute\` (agno adapter) | ${us(viaAdapter)} | +${us(viaAdapter - direct)} (${(viaAdapter / direct).toFixed(2)}×) |

The adapter's share is the stage plumbing: agent lookup, input merge, and the engine events it forwards to the run
(\`agent.started\`, \`agent.completed\`). Load average while measuring: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.
`,
);
