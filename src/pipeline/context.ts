import type { ApprovalDecision, StageContext } from '../adapter.js';
import type { EngineEvent } from '../events/types.js';
import type { RunState } from './run.js';

/**
 * The real StageContext: seed 003's WorkflowContext (run id, goal, data bus, history, last outputs) plus signal
 * and events. The run owns the state; the context is a view of it, built for each attempt of a stage.
 */
export function buildStageContext(
  run: RunState,
  stageId: string,
  engine: string,
  attempt: number,
  input: unknown,
  signal: AbortSignal,
  approval: ApprovalDecision | undefined,
): StageContext {
  const context: StageContext = {
    runId: run.runId,
    stageId,
    engine,
    pipelineName: run.pipeline.name,
    goal: run.pipeline.goal,
    attempt,
    runInput: run.runInput,
    input,
    data: run.data,
    history: run.history,
    getLastOutput: run.getLastOutput,
    signal,
    emit: emitter(run, stageId, engine),
    home: run.home,
    baseDir: run.pipeline.baseDir,
    resources: run.pipeline.resources,
  };
  if (approval) (context as { approval?: ApprovalDecision }).approval = approval;
  return context;
}

// A factory rather than an inline arrow: a stage's emit is created on every attempt, and this stays the cheapest form.
function emitter(run: RunState, stageId: string, engine: string): (event: EngineEvent) => void {
  return (event) => run.emitEngine(stageId, engine, event);
}
