import { afterAll, describe, expect, it } from 'vitest';
import { isWaitingForApproval } from 'switchyard';
import type { ApprovalDecision, WaitingForApproval } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome();
const adapters = [createAdapter(), createAdapter()];
afterAll(async () => {
  for (const adapter of adapters) await adapter.close?.();
});

/** Seed 002's CI/CD graph: review, approve, deploy; approve routes to deploy only when approved. */
const cicd = (deployed: string[]) => ({
  workflow: { nodes: ['review', 'approve', 'deploy'], conditional: { approve: 'approved ? "deploy" : "end"' } },
  handlers: {
    review: (state: { test_results: string }) => ({ review: `tests: ${state.test_results}` }),
    deploy: (state: { version?: string }) => {
      deployed.push(state.version ?? 'latest');
      return { deployed: true };
    },
  },
  input: { test_results: '42 passed' },
});

/** Two executions on the same home, run and stage stand for the first process and the one `switchyard approve` starts. */
function stage(homeDir: string, runId: string, adapterIndex: number, approval?: ApprovalDecision) {
  const adapter = adapters[adapterIndex]!;
  return (task: unknown) => {
    const ctx = createTestContext({ engine: 'langgraph', home: homeDir, runId, stageId: 'gate', ...(approval ? { approval } : {}) });
    return { ctx, result: adapter.execute(adapter.taskSchema.parse(task), ctx) };
  };
}

describe('langgraph human approval', () => {
  it('interrupts at the approve node with what the approver needs to see', async () => {
    const deployed: string[] = [];
    const { result, ctx } = stage(home(), uniqueRunId(), 0)(cicd(deployed));
    const output = await result;
    expect(isWaitingForApproval(output)).toBe(true);
    const waiting = output as WaitingForApproval;
    expect(waiting.approval).toEqual({ point: 'approve', message: 'Approval needed at "approve" (stage gate)', payload: { test_results: '42 passed', review: 'tests: 42 passed' } });
    expect(waiting.partial).toEqual({ test_results: '42 passed', review: 'tests: 42 passed' });
    expect(deployed).toEqual([]);
    expect(ctx.events.map((e) => e.kind)).toContain('approval.requested');
  });

  it('resumes from the checkpoint with the approval and runs the rest of the graph', async () => {
    const deployed: string[] = [];
    const homeDir = home();
    const runId = uniqueRunId();
    const reviews: string[] = [];
    const task = cicd(deployed);
    const counting = { ...task, handlers: { ...task.handlers, review: (s: { test_results: string }) => (reviews.push('review'), task.handlers.review(s)) } };
    expect(isWaitingForApproval(await stage(homeDir, runId, 0)(counting).result)).toBe(true);
    const { result, ctx } = stage(homeDir, runId, 1, { approved: true, data: { version: '1.2.3' }, by: 'ops' })(counting);
    const output = await result;
    expect(output).toEqual({
      test_results: '42 passed',
      review: 'tests: 42 passed',
      version: '1.2.3',
      approved: true,
      approval: { point: 'approve', approved: true, by: 'ops' },
      deployed: true,
    });
    expect(deployed).toEqual(['1.2.3']);
    expect(reviews).toEqual(['review']);
    expect(ctx.events.map((e) => e.kind)).toContain('graph.resumed');
    expect(ctx.events.find((e) => e.kind === 'route.decided')?.data).toEqual({ from: 'approve', to: 'deploy' });
  });

  it('a rejection routes to the end', async () => {
    const deployed: string[] = [];
    const homeDir = home();
    const runId = uniqueRunId();
    await stage(homeDir, runId, 0)(cicd(deployed)).result;
    const output = await stage(homeDir, runId, 1, { approved: false, reason: 'flaky tests' })(cicd(deployed)).result;
    expect(output).toMatchObject({ approved: false, approval: { point: 'approve', approved: false, reason: 'flaky tests' } });
    expect(deployed).toEqual([]);
  });

  it('re-executing without a decision keeps waiting', async () => {
    const homeDir = home();
    const runId = uniqueRunId();
    await stage(homeDir, runId, 0)(cicd([])).result;
    const again = await stage(homeDir, runId, 1)(cicd([])).result;
    expect(isWaitingForApproval(again)).toBe(true);
    expect((again as WaitingForApproval).approval.point).toBe('approve');
  });

  it('an approval node without a conditional stops on rejection and continues on approval', async () => {
    const task = { workflow: { nodes: ['draft', 'signoff', 'publish'], approve: ['signoff'] }, handlers: { draft: () => ({ draft: 'v1' }), publish: () => ({ published: true }) }, approvalMessage: 'Publish the draft?' };
    const homeDir = home();
    const yes = uniqueRunId();
    const waiting = (await stage(homeDir, yes, 0)(task).result) as WaitingForApproval;
    expect(waiting.approval.message).toBe('Publish the draft?');
    expect(await stage(homeDir, yes, 1, { approved: true })(task).result).toMatchObject({ published: true });
    const no = uniqueRunId();
    await stage(homeDir, no, 0)(task).result;
    const rejected = await stage(homeDir, no, 1, { approved: false })(task).result;
    expect(rejected).not.toHaveProperty('published');
  });

  it('shows the approver what the node\'s `show` expression selects', async () => {
    const task = {
      workflow: { nodes: ['review', { name: 'approve', approve: { message: 'Ship?', show: '{ "summary": review, "count": $count(items) }' } }] },
      handlers: { review: () => ({ review: 'all good', items: [1, 2, 3] }) },
    };
    const waiting = (await stage(home(), uniqueRunId(), 0)(task).result) as WaitingForApproval;
    expect(waiting.approval).toEqual({ point: 'approve', message: 'Ship?', payload: { summary: 'all good', count: 3 } });
  });

  it('two approval points ask twice', async () => {
    const task = {
      workflow: { nodes: ['a', { name: 'first', approve: { message: 'first?' } }, { name: 'second', approve: true }, 'b'] },
      handlers: { a: () => ({ a: 1 }), b: () => ({ b: 1 }) },
    };
    const homeDir = home();
    const runId = uniqueRunId();
    expect(((await stage(homeDir, runId, 0)(task).result) as WaitingForApproval).approval.message).toBe('first?');
    const second = (await stage(homeDir, runId, 1, { approved: true })(task).result) as WaitingForApproval;
    expect(isWaitingForApproval(second)).toBe(true);
    expect(second.approval.point).toBe('second');
    expect(await stage(homeDir, runId, 0, { approved: true })(task).result).toMatchObject({ a: 1, b: 1, approved: true });
  });

  it('a finished thread returns its final state instead of running again', async () => {
    let calls = 0;
    const task = { workflow: { nodes: ['once'] }, handlers: { once: () => ({ calls: ++calls }) } };
    const homeDir = home();
    const runId = uniqueRunId();
    expect(await stage(homeDir, runId, 0)(task).result).toEqual({ calls: 1 });
    expect(await stage(homeDir, runId, 1)(task).result).toEqual({ calls: 1 });
    expect(calls).toBe(1);
  });

  it('a failed run continues from the failing node on the next attempt', async () => {
    const ran: string[] = [];
    let fail = true;
    const task = {
      workflow: { nodes: ['first', 'second'] },
      handlers: {
        first: () => (ran.push('first'), { first: true }),
        second: () => {
          ran.push('second');
          if (fail) throw new Error('second failed');
          return { second: true };
        },
      },
      retry: { attempts: 1 },
    };
    const homeDir = home();
    const runId = uniqueRunId();
    await expect(stage(homeDir, runId, 0)(task).result).rejects.toMatchObject({ message: 'second failed' });
    fail = false;
    const { result, ctx } = stage(homeDir, runId, 1)(task);
    expect(await result).toEqual({ first: true, second: true });
    expect(ran).toEqual(['first', 'second', 'second']);
    expect(ctx.events[0]?.kind).toBe('graph.resumed');
  });
});
