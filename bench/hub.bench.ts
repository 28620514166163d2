/**
 * The hub's added cost per stage, against the same no-op adapter called directly, with events on
 * (a sink that receives every event, and the in-memory run store taking stage records, history and events);
 * and the memory of 10,000 runs in flight at once. Both use the in-memory run store (MemoryRunStore),
 * so the figures are the hub's own cost, not SQLite's.
 *
 *   node --expose-gc --import tsx bench/hub.bench.ts
 */
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, type EventSink, type RunEvent } from 'switchyard';
import { createTestContext } from 'switchyard/testing';
import { nsPerCall, recordBenchmark } from './record.js';

const STAGES = 100;
const noop = defineAdapter({ type: 'noop', taskSchema: z.object({}), execute: async () => null });
let events = 0;
const sink: EventSink = { handle: (_e: RunEvent) => void events++ };

const pipeline = { name: 'bench', stages: Array.from({ length: STAGES }, (_, i) => ({ id: `s${i}`, type: 'noop', task: {} })) };

async function perStage(): Promise<{ direct: number; hub: number; validate: number }> {
  const ctx = createTestContext({ engine: 'noop' });
  const direct = await nsPerCall(() => noop.execute({}, ctx), { iterations: 100_000, rounds: 7 });
  const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { noop }, sinks: [sink] });
  // warm up
  for (let i = 0; i < 200; i++) await hub.run(pipeline);
  const run = await nsPerCall(() => hub.run(pipeline), { iterations: 200, rounds: 7 });
  const validate = await nsPerCall(() => hub.validate(pipeline), { iterations: 200, rounds: 7 });
  return { direct, hub: run / STAGES, validate: validate / STAGES };
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
const added = stage.hub - stage.direct;
const memory = await inFlight(10_000);
const us = (ns: number) => (ns / 1000).toFixed(2);
const markdown = `## Hub (pipeline runner)

In-memory run store (\`MemoryRunStore\`) and a counting event sink, so this is the hub's own cost (SQLite adds its writes).

| measure | figure | target |
|---|---:|---|
| no-op adapter called directly | ${us(stage.direct)} µs / call | |
| through the hub, events on (run of ${STAGES} stages, validation included) | ${us(stage.hub)} µs / stage | |
| **hub added cost per stage** | **${us(added)} µs** | < 20 µs ${added < 20_000 ? '✅' : '❌'} |
| of which validation (zod + task schema per stage) | ${us(stage.validate)} µs / stage | |
| memory, 10,000 runs in flight at once (3 stages, held in stage 2) | ${(memory.bytesPerRun / 1024).toFixed(1)} KiB / run (${memory.totalMiB.toFixed(0)} MiB total) | |
| 10,000 concurrent runs started, held and completed | ${memory.seconds.toFixed(2)} s | |

Events: ${events.toLocaleString('en-US')} delivered to the sink during the benchmark.`;
process.stdout.write(`${markdown}\n`);
await recordBenchmark('hub', markdown);
