import type { ApprovalDecision, HistoryEntry, StageContext } from '../adapter.js';
import type { EngineEvent } from '../events/types.js';
import type { PreparedPipeline } from './validate.js';

/** What a stage context reads from its run; the run owns the state, the context is a view of it. */
export interface RunView {
  readonly runId: string;
  readonly pipeline: PreparedPipeline;
  readonly runInput: unknown;
  readonly data: Record<string, unknown>;
  readonly history: HistoryEntry[];
  readonly home: string;
  lastOutput(typeOrStageId?: string): unknown;
  emitEngine(stageId: string, engine: string, event: EngineEvent): void;
}

export interface StageContextInit {
  readonly stageId: string;
  readonly engine: string;
  readonly attempt: number;
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly approval?: ApprovalDecision | undefined;
}

/** The real StageContext: seed 003's WorkflowContext (run id, goal, data bus, history, last outputs) plus signal and events. */
export function buildStageContext(run: RunView, init: StageContextInit): StageContext {
  const { stageId, engine } = init;
  const context: StageContext = {
    runId: run.runId,
    stageId,
    engine,
    pipelineName: run.pipeline.name,
    goal: run.pipeline.goal,
    attempt: init.attempt,
    runInput: run.runInput,
    input: init.input,
    data: run.data,
    history: run.history,
    getLastOutput: (typeOrStageId) => run.lastOutput(typeOrStageId),
    signal: init.signal,
    emit: (event) => run.emitEngine(stageId, engine, event),
    home: run.home,
    baseDir: run.pipeline.baseDir,
    resources: run.pipeline.resources,
  };
  if (init.approval) (context as { approval?: ApprovalDecision }).approval = init.approval;
  return context;
}
