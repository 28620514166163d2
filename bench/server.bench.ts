/**
 * The HTTP gateway's cost: `POST /api/runs` of a one-stage pipeline (a no-op adapter, in-memory run store) against
 * `hub.run` of the same prepared pipeline in process, and `POST /api/select` against `select()`; each through
 * `app.request()` (the gateway alone, no socket) and over loopback HTTP (`@hono/node-server`, keep-alive fetch).
 *
 *   node --expose-gc --import tsx bench/server.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, OrchestratorSelector, defineAdapter } from 'switchyard';
import { createServer, listen, type SwitchyardServer } from '../src/server/index.js';
import { recordBenchmark } from './record.js';

const RUNS = 2000;
const SELECTS = 5000;
const noop = defineAdapter({ type: 'noop', taskSchema: z.object({}), execute: async () => null });
const dir = mkdtempSync(join(tmpdir(), 'sy-bench-server-'));
writeFileSync(join(dir, 'one.yaml'), 'name: one\nstages:\n  - { id: only, type: noop, task: {} }\n');

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
interface Timing {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}
/** Calls `fn` `n` times one after the other: calls per second and p50/p99 latency in ms. */
async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(200, n / 10); i++) await fn(i);
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn(i);
    samples.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  samples.sort((a, b) => a - b);
  return { perSecond: (n / total) * 1000, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

/** Waits until every run the server started has finished (the API answers when a run has started). */
async function drained(server: SwitchyardServer): Promise<void> {
  while (server.context.runs.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
}

// hub.run in process: the floor.
const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { noop } });
const prepared = await hub.validate({ name: 'one', stages: [{ id: 'only', type: 'noop', task: {} }] });
const direct = await timed(RUNS, () => hub.run(prepared));
await hub.close();

const server = await createServer({ pipelinesDir: dir, store: new MemoryRunStore(), adapters: { noop }, rateLimit: false, maxRunsInFlight: 100_000, log: () => {} });
const body = JSON.stringify({ pipeline: 'one', input: { n: 1 } });
/** The headers an HTTP client sends with a JSON body (app.request() adds no Content-Length by itself). */
const json = (text: string) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
const postRun = async () => {
  const response = await server.request('/api/runs', { method: 'POST', headers: json(body), body });
  if (response.status !== 201) throw new Error(`POST /api/runs answered ${response.status}`);
  await response.arrayBuffer();
};
// POST until 201 (the run has started), then the rate of runs that also finished.
const inProcess = await timed(RUNS, postRun);
await drained(server);
let t0 = performance.now();
for (let i = 0; i < RUNS; i++) await postRun();
await drained(server);
const inProcessDone = (RUNS / (performance.now() - t0)) * 1000;

const listening = await listen(server, { host: '127.0.0.1', port: 0 });
const url = `${listening.url}/api/runs`;
const postHttp = async () => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (response.status !== 201) throw new Error(`POST /api/runs answered ${response.status}`);
  await response.arrayBuffer();
};
const overHttp = await timed(RUNS, postHttp);
await drained(server);
t0 = performance.now();
const CONCURRENCY = 8;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  for (let i = 0; i < RUNS / CONCURRENCY; i++) await postHttp();
}));
await drained(server);
const httpConcurrent = (RUNS / (performance.now() - t0)) * 1000;

const selector = new OrchestratorSelector();
const question = { taskType: 'approval_workflow', requiresState: true, requiresRouting: true };
const selectDirect = await timed(SELECTS, async () => selector.select(question));
const selectBody = JSON.stringify(question);
const selectInProcess = await timed(SELECTS, async () => {
  const response = await server.request('/api/select', { method: 'POST', headers: json(selectBody), body: selectBody });
  await response.arrayBuffer();
});
const selectHttp = await timed(SELECTS, async () => {
  const response = await fetch(`${listening.url}/api/select`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: selectBody });
  await response.arrayBuffer();
});

await listening.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

const ms = (v: number) => (v < 0.1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(2)} ms`);
const rate = (v: number) => Math.round(v).toLocaleString('en-US');
const row = (what: string, t: Timing, extra = '') => `| ${what} | ${rate(t.perSecond)} | ${ms(t.p50)} | ${ms(t.p99)} | ${extra} |`;
const load = os.loadavg()[0]!.toFixed(1);
const table = `## HTTP gateway (\`bench/server.bench.ts\`)

One-stage pipeline on a no-op adapter, in-memory run store, rate limit off; ${RUNS.toLocaleString('en-US')} calls one after
the other (after a warm-up). \`POST /api/runs\` answers 201 once the run has started (its \`run.started\` event is out and
the run is in the store); the run finishes in the background. *in process* is \`app.request()\` (the gateway alone:
routing, auth, body parsing and zod validation, idempotency, the run, the problem mapping); *HTTP* adds
\`@hono/node-server\` and a keep-alive \`fetch\` over loopback (client and server share the process). The load average at
the start was ${load} on ${os.cpus().length} CPUs (other work shares the machine), which shows most in the p99 column.

| call | per second | p50 | p99 | |
|---|---:|---:|---:|---|
${row('`hub.run(prepared)` in process (the floor: start and finish)', direct)}
${row('`POST /api/runs` in process, to 201', inProcess, `${rate(inProcessDone)} runs/s started and finished`)}
${row('`POST /api/runs` over HTTP, to 201', overHttp, `${rate(httpConcurrent)} runs/s started and finished with ${CONCURRENCY} clients`)}
${row('`select()` in process (the floor)', selectDirect)}
${row('`POST /api/select` in process', selectInProcess)}
${row('`POST /api/select` over HTTP', selectHttp)}

The gateway's own cost per run is the in-process \`POST /api/runs\` against \`hub.run\`: ${ms(inProcess.p50 - direct.p50)} more at the median.`;

process.stdout.write(`${table}\n`);
await recordBenchmark('server', table);
