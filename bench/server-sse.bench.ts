/**
 * One run's events delivered to 1,000 concurrent Server-Sent Events clients of `GET /api/runs/{id}/events` over
 * loopback HTTP (`@hono/node-server`, clients in the same process): the delivery latency of each event (the adapter
 * stamps it; each client notes when it arrives) and the server's memory per connected client.
 *
 *   node --expose-gc --import tsx bench/server-sse.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { MemoryRunStore, defineAdapter } from 'switchyard';
import { sleep } from 'switchyard/adapter-kit';
import { createServer, listen } from '../src/server/index.js';
import { recordBenchmark } from './record.js';

const CLIENTS = 1000;
const TICKS = 20;
const GAP_MS = 50;

let release: () => void = () => {};
const go = new Promise<void>((resolve) => (release = resolve));
/** Waits for the clients, then emits TICKS engine events GAP_MS apart, each stamped with when it was sent. */
const tick = defineAdapter({
  type: 'tick',
  taskSchema: z.object({}),
  async execute(_task, context) {
    await go;
    for (let i = 0; i < TICKS; i++) {
      context.emit({ kind: 'tick', data: { i, sent: performance.timeOrigin + performance.now() } });
      await sleep(GAP_MS);
    }
    return { ticks: TICKS };
  },
});

const dir = mkdtempSync(join(tmpdir(), 'sy-bench-sse-'));
writeFileSync(join(dir, 'ticks.yaml'), 'name: ticks\nstages:\n  - { id: tick, type: tick, task: {} }\n');
const server = await createServer({ pipelinesDir: dir, store: new MemoryRunStore(), adapters: { tick }, rateLimit: false, maxRunsInFlight: 10, log: () => {} });
const listening = await listen(server, { host: '127.0.0.1', port: 0 });

const started = await fetch(`${listening.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipeline: 'ticks' }) });
const { runId } = (await started.json()) as { runId: string };

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const before = process.memoryUsage();

interface Client {
  readonly latencies: number[];
  finished: boolean;
  done: Promise<void>;
}
let connected = 0;
function connect(): Promise<Client> {
  return new Promise((opened, failed) => {
    const client: Client = { latencies: [], finished: false, done: Promise.resolve() };
    client.done = (async () => {
      const response = await fetch(`${listening.url}/api/runs/${runId}/events`, { headers: { accept: 'text/event-stream' } });
      if (response.status !== 200 || !response.body) throw new Error(`events answered ${response.status}`);
      connected++;
      opened(client);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const now = performance.timeOrigin + performance.now();
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { type: string; event?: { kind: string; data?: { sent?: number } } };
          if (event.type === 'stage.engine' && event.event?.kind === 'tick' && typeof event.event.data?.sent === 'number') client.latencies.push(now - event.event.data.sent);
          if (event.type === 'run.finished') client.finished = true;
        }
      }
    })().catch(failed);
  });
}

const clients: Client[] = [];
for (let i = 0; i < CLIENTS; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, connect))));
await sleep(500);
gc();
const connectedMemory = process.memoryUsage();
release();
await Promise.all(clients.map((c) => c.done));

const all = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
const q = (p: number) => all[Math.min(all.length - 1, Math.floor(p * all.length))]!;
const complete = clients.filter((c) => c.finished && c.latencies.length === TICKS).length;
const perClient = (key: 'heapUsed' | 'rss') => (connectedMemory[key] - before[key]) / CLIENTS / 1024;
await listening.close(100);
await server.close({ graceMs: 0 });
rmSync(dir, { recursive: true, force: true });

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const markdown = `## Live events to many SSE clients (\`bench/server-sse.bench.ts\`)

One run emits ${TICKS} engine events ${GAP_MS} ms apart; ${CLIENTS} clients follow \`GET /api/runs/{id}/events\` over
loopback HTTP at once (clients and server share one process, so the figures include the clients' own parsing).
Delivery latency is from the adapter's \`emit\` to the moment a client has the event, over every event and client.

| measure | figure |
|---|---:|
| clients that got every event and \`run.finished\` | ${complete} of ${CLIENTS} (${connected} connected) |
| events delivered | ${all.length.toLocaleString('en-US')} |
| delivery latency p50 | ${fmt(q(0.5))} |
| delivery latency p99 | ${fmt(q(0.99))} |
| delivery latency max | ${fmt(all.at(-1) ?? 0)} |
| memory per connected client (heap, server and client together) | ${perClient('heapUsed').toFixed(1)} KiB |
| memory per connected client (RSS) | ${perClient('rss').toFixed(1)} KiB |

Load average at the start: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs.`;
console.log(markdown);
await recordBenchmark('server-sse', markdown);
process.exit(0);
