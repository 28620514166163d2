import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HybridOrchestrator, Resources, isWaitingForApproval, openRunStore } from 'switchyard';
import type { ApprovalDecision, PipelineResult, WaitingForApproval } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { runCli } from '../../helpers/run-cli.js';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome('sy-langgraph-parallel-');
const adapters = [createAdapter(), createAdapter()];
const orchestrators: HybridOrchestrator[] = [];
afterAll(async () => {
  for (const adapter of adapters) await adapter.close?.();
  for (const orchestrator of orchestrators) await orchestrator.close();
});

/**
 * A draft that legal and finance approve in parallel: both approval nodes follow `draft`, so they run (and
 * interrupt) in the same step; `decide` joins them and publishes only when both approved, else sends it back.
 */
const signoff = (ran: string[]) => ({
  workflow: {
    nodes: ['draft', { name: 'legal', approve: { message: 'Legal sign-off?' } }, { name: 'finance', approve: { message: 'Finance sign-off?', show: '{ "cost": cost }' } }, 'decide', 'publish', 'revise'],
    edges: [
      ['start', 'draft'],
      ['draft', 'legal'],
      ['draft', 'finance'],
      ['publish', 'end'],
      ['revise', 'end'],
    ],
    conditional: {
      legal: '"decide"',
      finance: '"decide"',
      decide: 'approvals.legal.approved and approvals.finance.approved ? "publish" : "revise"',
    },
  },
  handlers: {
    draft: () => (ran.push('draft'), { draft: 'v1', cost: 120 }),
    decide: () => (ran.push('decide'), { decided: true }),
    publish: () => (ran.push('publish'), { published: true }),
    revise: () => (ran.push('revise'), { revised: true }),
  },
});

function stage(homeDir: string, runId: string, adapterIndex: number, decisions: { approval?: ApprovalDecision; approvals?: Record<string, ApprovalDecision> } = {}) {
  const adapter = adapters[adapterIndex]!;
  return (task: unknown) => {
    const ctx = createTestContext({ engine: 'langgraph', home: homeDir, runId, stageId: 'signoff', ...decisions });
    return { ctx, result: adapter.execute(adapter.taskSchema.parse(task), ctx) };
  };
}

describe('langgraph: parallel approval nodes in the adapter', () => {
  it('two nodes that interrupt in the same step wait as two approvals, each with its interrupt id', async () => {
    const ran: string[] = [];
    const { result, ctx } = stage(home(), uniqueRunId(), 0)(signoff(ran));
    const waiting = (await result) as WaitingForApproval;
    expect(isWaitingForApproval(waiting)).toBe(true);
    expect(waiting.approvals).toHaveLength(2);
    const [legal, finance] = waiting.approvals!;
    expect(legal).toMatchObject({ point: 'legal', message: 'Legal sign-off?', payload: { draft: 'v1', cost: 120 } });
    expect(finance).toMatchObject({ point: 'finance', message: 'Finance sign-off?', payload: { cost: 120 } });
    expect(legal!.approvalId).toMatch(/^[0-9a-f]{32}$/);
    expect(finance!.approvalId).not.toBe(legal!.approvalId);
    expect(waiting.approval).toEqual(legal);
    expect(ctx.events.filter((e) => e.kind === 'approval.requested').map((e) => e.data?.point)).toEqual(['legal', 'finance']);
    expect(ran).toEqual(['draft']);
  });

  it('resumes every interrupt with its own decision; both decisions are in the state', async () => {
    const ran: string[] = [];
    const homeDir = home();
    const runId = uniqueRunId();
    const waiting = (await stage(homeDir, runId, 0)(signoff(ran)).result) as WaitingForApproval;
    const [legal, finance] = waiting.approvals!;
    // without every decision it keeps waiting on both
    const again = (await stage(homeDir, runId, 1, { approvals: { [legal!.approvalId!]: { approved: true } } })(signoff(ran)).result) as WaitingForApproval;
    expect(again.approvals?.map((a) => a.approvalId)).toEqual([legal!.approvalId, finance!.approvalId]);
    const approvals = { [legal!.approvalId!]: { approved: true, by: 'lee' }, [finance!.approvalId!]: { approved: true, by: 'fay', data: { budget: 'ok' } } };
    const { result, ctx } = stage(homeDir, runId, 1, { approval: { approved: true }, approvals })(signoff(ran));
    const output = (await result) as Record<string, unknown>;
    expect(output).toMatchObject({
      draft: 'v1',
      budget: 'ok',
      approvals: { legal: { point: 'legal', approved: true, by: 'lee' }, finance: { point: 'finance', approved: true, by: 'fay' } },
      decided: true,
      published: true,
    });
    expect(ran).toEqual(['draft', 'decide', 'publish']);
    expect(ctx.events.find((e) => e.kind === 'graph.resumed')?.message).toBe('resuming legal, finance with 2 decisions (2 approved, 0 rejected)');
  });
});

/** The same graph as a pipeline stage, then a stage after it. */
function pipelineFile(dir: string): string {
  const file = join(dir, 'signoff.yaml');
  const task = signoff([]);
  writeFileSync(
    file,
    JSON.stringify({
      name: 'signoff',
      stages: [
        { id: 'signoff', type: 'langgraph', task: { workflow: task.workflow } },
        { id: 'after', type: 'langgraph', input: 'previous', task: { workflow: { nodes: ['report'] } } },
      ],
    }),
  );
  return file;
}

let ran: string[] = [];
beforeEach(() => {
  ran = [];
});

function hub(dir: string): HybridOrchestrator {
  const registry = new Resources();
  for (const name of ['draft', 'decide', 'publish', 'revise'] as const) registry.set('handler', name, signoff(ran).handlers[name]);
  registry.set('handler', 'report', (state: Record<string, unknown>) => (ran.push('report'), { report: state.published ? 'published' : 'sent back' }));
  const orchestrator = new HybridOrchestrator({ home: dir, resources: registry });
  orchestrators.push(orchestrator);
  return orchestrator;
}

const points = (result: PipelineResult) => result.pendingApprovals?.map((a) => a.point);

describe('langgraph: parallel approvals in the hub', () => {
  it('two pending approvals; approving one leaves the run waiting on the other; the second completes it with both decisions', async () => {
    const dir = home();
    const file = pipelineFile(dir);
    const first = await hub(dir).run(file);
    expect(first.status).toBe('waiting');
    expect(points(first)).toEqual(['legal', 'finance']);
    expect(first.pendingApproval).toMatchObject({ stageId: 'signoff', point: 'legal', message: 'Legal sign-off?' });
    expect(first.pendingApprovals?.every((a) => a.stageId === 'signoff' && typeof a.approvalId === 'string')).toBe(true);

    // several open: a decision must name one
    await expect(hub(dir).approve(first.runId)).rejects.toThrow('--point: expected one of legal, finance; 2 approvals wait at stage signoff, name one (or its id with --approval)');
    await expect(hub(dir).approve(first.runId, { point: 'legel' })).rejects.toThrow(/^--point: expected one of legal, finance at stage signoff; got "legel"$/);

    const one = await hub(dir).approve(first.runId, { stageId: 'signoff', point: 'legal', by: 'lee' });
    expect(one.status).toBe('waiting');
    expect(one.pendingApproval).toMatchObject({ stageId: 'signoff', point: 'finance', approvalId: first.pendingApprovals![1]!.approvalId });
    expect(one.pendingApprovals).toBeUndefined();
    expect(ran).toEqual(['draft']);
    const store = await openRunStore(dir);
    try {
      expect((await store.getRun(first.runId))?.status).toBe('waiting');
      const [record] = await store.listApprovals(first.runId);
      expect(record?.decision).toBeUndefined();
      expect(record?.approvals?.map((a) => [a.point, a.decision?.approved])).toEqual([
        ['legal', true],
        ['finance', undefined],
      ]);
      const waited = (await store.listEvents(first.runId)).find((e) => e.type === 'stage.waiting');
      expect(waited).toMatchObject({ stageId: 'signoff', approval: { point: 'legal' } });
      expect(waited?.type === 'stage.waiting' ? waited.approvals?.map((a) => a.point) : undefined).toEqual(['legal', 'finance']);
    } finally {
      await store.close();
    }
    await expect(hub(dir).approve(first.runId, { point: 'legal' })).rejects.toThrow(/got "legal" \(already approved\)/);

    const two = await hub(dir).approve(first.runId, { approvalId: first.pendingApprovals![1]!.approvalId!, by: 'fay', data: { budget: 'ok' } });
    expect(two.status).toBe('completed');
    expect(two.stages.find((s) => s.id === 'signoff')?.output).toMatchObject({
      budget: 'ok',
      approvals: { legal: { approved: true, by: 'lee' }, finance: { approved: true, by: 'fay' } },
      published: true,
    });
    expect(two.output).toMatchObject({ report: 'published' });
    expect(ran).toEqual(['draft', 'decide', 'publish', 'report']);
  });

  it('a rejection of one is what the graph makes of it: here decide sends the draft back', async () => {
    const dir = home();
    const first = await hub(dir).run(pipelineFile(dir));
    expect((await hub(dir).reject(first.runId, { point: 'finance', reason: 'over budget', by: 'fay' })).status).toBe('waiting');
    const done = await hub(dir).approve(first.runId, { point: 'legal', by: 'lee' });
    // the stage resumed with a rejection (the summary of its decisions): the graph ran it, then the run ends REJECTED
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'REJECTED', message: 'signoff: the approval was rejected: over budget' });
    expect(done.stages.find((s) => s.id === 'signoff')?.output).toMatchObject({
      approvals: { legal: { approved: true }, finance: { approved: false, reason: 'over budget' } },
      revised: true,
    });
    expect(done.stages.find((s) => s.id === 'signoff')?.output).not.toHaveProperty('published');
    // the stages after it do not run: the run's output is the signoff stage's
    expect(done.output).toMatchObject({ revised: true });
    const store = await openRunStore(dir);
    try {
      const [record] = await store.listApprovals(first.runId);
      expect(record?.decision).toEqual({ approved: false, reason: 'over budget' });
    } finally {
      await store.close();
    }
  });

  it('the CLI: run lists both, runs show lists each, approve --point decides one at a time', async () => {
    const dir = home();
    const file = pipelineFile(dir);
    const module = join(dir, 'handlers.mjs');
    writeFileSync(
      module,
      `export default (registry) => {
  registry.set('handler', 'draft', () => ({ draft: 'v1', cost: 120 }));
  registry.set('handler', 'decide', () => ({ decided: true }));
  registry.set('handler', 'publish', () => ({ published: true }));
  registry.set('handler', 'revise', () => ({ revised: true }));
  registry.set('handler', 'report', (state) => ({ report: state.published ? 'published' : 'sent back' }));
};\n`,
    );
    const doc = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...doc, modules: ['./handlers.mjs'] }));
    const env = process.env.SWITCHYARD_HOME;
    process.env.SWITCHYARD_HOME = dir;
    try {
      const run = await runCli('run', file);
      expect(run.code, run.stderr).toBe(0);
      const runId = /^run (\S+) /.exec(run.stdout)![1]!;
      expect(run.stdout).toContain(
        [
          'waiting for 2 approvals at signoff:',
          '  legal: Legal sign-off?',
          '  finance: Finance sign-off?',
          `  approve: switchyard approve ${runId} --stage signoff --point POINT [--data '{"note":"..."}']`,
          `  reject:  switchyard reject ${runId} --stage signoff --point POINT [--reason "..."]`,
        ].join('\n'),
      );
      const shown = await runCli('runs', 'show', runId);
      expect(shown.stdout).toContain('approval at signoff (legal): Legal sign-off? — pending\napproval at signoff (finance): Finance sign-off? — pending');

      const ambiguous = await runCli('approve', runId);
      expect(ambiguous).toMatchObject({ code: 2, stdout: '' });
      expect(ambiguous.stderr).toBe('error: --point: expected one of legal, finance; 2 approvals wait at stage signoff, name one (or its id with --approval)\n');

      const one = await runCli('reject', runId, '--point', 'finance', '--reason', 'over budget', '--by', 'fay');
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toMatch(/: waiting in \d+ ms/);
      expect(one.stdout).toContain(`waiting for approval at signoff (legal): Legal sign-off?\n  approve: switchyard approve ${runId} --stage signoff`);
      expect((await runCli('runs', 'show', runId)).stdout).toContain('approval at signoff (legal): Legal sign-off? — pending\napproval at signoff (finance): Finance sign-off? — rejected by fay');

      const two = await runCli('approve', runId, '--point', 'legal', '--json');
      expect(two.code, two.stderr).toBe(1);
      expect(JSON.parse(two.stdout)).toMatchObject({ status: 'failed', error: { code: 'REJECTED' }, output: { revised: true } });
      expect((await runCli('runs', 'show', runId)).stdout).toContain('approval at signoff (legal): Legal sign-off? — approved\napproval at signoff (finance): Finance sign-off? — rejected by fay');
    } finally {
      if (env === undefined) delete process.env.SWITCHYARD_HOME;
      else process.env.SWITCHYARD_HOME = env;
    }
  });
});
