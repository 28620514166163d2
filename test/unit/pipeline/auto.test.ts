import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry, SwitchyardError, defineAdapter, validatePipeline } from 'switchyard';

const NOOP = async () => ({});
/** Engines with distinct task shapes: an `auto` stage's task fits only some of them. */
function engines(): AdapterRegistry {
  const registry = new AdapterRegistry({ builtins: false });
  registry.register('agno', defineAdapter({ type: 'agno', taskSchema: z.strictObject({ agents: z.array(z.string()) }), execute: NOOP }));
  registry.register('langgraph', defineAdapter({ type: 'langgraph', taskSchema: z.strictObject({ workflow: z.strictObject({ nodes: z.array(z.string()) }) }), execute: NOOP }));
  registry.register('llamaindex', defineAdapter({ type: 'llamaindex', taskSchema: z.strictObject({ docs: z.array(z.string()) }), execute: NOOP }));
  registry.register('prefect', defineAdapter({ type: 'prefect', taskSchema: z.strictObject({ workflow: z.strictObject({ nodes: z.array(z.string()) }), schedule: z.string().optional() }), execute: NOOP }));
  return registry;
}

type Prepared = { type: string; decision?: { type: string; reasons: string[]; candidates: string[] } };

describe('auto stages choose among the engines whose task schema accepts the task', () => {
  it('keeps the selector pick when its schema accepts the task', async () => {
    const prepared = await validatePipeline({ name: 'x', stages: [{ type: 'auto', taskType: 'rag_workflow', task: { docs: ['a.md'] } }] }, { registry: engines() });
    const [stage] = prepared.steps as unknown as [Prepared];
    expect(stage.type).toBe('llamaindex');
    expect(stage.decision?.candidates[0]).toBe('llamaindex');
    expect(stage.decision?.reasons.at(-1)).toBe('chose llamaindex: its task schema accepts the task');
  });

  it('passes over the pick when the task fits another engine, in the recommender order, and says why', async () => {
    // The selector picks llamaindex for a RAG task, but this task is a graph: langgraph accepts it.
    const prepared = await validatePipeline({ name: 'x', stages: [{ type: 'auto', taskType: 'rag_workflow', task: { workflow: { nodes: ['a'] } } }] }, { registry: engines() });
    const [stage] = prepared.steps as unknown as [Prepared];
    expect(['langgraph', 'prefect']).toContain(stage.type);
    const order = stage.decision!.candidates;
    // The first candidate that accepts the task wins: every one before it was passed over.
    expect(order.indexOf(stage.type)).toBe(Math.min(order.indexOf('langgraph'), order.indexOf('prefect')));
    expect(stage.decision?.reasons.some((r) => r.startsWith('passed over llamaindex ('))).toBe(true);
  });

  it('names the pick and the alternatives when no engine accepts the task', async () => {
    let error: SwitchyardError | undefined;
    try {
      await validatePipeline({ name: 'x', stages: [{ type: 'auto', taskType: 'rag_workflow', task: { nonsense: 1 } }] }, { registry: engines() });
    } catch (e) {
      error = e as SwitchyardError;
    }
    expect(error?.code).toBe('INVALID_PIPELINE');
    expect(error?.path).toBe('stages[0].task');
    expect(error?.message).toMatch(/^stages\[0\]\.task: expected a task one of the candidate engines accepts; the selector picked llamaindex \(alternatives: [a-z, ]+\) and none accepted it; llamaindex \(/);
    for (const engine of ['agno', 'langgraph', 'prefect']) expect(error?.message).toContain(`; ${engine} (`);
    expect(error?.details).toMatchObject({ picked: 'llamaindex' });
  });
});
