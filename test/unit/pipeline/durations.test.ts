import { describe, expect, it } from 'vitest';
import { SwitchyardError, validatePipeline } from 'switchyard';

describe('durations that arm a timer are bounded at 2^31-1 ms', () => {
  it('refuses a deadline, a stage timeout, a retry delay and a node timeout beyond the timer range, each by path', async () => {
    const doc = {
      name: 'huge',
      deadlineMs: 1e12,
      stages: [{ type: 'prefect', timeoutMs: 99_999_999_999, retry: { attempts: 2, minDelayMs: 1e15 }, task: { workflow: { nodes: [{ id: 'a', handler: 'h', timeoutMs: 3e9 }] } } }],
    };
    const error = await validatePipeline(doc).then(
      () => undefined,
      (e: unknown) => e as SwitchyardError,
    );
    expect(error?.isUserError).toBe(true);
    expect(error?.issues.map((i) => i.path)).toEqual(['deadlineMs', 'stages[0].timeoutMs', 'stages[0].retry.minDelayMs', 'stages[0].task.workflow.nodes[0].timeoutMs']);
    expect(error?.issues[0]?.message).toBe('deadlineMs: expected a value <= 2147483647; got 1000000000000');
  });

  it('accepts the largest timer', async () => {
    const prepared = await validatePipeline({ name: 'ok', deadlineMs: 2_147_483_647, stages: [{ type: 'prefect', task: { workflow: { nodes: [{ id: 'a', handler: (x: unknown) => x }] } } }] });
    expect(prepared.deadlineMs).toBe(2_147_483_647);
  });
});
