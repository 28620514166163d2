import { afterAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator, Resources } from 'switchyard';
import { tempHome } from '../../helpers/langgraph.js';

const home = tempHome();
const orchestrators: HybridOrchestrator[] = [];
afterAll(async () => {
  for (const orchestrator of orchestrators) await orchestrator.close();
});

function resources(deployed: string[]) {
  const registry = new Resources();
  registry.set('handler', 'review', (state: { tests: string }) => ({ review: `reviewed ${state.tests}` }));
  registry.set('handler', 'deploy', (state: { version?: string }) => {
    deployed.push(state.version ?? 'latest');
    return { deployed: true };
  });
  return registry;
}

/** Seed 002's CI/CD example as a file would write it: nodes bound by name, the route a JSONata expression. */
const pipeline = {
  name: 'cicd-approval',
  stages: [
    { id: 'gate', type: 'langgraph', task: { workflow: { nodes: ['review', 'approve', 'deploy'], conditional: { approve: 'approved ? "deploy" : "end"' } }, input: { tests: '12 passed' } } },
    { id: 'after', type: 'langgraph', task: { workflow: { nodes: ['deploy'] }, input: { version: 'after' } } },
  ],
};

const open = (dir: string, deployed: string[]) => {
  const orchestrator = new HybridOrchestrator({ home: dir, resources: resources(deployed) });
  orchestrators.push(orchestrator);
  return orchestrator;
};

describe('langgraph stages in the hub', () => {
  it('waits at the approve node, then approve() on a new orchestrator resumes the graph and the rest of the pipeline', async () => {
    const dir = home();
    const deployed: string[] = [];
    const first = await open(dir, deployed).run(pipeline);
    expect(first.status).toBe('waiting');
    expect(first.pendingApproval).toMatchObject({ stageId: 'gate', point: 'approve', payload: { tests: '12 passed', review: 'reviewed 12 passed' } });
    expect(deployed).toEqual([]);

    const second = await open(dir, deployed).approve(first.runId, { data: { version: '1.0.0' }, by: 'lead' });
    expect(second.status).toBe('completed');
    expect(deployed).toEqual(['1.0.0', 'after']);
    const gate = second.stages.find((stage) => stage.id === 'gate');
    expect(gate?.output).toMatchObject({ approved: true, version: '1.0.0', deployed: true, approval: { by: 'lead' } });
  });

  it('reject() ends the graph without deploying, and the run: failed, code REJECTED, no later stage runs', async () => {
    const dir = home();
    const deployed: string[] = [];
    const first = await open(dir, deployed).run(pipeline);
    const second = await open(dir, deployed).reject(first.runId, { reason: 'not today' });
    expect(second.stages.find((stage) => stage.id === 'gate')?.output).toMatchObject({ approved: false, approval: { reason: 'not today' } });
    expect(second).toMatchObject({ status: 'failed', error: { code: 'REJECTED' } });
    expect(deployed).toEqual([]);
  });

  it('resume() after a failed stage continues the graph from its last checkpoint instead of starting over', async () => {
    const ran: string[] = [];
    let broken = true;
    const registry = new Resources();
    registry.set('handler', 'fetch', () => (ran.push('fetch'), { fetched: 3 }));
    registry.set('handler', 'store', () => {
      ran.push('store');
      if (broken) throw new Error('database is down');
      return { stored: true };
    });
    const flaky = { name: 'flaky', stages: [{ id: 'etl', type: 'langgraph', task: { workflow: { nodes: ['fetch', 'store'] } } }] };
    const dir = home();
    const first = new HybridOrchestrator({ home: dir, resources: registry });
    orchestrators.push(first);
    const failed = await first.run(flaky);
    expect(failed.status).toBe('failed');
    broken = false;
    const second = new HybridOrchestrator({ home: dir, resources: registry });
    orchestrators.push(second);
    const resumed = await second.resume(failed.runId);
    expect(resumed.status).toBe('completed');
    expect(resumed.output).toEqual({ fetched: 3, stored: true });
    expect(ran).toEqual(['fetch', 'store', 'store']);
  });

  it('an unbound node fails validation with the stage path', async () => {
    await expect(open(home(), []).run({ name: 'bad', stages: [{ type: 'langgraph', task: { workflow: { nodes: ['review', 'mystery'] } } }] })).rejects.toMatchObject({
      code: 'INVALID_PIPELINE',
      message: expect.stringContaining('node "mystery" has no handler'),
    });
  });
});
