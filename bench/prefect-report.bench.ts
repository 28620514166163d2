/**
 * Reporting a locally executed DAG to Prefect: API calls per task and the time reporting adds.
 * Against a REAL Prefect server when the test venv exists (`~/.cache/switchyard/prefect-venv`, made by
 * the integration tests); otherwise against a local recorder that answers like Prefect (counts only).
 * Run: node --expose-gc --import tsx bench/prefect-report.bench.ts
 * Baseline in this run: the same DAG run by the local engine with no reporting.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createAdapter } from 'switchyard/prefect';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { PrefectClient } from '../adapters/prefect/server/index.js';
import { PREFECT_VENV, startPrefectServer, type PrefectServer } from '../test/helpers/prefect-server.js';
import { recordBenchmark } from './record.js';

type NodeSpec = { id: string; handler: (x: unknown) => unknown; dependsOn?: string[] };

const noop = () => 1;
const slow = () => new Promise((r) => setTimeout(r, 150, 1));

/** width x depth layers, each node depending on every node of the layer above (bounded to 2 parents). */
function layered(width: number, depth: number, handler: NodeSpec['handler']): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (let d = 0; d < depth; d++) {
    for (let w = 0; w < width; w++) {
      const deps = d === 0 ? [] : [`n${d - 1}_${w}`, `n${d - 1}_${(w + 1) % width}`].filter((v, i, a) => a.indexOf(v) === i);
      nodes.push({ id: `n${d}_${w}`, handler, ...(deps.length ? { dependsOn: deps } : {}) });
    }
  }
  return nodes;
}

const shapes: { label: string; nodes: NodeSpec[] }[] = [
  { label: 'chain of 50 no-op tasks', nodes: layered(1, 50, noop) },
  { label: '10 x 20 layered no-op tasks', nodes: layered(10, 20, noop) },
  { label: '4 x 5 layered tasks of 150 ms each', nodes: layered(4, 5, slow) },
];

async function startRecorder(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const url = req.url ?? '';
      res.writeHead(url.endsWith('/logs/') ? 201 : 200, { 'content-type': 'application/json' });
      if (url.endsWith('/set_state')) res.end(JSON.stringify({ status: 'ACCEPT', state: body.state, details: {} }));
      else if (url.endsWith('/logs/')) res.end('');
      else res.end(JSON.stringify({ id: body.id ?? 'x0000000-0000-0000-0000-000000000000', name: body.name ?? 'run', flow_id: 'f', parameters: {} }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/api`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const real = existsSync(join(PREFECT_VENV, 'bin', 'prefect'));
let server: PrefectServer | undefined;
let recorder: Awaited<ReturnType<typeof startRecorder>> | undefined;
let url: string;
if (real) {
  server = await startPrefectServer();
  url = server.url;
} else {
  recorder = await startRecorder();
  url = recorder.url;
}

const adapter = createAdapter();
const rows: string[] = [];
try {
  for (const shape of shapes) {
    const edges = shape.nodes.reduce((n, node) => n + (node.dependsOn?.length ?? 0), 0);
    const local = adapter.taskSchema.parse({ workflow: { nodes: shape.nodes, concurrency: 64 } });
    let start = performance.now();
    await adapter.execute(local, createTestContext({ input: 1 }));
    const localMs = performance.now() - start;

    const reported = adapter.taskSchema.parse({ workflow: { nodes: shape.nodes, concurrency: 64 }, report: { prefect: { url, flowName: 'bench-report' } } });
    const context = createTestContext({ input: 1, runId: `bench-${Date.now()}` });
    start = performance.now();
    await adapter.execute(reported, context);
    const reportedMs = performance.now() - start;
    const finished = context.events.find((e) => e.kind === 'prefect.report.finished');
    const errors = context.events.filter((e) => e.kind === 'prefect.report.error');
    if (errors.length) throw new Error(`reporting failed: ${errors[0]!.message}`);
    const requests = (finished?.data as { requests: number }).requests;
    const flowRunId = (finished?.data as { flowRunId: string }).flowRunId;
    if (real) {
      // Check it is all there: every task run exists in Prefect.
      const client = new PrefectClient({ url });
      const taskRuns = await client.filterTaskRuns({ flow_runs: { id: { any_: [flowRunId] } } }, { limit: 200 });
      await client.close();
      if (taskRuns.length < Math.min(200, shape.nodes.length)) throw new Error(`only ${taskRuns.length} task runs in Prefect`);
    }
    const tasks = shape.nodes.length;
    rows.push(`| ${shape.label} | ${tasks} | ${edges} | ${requests} | ${(requests / tasks).toFixed(2)} | ${localMs.toFixed(1)} | ${reportedMs.toFixed(0)} |`);
    console.log(rows.at(-1));
  }
} finally {
  await server?.stop();
  await recorder?.close();
}

await recordBenchmark(
  'prefect-report',
  `## Reporting a local DAG to Prefect (\`bench/prefect-report.bench.ts\`)

API calls for one reported DAG run, everything included: flow (1), flow run (1), task runs, states,
batched logs, the final flow run state (1). ${real ? 'Against a real Prefect 3.8.8 server (SQLite) on this machine.' : 'Against a local recorder answering like Prefect (no real server installed here).'}
A task that starts and ends within one 100 ms flush window costs one request (created in its final
state); a longer task costs two (created RUNNING, then its final state). Driving each task through
the REST API one state at a time (create PENDING, propose RUNNING, propose the final state) costs three.
The reported run's time is dominated by the server's SQLite writes (requests go one at a time by
default; \`report.prefect.concurrency\` raises that for a PostgreSQL-backed server). Baseline: the same DAG on the local engine, unreported.

| DAG | tasks | edges | API calls | calls per task | local run (ms) | reported run (ms) |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}`,
);
