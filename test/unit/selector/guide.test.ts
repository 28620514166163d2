import { describe, expect, it } from 'vitest';
import { OrchestratorSelector, getOrchestratorGuide, get_orchestrator_guide } from 'switchyard';

// Seed 002, "Quick Reference Guide", in its order.
const SEED_GUIDE = [
  ['Simple agent task', 'agno'],
  ['Document analysis', 'llamaindex'],
  ['RAG pipeline', 'llamaindex'],
  ['Approval workflow', 'langgraph'],
  ['Multi-stage workflow', 'langgraph'],
  ['Scheduled task', 'prefect'],
  ['DAG-based task', 'prefect'],
  ['ETL pipeline', 'prefect'],
  ['Low-latency execution', 'agno'],
  ['Stateful workflow', 'langgraph'],
  ['Conditional routing', 'langgraph'],
  ['Human-in-the-loop', 'langgraph'],
];

describe('getOrchestratorGuide()', () => {
  it("returns exactly seed 002's 12 quick-reference entries, in order", () => {
    expect(Object.entries(getOrchestratorGuide())).toEqual(SEED_GUIDE);
    expect(get_orchestrator_guide()).toEqual(Object.fromEntries(SEED_GUIDE));
  });

  it('returns a copy the caller may change', () => {
    const guide = getOrchestratorGuide();
    guide['Simple agent task'] = 'prefect';
    expect(getOrchestratorGuide()['Simple agent task']).toBe('agno');
  });

  it("agrees with select(): each guide task, read as a task type, picks the guide's engine", () => {
    const selector = new OrchestratorSelector();
    for (const [task, engine] of SEED_GUIDE) expect([task, selector.select({ taskType: task! }).type]).toEqual([task, engine]);
  });
});
