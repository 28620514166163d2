import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator } from 'switchyard';
import { tempHome } from '../../helpers/langgraph.js';

const home = tempHome('sy-langgraph-examples-');
const orchestrators: HybridOrchestrator[] = [];
afterAll(async () => {
  for (const orchestrator of orchestrators) await orchestrator.close();
});
const open = (dir: string) => {
  const orchestrator = new HybridOrchestrator({ home: dir });
  orchestrators.push(orchestrator);
  return orchestrator;
};
const example = (name: string) => resolve('examples', name, 'pipeline.yaml');

describe('approval examples (library API; the CLI flow is in test/integration/langgraph-approval-cli.test.ts)', () => {
  it('CI/CD: tests, review, wait; approve in a new orchestrator deploys', async () => {
    const dir = home();
    const first = await open(dir).run(example('approval-cicd'));
    expect(first.status).toBe('waiting');
    expect(first.pendingApproval).toMatchObject({ stageId: 'release', point: 'approve', message: 'Deploy this build to production?' });
    expect((first.pendingApproval?.payload as { review: { verdict: string } }).review.verdict).toBe('ready');
    expect(existsSync(join(dir, 'deployments.log'))).toBe(false);

    const second = await open(dir).approve(first.runId, { data: { version: '1.4.3' }, by: 'release-manager' });
    expect(second.status).toBe('completed');
    expect(second.output).toMatchObject({ approved: true, deployed: { environment: 'production', version: '1.4.3' } });
    expect(readFileSync(join(dir, 'deployments.log'), 'utf8')).toContain(`production 1.4.3 run=${first.runId}`);
  });

  it('CI/CD: reject ends the graph without deploying', async () => {
    const dir = home();
    const first = await open(dir).run(example('approval-cicd'));
    const second = await open(dir).reject(first.runId, { reason: 'release freeze' });
    expect(second.output).toMatchObject({ approved: false, approval: { reason: 'release freeze' } });
    expect(second.output).not.toHaveProperty('deployed');
    expect(existsSync(join(dir, 'deployments.log'))).toBe(false);
  });

  it('document analysis: the approver sees the plan; approve implements it', async () => {
    const dir = home();
    const first = await open(dir).run(example('approval-document-analysis'));
    expect(first.status).toBe('waiting');
    const payload = first.pendingApproval?.payload as { plan: { requirement: string; task: string }[] };
    expect(payload.plan.map((item) => item.requirement)).toEqual(['How must users sign in?', 'What response time is required?', 'Which data must be exported?']);
    const second = await open(dir).approve(first.runId);
    expect(second.status).toBe('completed');
    expect((second.output as { implemented: unknown[] }).implemented).toHaveLength(3);
  });
});
