/**
 * The PostgreSQL run store's cost per stage against the embedded SQLite store in the same run: a hub with one
 * trivial adapter runs a 10-stage pipeline RUNS times on each store (interleaved in rounds), with every store
 * method call counted (each call is one round trip to the store: a query or a transaction).
 *
 *   node --expose-gc --import tsx bench/store-postgres.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { HybridOrchestrator, defineAdapter, openRunStore, type RunStore } from 'switchyard';
import { startPostgres } from '../test/helpers/postgres.js';
import { recordBenchmark } from './record.js';

const STAGES = 10;
const RUNS = 50;
const ROUNDS = 9;
const step = defineAdapter({ type: 'step', taskSchema: z.object({}), execute: async () => ({ ok: true }) });
const pipeline = { name: 'store-bench', stages: Array.from({ length: STAGES }, (_, i) => ({ id: `s${i}`, type: 'step', task: {} })) };

/** The store with every method call counted by name. */
function counted(store: RunStore): { store: RunStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      if (key === 'close') return (value as () => Promise<void>).bind(target);
      return (...args: unknown[]) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

interface Measured {
  readonly msPerStage: number[];
  readonly calls: Map<string, number>;
  runs: number;
}

const home = mkdtempSync(join(tmpdir(), 'sy-bench-store-'));
const pg = await startPostgres({ database: 'switchyard_bench' });
const sqlite = counted(await openRunStore({ home }));
const postgres = counted(await openRunStore({ url: pg.url }));
const sides = { sqlite: { ...sqlite, hub: new HybridOrchestrator({ store: sqlite.store, builtins: false, adapters: { step } }) }, postgres: { ...postgres, hub: new HybridOrchestrator({ store: postgres.store, builtins: false, adapters: { step } }) } };
const results: Record<keyof typeof sides, Measured> = { sqlite: { msPerStage: [], calls: new Map(), runs: 0 }, postgres: { msPerStage: [], calls: new Map(), runs: 0 } };

for (const side of Object.values(sides)) {
  const ready = await side.hub.validate(pipeline);
  for (let i = 0; i < 10; i++) {
    const run = await side.hub.run(ready);
    if (run.status !== 'completed') throw new Error(`warm-up run ended ${run.status}`);
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, side] of Object.entries(sides) as [keyof typeof sides, (typeof sides)[keyof typeof sides]][]) {
    const ready = await side.hub.validate(pipeline);
    side.calls.clear();
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i++) {
      const run = await side.hub.run(ready);
      if (run.status !== 'completed') throw new Error(`${name} run ended ${run.status}`);
    }
    // the hub's event bus writes in batches after the run: wait for the last of them
    await new Promise((r) => setTimeout(r, 0));
    const elapsed = performance.now() - t0;
    results[name].msPerStage.push(elapsed / RUNS / STAGES);
    for (const [k, v] of side.calls) results[name].calls.set(k, (results[name].calls.get(k) ?? 0) + v);
    results[name].runs += RUNS;
  }
}
await sides.sqlite.hub.close();
await sides.postgres.hub.close();
await sqlite.store.close();
await postgres.store.close();
await pg.stop();
rmSync(home, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const perStage = (m: Measured) => total(m.calls) / m.runs / STAGES;
const breakdown = (m: Measured) =>
  [...m.calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `\`${k}\` ${(v / m.runs).toFixed(1)}`)
    .join(', ');
const s = results.sqlite;
const p = results.postgres;
const ratio = median(p.msPerStage) / median(s.msPerStage);
const load = os.loadavg()[0]!.toFixed(1);
const table = `## store-postgres: PostgreSQL run store against SQLite (\`bench/store-postgres.bench.ts\`)

A hub (\`new HybridOrchestrator({ store, adapters: { step } })\`, a trivial adapter) runs a ${STAGES}-stage pipeline
${RUNS} times per round on each store, ${ROUNDS} rounds interleaved store by store after 10 warm-up runs each; ms per stage is
the median round (wall time of the ${RUNS} runs ÷ ${RUNS * STAGES} stages). Round trips: every store method call, counted by
wrapping the store (one call is one query, or one transaction for a commit). SQLite: the embedded store in a temp home
(WAL file). PostgreSQL 15: a local server on loopback (\`test/helpers/postgres.ts\`: fsync and synchronous_commit off),
one pool, the same process. Load average at the start: ${load} on ${os.cpus().length} CPUs.

| store | ms per stage (median round) | best round | store round trips per stage | per run |
|---|---:|---:|---:|---|
| SQLite (embedded file) | ${median(s.msPerStage).toFixed(3)} | ${Math.min(...s.msPerStage).toFixed(3)} | ${perStage(s).toFixed(2)} | ${breakdown(s)} |
| PostgreSQL (loopback) | ${median(p.msPerStage).toFixed(3)} | ${Math.min(...p.msPerStage).toFixed(3)} | ${perStage(p).toFixed(2)} | ${breakdown(p)} |

PostgreSQL ÷ SQLite per stage: **${ratio.toFixed(2)}×** (median rounds), ${(Math.min(...p.msPerStage) / Math.min(...s.msPerStage)).toFixed(2)}× best rounds.
The stores do not take the same calls: SQLite implements \`commit\` (each durable point, stage record + history +
events, is one transaction), the PostgreSQL store does not, so the hub
writes each durable point with the single-record calls (\`commitRun\` in src/store/commit.ts), ${perStage(p).toFixed(1)} round trips per stage against
${perStage(s).toFixed(1)}. Wall time per call, hub work included: ${((median(p.msPerStage) * STAGES) / (total(p.calls) / p.runs)).toFixed(3)} ms on PostgreSQL, ${((median(s.msPerStage) * STAGES) / (total(s.calls) / s.runs)).toFixed(3)} ms on SQLite.`;

process.stdout.write(`${table}\n`);
await recordBenchmark('store-postgres', table);
