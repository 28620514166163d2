/**
 * The hub's added cost per stage, against the same no-op adapter called directly, with events on
 * (a sink that receives every event, and the in-memory run store taking stage records, history and events);
 * and the memory of 10,000 runs in flight at once. Both use the in-memory run store (MemoryRunStore),
 * so the figures are the hub's own cost, not SQLite's.
 *
 *   node --expose-gc --import tsx bench/hub.bench.ts
 */
import os from 'node:os';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, type EventSink, type RunEvent } from 'switchyard';
// the test context alone: the kit's testing entry also loads the vitest conformance suites
import { createTestContext } from '../src/kit/testing/test-context.js';
import { nsPerCall, recordBenchmark } from './record.js';

const STAGES = 100;
const noop = defineAdapter({ type: 'noop', taskSchema: z.object({}), execute: async () => null });
let events = 0;
const sink: EventSink = { handle: (_e: RunEvent) => void events++ };

const pipeline = { name: 'bench', stages: Array.from({ length: STAGES }, (_, i) => ({ id: `s${i}`, type: 'noop', task: {} })) };

/** Median over rounds; each round uses a fresh in-memory store so retained runs do not tax later rounds. */
async function perStage(): Promise<{ direct: number; prepared: number; full: number; directCpu: number; preparedCpu: number }> {
  const ctx = createTestContext({ engine: 'noop' });
  const direct = await nsPerCall(() => noop.execute({}, ctx), { iterations: 100_000, rounds: 7 });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 1_000_000; i++) await noop.execute({}, ctx);
  const cpu1 = process.cpuUsage(cpu0);
  const directCpu = ((cpu1.user + cpu1.system) * 1000) / 1_000_000;
  const RUNS = 50;
  const prepared: number[] = [];
  const preparedCpu: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < 9; round++) {
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { noop }, sinks: [sink] });
    const ready = await hub.validate(pipeline);
    let t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await hub.run(ready);
    const c1 = process.cpuUsage(c0);
    prepared.push(Number(process.hrtime.bigint() - t0) / RUNS / STAGES);
    preparedCpu.push(((c1.user + c1.system) * 1000) / RUNS / STAGES);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < RUNS; i++) await hub.run(pipeline);
    full.push(Number(process.hrtime.bigint() - t0) / RUNS / STAGES);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { direct, prepared: median(prepared.slice(2)), full: median(full.slice(2)), directCpu, preparedCpu: median(preparedCpu.slice(2)) };
}

async function inFlight(runs: number): Promise<{ bytesPerRun: number; totalMiB: number; seconds: number }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const waiting = defineAdapter({
    type: 'gate',
    taskSchema: z.object({}),
    execute: async () => {
      started++;
      await gate;
      return 'done';
    },
  });
  const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { noop, gate: waiting }, sinks: [sink] });
  const p = { name: 'in-flight', stages: [{ id: 'first', type: 'noop', task: {} }, { id: 'held', type: 'gate', task: {} }, { id: 'last', type: 'noop', task: {} }] };
  await hub.run({ ...p, stages: [p.stages[0]!] }); // warm up
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < runs; i++) all.push(hub.run(p));
  while (started < runs) await new Promise((r) => setImmediate(r));
  globalThis.gc?.();
  const during = process.memoryUsage().heapUsed;
  release();
  const results = (await Promise.all(all)) as { status: string }[];
  const seconds = (performance.now() - t0) / 1000;
  if (results.some((r) => r.status !== 'completed')) throw new Error('a run did not complete');
  return { bytesPerRun: (during - before) / runs, totalMiB: (during - before) / 2 ** 20, seconds };
}

const stage = await perStage();
const added = stage.prepared - stage.direct;
const load = os.loadavg()[0]!.toFixed(1);
const memory = await inFlight(10_000);
const us = (ns: number) => (ns / 1000).toFixed(2);
const markdown = `## Hub (pipeline runner)

In-memory run store (\`MemoryRunStore\`) and a counting event sink, so this is the hub's own cost (SQLite adds its writes).

| measure | figure | target |
|---|---:|---|
| no-op adapter called directly | ${us(stage.direct)} µs / call | |
| through the hub, events on (validated pipeline, run of ${STAGES} stages) | ${us(stage.prepared)} µs / stage | |
| **hub added cost per stage** | **${us(added)} µs** | < 20 µs ${added < 20_000 ? '✅' : '❌'} |
| hub added CPU time per stage (process CPU time, less sensitive to other load) | ${us(stage.preparedCpu - stage.directCpu)} µs | < 20 µs ${stage.preparedCpu - stage.directCpu < 20_000 ? '✅' : '❌'} |
| the same, validating the pipeline on every run (\`run(object)\`) | ${us(stage.full - stage.direct)} µs / stage | |
| memory, 10,000 runs in flight at once (3 stages, held in stage 2) | ${(memory.bytesPerRun / 1024).toFixed(1)} KiB / run (${memory.totalMiB.toFixed(0)} MiB total) | |
| 10,000 concurrent runs started, held and completed | ${memory.seconds.toFixed(2)} s | |

Events: ${events.toLocaleString('en-US')} delivered to the sink during the benchmark. Load average while measuring: ${load} on ${os.cpus().length} CPUs (other work on the machine inflates every figure here).`;
process.stdout.write(`${markdown}\n`);
await recordBenchmark('hub', markdown);
