import { describe, expect, it } from 'vitest';
import { CAPABILITY_PRECEDENCE, OrchestratorSelector, OrchestratorType, SwitchyardError, selectOrchestrator, select_orchestrator, select } from 'switchyard';

const selector = new OrchestratorSelector();

describe('select(): every input/output pair in seed 002', () => {
  const cases: [string, Parameters<typeof selector.select>[0], string][] = [
    ['Quick Start: approval workflow with state and routing', { taskType: 'approval_workflow', requiresState: true, requiresRouting: true }, 'langgraph'],
    ['Agno example: simple_task', { taskType: 'simple_task' }, 'agno'],
    ['LlamaIndex example: rag_workflow', { taskType: 'rag_workflow' }, 'llamaindex'],
    ['Prefect example: batch_job with scheduling', { taskType: 'batch_job', requiresScheduling: true }, 'prefect'],
    ['Testing: batch with scheduling', { taskType: 'batch', requiresScheduling: true }, 'prefect'],
    ['Testing: rag_workflow', { taskType: 'rag_workflow' }, 'llamaindex'],
    ['Testing: generic with state', { taskType: 'generic', requiresState: true }, 'langgraph'],
    ['Testing: default simple', { taskType: 'simple' }, 'agno'],
    ['Troubleshooting: my_task with state and routing', { taskType: 'my_task', requiresState: true, requiresRouting: true, requiresScheduling: false }, 'langgraph'],
    ['Best practice 3: my_task with state', { taskType: 'my_task', requiresState: true }, 'langgraph'],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      expect(selector.select(input).type).toBe(expected);
      expect(selectOrchestrator(input).type).toBe(expected);
    });
  }

  it('matches the seed enum values', () => {
    expect(selector.select({ taskType: 'rag_workflow' }).type).toBe(OrchestratorType.LLAMAINDEX);
  });
});

describe('select(): precedence', () => {
  // The table in docs/selector.md: requirements are hard constraints; a task type only wins when its engine has them all.
  const flagCombos = [
    [{}, 'agno', 'default'],
    [{ requiresState: true }, 'langgraph', 'capabilities'],
    [{ requiresRouting: true }, 'langgraph', 'capabilities'],
    [{ requiresState: true, requiresRouting: true }, 'langgraph', 'capabilities'],
    [{ requiresScheduling: true }, 'prefect', 'capabilities'],
    [{ requiresScheduling: true, requiresState: true }, 'prefect', 'precedence'],
    [{ requiresScheduling: true, requiresRouting: true }, 'prefect', 'precedence'],
    [{ requiresScheduling: true, requiresState: true, requiresRouting: true }, 'prefect', 'precedence'],
  ] as const;
  for (const [flags, type, rule] of flagCombos) {
    it(`an undeclared task type with ${JSON.stringify(flags)} -> ${type} by ${rule}`, () => {
      const decision = selector.select({ taskType: 'generic', ...flags });
      expect(decision).toMatchObject({ type, rule });
      expect(decision.rulePath.at(-1)).toMatch(new RegExp(`^${rule}: .*-> ${type}`));
    });
  }

  it('ranks scheduling over state over routing', () => {
    expect(CAPABILITY_PRECEDENCE).toEqual(['scheduling', 'state', 'routing']);
  });

  it('a declared task type wins when its engine has every required capability', () => {
    expect(selector.select({ taskType: 'approval_workflow' })).toMatchObject({ type: 'langgraph', rule: 'task-type' });
    expect(selector.select({ taskType: 'batch' })).toMatchObject({ type: 'prefect', rule: 'task-type' });
    expect(selector.select({ taskType: 'etl', requiresScheduling: true })).toMatchObject({ type: 'prefect', rule: 'task-type' });
  });

  it('requirements beat a declared task type whose engine lacks them, and the path says why', () => {
    const decision = selector.select({ taskType: 'rag_workflow', requiresRouting: true });
    expect(decision.type).toBe('langgraph');
    expect(decision.rule).toBe('capabilities');
    expect(decision.rulePath).toEqual([
      'task-type: "rag_workflow" is declared by llamaindex, but llamaindex lacks routing -> next rule',
      'capabilities: requires routing -> langgraph (the first profile with routing)',
    ]);
    expect(selector.select({ taskType: 'simple_task', requiresScheduling: true }).type).toBe('prefect');
    expect(selector.select({ taskType: 'batch_job', requiresState: true }).type).toBe('langgraph');
  });

  it('reads the words of an undeclared task type', () => {
    expect(selector.select({ taskType: 'pdf_summary' })).toMatchObject({ type: 'llamaindex', rule: 'task-type-words' });
    expect(selector.select({ taskType: 'nightly-refresh' })).toMatchObject({ type: 'prefect', rule: 'task-type-words' });
    // the words' engine must still satisfy the requirements
    expect(selector.select({ taskType: 'pdf_summary', requiresState: true })).toMatchObject({ type: 'langgraph', rule: 'capabilities' });
    // too little evidence falls through to the default
    expect(selector.select({ taskType: 'my_task' })).toMatchObject({ type: 'agno', rule: 'default' });
  });

  it('normalizes task types: case, spaces and dashes', () => {
    expect(selector.select({ taskType: 'RAG-Workflow' }).type).toBe('llamaindex');
    expect(selector.select({ taskType: ' approval workflow ' }).type).toBe('langgraph');
  });

  it('returns the same frozen decision for the same question', () => {
    const a = selector.select({ taskType: 'generic', requiresState: true });
    const b = selector.select({ taskType: 'generic', requiresState: true });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.rulePath)).toBe(true);
  });
});

describe('select(): input and aliases', () => {
  it('rejects a missing or empty task type with the field path', () => {
    expect(() => selector.select({ taskType: '' })).toThrow(SwitchyardError);
    expect(() => selector.select({ taskType: '' })).toThrow(/taskType: expected a non-empty string/);
    expect(() => selector.select({} as never)).toThrow(/taskType/);
    expect(() => selector.select(null as never)).toThrow(/select: expected an object/);
    let caught: unknown;
    try {
      selector.select({ taskType: 42 as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SwitchyardError);
    expect(caught).toMatchObject({ code: 'INVALID_INPUT', path: 'taskType', isUserError: true });
  });

  it('accepts seed-style positional and snake_case forms', () => {
    expect(selectOrchestrator('batch_job', { requiresScheduling: true }).type).toBe('prefect');
    expect(select_orchestrator({ task_type: 'generic', requires_state: true }).type).toBe('langgraph');
    expect(select_orchestrator('approval_workflow', { requires_state: true, requires_routing: true }).type).toBe('langgraph');
    expect(select({ taskType: 'simple' }).type).toBe('agno');
  });
});
