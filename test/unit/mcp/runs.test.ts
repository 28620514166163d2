import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINES, connect, tempHomes, waitForStatus, type Connected } from './helpers.js';

interface Outcome {
  runId: string;
  status: string;
  pipeline?: string;
  output?: Record<string, unknown>;
  stages?: { id: string; status: string }[];
  pendingApproval?: { stageId: string; point: string; message: string };
}

const home = tempHomes();
let mcp: Connected;
beforeAll(async () => {
  mcp = await connect({ home: home(), pipelines: PIPELINES });
});
afterAll(() => mcp?.close());

/** Inline (no modules): a graph on the handlers the offered pipelines' modules registered, stopping for approval. */
const inlineGate = {
  name: 'inline-gate',
  stages: [
    {
      id: 'ask',
      type: 'langgraph',
      task: { workflow: { nodes: ['review', 'approve', 'deploy'], conditional: { approve: 'approved ? "deploy" : "end"' } }, input: { build: 7 }, approvalMessage: 'Ship build 7?' },
    },
  ],
};

describe('MCP tools: runs', () => {
  it('a fresh home has no runs, and looking creates no store', async () => {
    const fresh = await connect({ home: home() });
    try {
      expect(await fresh.ok('list_runs')).toEqual({ runs: [] });
      expect(await fresh.fails('get_run', { runId: 'nope' })).toBe('NOT_FOUND: runId: expected the id of a run in the run store; got "nope" (list_runs shows them)');
      const { existsSync } = await import('node:fs');
      const { join } = await import('node:path');
      expect(existsSync(join(fresh.context.hub.home, 'switchyard.sqlite'))).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it('run_pipeline by name with wait returns the finished result', async () => {
    const result = await mcp.ok<Outcome>('run_pipeline', { pipeline: 'hello', input: { who: 'ana' }, wait: true });
    expect(result).toMatchObject({ status: 'completed', pipeline: 'hello', stages: [{ id: 'greet', status: 'completed' }] });
    expect(result.output).toMatchObject({ result: 'HELLO, ANA' });
  });

  it('run_pipeline without wait answers { runId, status } at once; get_run follows it to the end', async () => {
    const started = await mcp.ok<Outcome>('run_pipeline', { pipeline: 'hello', input: { who: 'bo' } });
    expect(started).toEqual({ runId: expect.any(String), status: 'running' });
    const shown = (await waitForStatus(mcp, started.runId, ['completed', 'failed'])) as { run: { status: string; pipelineName: string; input: unknown; output: unknown }; stages: unknown[]; history: unknown[]; approvals: unknown[] };
    expect(shown.run).toMatchObject({ status: 'completed', pipelineName: 'hello', input: { who: 'bo' }, output: { result: 'HELLO, BO' } });
    expect(shown.stages).toMatchObject([{ stageId: 'greet', engine: 'prefect', status: 'completed', attempts: 1 }]);
    expect(shown.history).toMatchObject([{ stageId: 'greet', outcome: 'completed' }]);
    expect(shown.approvals).toEqual([]);

    const withEvents = await mcp.ok<{ events: { type: string }[] }>('get_run', { runId: started.runId, events: true });
    expect(withEvents.events[0]).toMatchObject({ type: 'run.started' });
    expect(withEvents.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });

    const { runs } = await mcp.ok<{ runs: { runId: string; pipelineName: string; status: string }[] }>('list_runs', { status: 'completed' });
    expect(runs.map((r) => r.runId)).toContain(started.runId);
    expect(runs.every((r) => r.status === 'completed' && r.pipelineName === 'hello')).toBe(true);
    expect((await mcp.ok<{ runs: unknown[] }>('list_runs', { limit: 1 })).runs).toHaveLength(1);
  });

  it('an inline pipeline runs (its paths in the pipelines folder); one with modules or mistakes is refused with the path named', async () => {
    const docs = { name: 'inline-docs', stages: [{ id: 'read', type: 'llamaindex', task: { type: 'document_analysis', docs: ['notes.md'], questions: ['When is the release?'] } }] };
    const result = await mcp.ok<Outcome>('run_pipeline', { pipeline: docs, wait: true });
    expect(result).toMatchObject({ status: 'completed', pipeline: 'inline-docs' });
    expect(JSON.stringify(result.output)).toContain('Friday');

    const dag = { name: 'inline-dag', stages: [{ type: 'prefect', task: { workflow: { nodes: [{ id: 'greeting', dependsOn: [] }, { id: 'shout', dependsOn: ['greeting'] }] } } }] };
    expect(await mcp.ok<Outcome>('run_pipeline', { pipeline: dag, input: { who: 'inline' }, wait: true })).toMatchObject({ status: 'completed', output: { result: 'HELLO, INLINE' } });

    expect(await mcp.fails('run_pipeline', { pipeline: { name: 'x', modules: ['../../evil.ts'], stages: [{ type: 'agno', task: { agents: ['a'] } }] } })).toMatch(/^INVALID_PIPELINE: modules: expected no modules in an inline pipeline/);
    expect(await mcp.fails('run_pipeline', { pipeline: { name: 'x', stages: [{ type: 'langraph', task: {} }] } })).toBe(
      'INVALID_PIPELINE: stages[0].type: expected one of agno, langgraph, llamaindex, prefect, auto; got "langraph" (did you mean "langgraph"?)',
    );
    expect(await mcp.fails('run_pipeline', { pipeline: 'nope' })).toMatch(/^NOT_FOUND: pipeline: expected the name of an offered pipeline/);
  });

  it('a run waiting for approval is approved with approve_run, then completes', async () => {
    const waiting = await mcp.ok<Outcome>('run_pipeline', { pipeline: 'release', wait: true });
    expect(waiting).toMatchObject({ status: 'waiting', pendingApproval: { stageId: 'gate', point: 'approve', message: 'Deploy build 42?' } });
    const shown = await mcp.ok<{ run: { status: string }; approvals: { stageId: string; decision?: unknown }[] }>('get_run', { runId: waiting.runId });
    expect(shown.run.status).toBe('waiting');
    expect(shown.approvals).toMatchObject([{ stageId: 'gate', approval: { point: 'approve' } }]);
    expect(shown.approvals[0]!.decision).toBeUndefined();
    expect((await mcp.ok<{ runs: { runId: string }[] }>('list_runs', { status: 'waiting' })).runs.map((r) => r.runId)).toContain(waiting.runId);

    expect(await mcp.fails('approve_run', { runId: waiting.runId, stageId: 'gat' })).toBe('INVALID_INPUT: stageId: expected one of gate; got "gat"');

    const done = await mcp.ok<Outcome>('approve_run', { runId: waiting.runId, data: { version: '1.4.3' }, by: 'ana', wait: true });
    expect(done).toMatchObject({ runId: waiting.runId, status: 'completed' });
    expect(done.output).toMatchObject({ build: 42, review: 'build 42 looks fine', approved: true, version: '1.4.3', deployed: '1.4.3', approval: { by: 'ana' } });
    const after = await mcp.ok<{ approvals: { decision?: { approved: boolean; by?: string } }[] }>('get_run', { runId: waiting.runId });
    expect(after.approvals[0]!.decision).toMatchObject({ approved: true, by: 'ana' });

    expect(await mcp.fails('approve_run', { runId: waiting.runId })).toBe(`CONFLICT: run ${waiting.runId} is completed, not waiting for approval`);
  });

  it('reject_run without wait answers at once; the graph routes to its end', async () => {
    const started = await mcp.ok<Outcome>('run_pipeline', { pipeline: inlineGate });
    const waiting = (await waitForStatus(mcp, started.runId, ['waiting', 'failed'])) as { run: { status: string } };
    expect(waiting.run.status).toBe('waiting');
    const resumed = await mcp.ok<Outcome>('reject_run', { runId: started.runId, reason: 'not during the freeze' });
    expect(resumed).toEqual({ runId: started.runId, status: 'running' });
    const shown = (await waitForStatus(mcp, started.runId, ['completed', 'failed'])) as { run: { status: string; output?: unknown; error?: { code: string } }; stages: { stageId: string; output?: unknown }[]; approvals: { decision?: unknown }[] };
    // A rejection ends the run failed with code REJECTED; the graph stage itself routed to its end with the decision.
    expect(shown.run).toMatchObject({ status: 'failed', error: { code: 'REJECTED' } });
    const gate = shown.stages.find((s) => s.output !== undefined)?.output;
    expect(gate).toMatchObject({ build: 7, review: 'build 7 looks fine', approved: false, approval: { approved: false, reason: 'not during the freeze' } });
    expect(gate).not.toHaveProperty('deployed');
    expect(shown.approvals[0]!.decision).toMatchObject({ approved: false, reason: 'not during the freeze' });
    expect(await mcp.fails('reject_run', { runId: 'missing' })).toMatch(/^NOT_FOUND: runId: /);
  });

  it('closing the server cancels background runs, which are recorded cancelled so they can be resumed', async () => {
    const own = await connect({ home: home(), pipelines: PIPELINES });
    const started = await own.ok<Outcome>('run_pipeline', { pipeline: 'slow' });
    expect((await own.ok<{ run: { status: string } }>('get_run', { runId: started.runId })).run.status).toBe('running');
    await own.close();
    const { openExistingRunStore } = await import('../../../src/store/index.js');
    const store = await openExistingRunStore(own.context.hub.home);
    try {
      expect(await store!.getRun(started.runId)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'the MCP server stopped' } });
    } finally {
      await store!.close();
    }
    await expect(own.context.launcher.launch(() => Promise.reject(new Error('never started')), false)).rejects.toThrow('the MCP server is shutting down; no new runs start');
  });
});
