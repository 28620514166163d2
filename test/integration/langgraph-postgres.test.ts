import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWaitingForApproval } from 'switchyard';
import type { WaitingForApproval } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { startPostgres } from '../helpers/postgres.js';
import type { PostgresServer } from '../helpers/postgres.js';
import { releaseTask } from '../helpers/langgraph-release.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres({ database: 'langgraph_checkpoints' });
  work = mkdtempSync(join(tmpdir(), 'sy-langgraph-pg-'));
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** Each "machine" has its own home directory, so nothing can come from a local SQLite file. */
const machineHome = (name: string) => mkdtempSync(join(work, `${name}-`));

describe('langgraph checkpoints on a real PostgreSQL server', () => {
  it('a thread checkpointed by one adapter is continued by another after approval', async () => {
    const ledger = join(work, 'ledger-1.txt');
    writeFileSync(ledger, '');
    const runId = `pg-${Date.now().toString(36)}`;
    const first = createAdapter({ checkpointUrl: server.url });
    const waiting = await first.execute(first.taskSchema.parse(releaseTask()), createTestContext({ home: machineHome('a'), runId, stageId: 'release', input: { version: '2.0.0', ledger } }));
    await first.close?.();
    expect(isWaitingForApproval(waiting)).toBe(true);
    expect((waiting as WaitingForApproval).approval).toMatchObject({ point: 'approve', payload: { artifact: 'app-2.0.0.tgz' } });

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM checkpoints WHERE thread_id = $1', [`${runId}:release`]);
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }

    const second = createAdapter({ checkpointUrl: server.url });
    const ctx = createTestContext({ home: machineHome('b'), runId, stageId: 'release', approval: { approved: true, by: 'release-manager' } });
    const output = await second.execute(second.taskSchema.parse(releaseTask()), ctx);
    await second.close?.();
    expect(output).toMatchObject({ version: '2.0.0', artifact: 'app-2.0.0.tgz', approved: true, shipped: true, approval: { by: 'release-manager' } });
    expect(ctx.events.map((e) => e.kind)).toContain('graph.resumed');
    expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('SWITCHYARD_CHECKPOINT_URL selects PostgreSQL, and another process resumes the thread', async () => {
    const ledger = join(work, 'ledger-2.txt');
    writeFileSync(ledger, '');
    const runId = `pg-proc-${Date.now().toString(36)}`;
    const saved = process.env.SWITCHYARD_CHECKPOINT_URL;
    process.env.SWITCHYARD_CHECKPOINT_URL = server.url;
    const local = createAdapter();
    try {
      const waiting = await local.execute(local.taskSchema.parse(releaseTask()), createTestContext({ home: machineHome('c'), runId, stageId: 'release', input: { version: '3.1.0', ledger } }));
      expect(isWaitingForApproval(waiting)).toBe(true);
    } finally {
      await local.close?.();
      if (saved === undefined) delete process.env.SWITCHYARD_CHECKPOINT_URL;
      else process.env.SWITCHYARD_CHECKPOINT_URL = saved;
    }
    const args = { url: server.url, home: machineHome('d'), runId, stageId: 'release', approval: { approved: true, data: { note: 'ship it' } } };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/langgraph-resume.ts'), JSON.stringify(args)], { cwd: root, timeout: 60_000 });
    const result = JSON.parse(stdout) as { output: { shippedBy: number; builtBy: number; note: string; shipped: boolean } };
    expect(result.output).toMatchObject({ shipped: true, note: 'ship it' });
    expect(result.output.shippedBy).not.toBe(result.output.builtBy);
    expect(result.output.builtBy).toBe(process.pid);
    expect(readFileSync(ledger, 'utf8')).toContain(`pid=${result.output.shippedBy}`);
  });

  it('a rejection on the other machine ends the graph without shipping', async () => {
    const ledger = join(work, 'ledger-3.txt');
    writeFileSync(ledger, '');
    const runId = `pg-rej-${Date.now().toString(36)}`;
    const first = createAdapter({ checkpointUrl: server.url });
    await first.execute(first.taskSchema.parse(releaseTask()), createTestContext({ home: machineHome('e'), runId, stageId: 'release', input: { version: '4.0.0', ledger } }));
    await first.close?.();
    const second = createAdapter({ checkpointUrl: server.url });
    const output = await second.execute(second.taskSchema.parse(releaseTask()), createTestContext({ home: machineHome('f'), runId, stageId: 'release', approval: { approved: false, reason: 'freeze' } }));
    await second.close?.();
    expect(output).toMatchObject({ approved: false, approval: { reason: 'freeze' } });
    expect(output).not.toHaveProperty('shipped');
    expect(readFileSync(ledger, 'utf8')).toBe('');
  });

  it('names the server when PostgreSQL cannot be reached', async () => {
    const adapter = createAdapter({ checkpointUrl: `postgres://postgres:secret@127.0.0.1:${server.port}/no_such_database` });
    await expect(adapter.execute(adapter.taskSchema.parse(releaseTask()), createTestContext({ home: machineHome('g'), runId: 'x', input: { version: '1', ledger: '/dev/null' } }))).rejects.toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringMatching(/cannot use PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/),
    });
    await adapter.close?.();
  });
});
