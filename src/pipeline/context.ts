import type { ApprovalDecision, HistoryEntry, ResourceRegistry, StageContext, StageMemo } from '../adapter.js';
import type { RunEventInput } from '../events/bus.js';
import type { EngineEvent } from '../events/types.js';
import { StageScheduleRegistry, type ScheduleSink } from '../schedule/register.js';
import { stageMemo, type StepResultStore } from './memo.js';

/**
 * The decision a waiting stage resumes with. When it waited on several approvals at once, `approvals` holds each
 * decision by approval id and the decision itself is their summary (approved when every one was); the stage sees
 * them as `context.approvals` and `context.approval`.
 */
export interface StageApproval extends ApprovalDecision {
  readonly approvals?: Readonly<Record<string, ApprovalDecision>>;
}

/**
 * What every stage context of one run shares: a plain object the run builds once. The context reads
 * nothing else, so it never depends on how the run keeps its state.
 */
export interface RunContextBase {
  readonly runId: string;
  readonly pipelineName: string;
  readonly goal: string;
  readonly runInput: unknown;
  readonly data: Record<string, unknown>;
  readonly history: readonly HistoryEntry[];
  readonly getLastOutput: (typeOrStageId?: string) => unknown;
  readonly home: string;
  readonly baseDir: string;
  readonly documentRoots: readonly string[];
  readonly resources: ResourceRegistry;
  /** The run's event bus, where stages' engine events go. */
  readonly events: { emit(event: RunEventInput): unknown };
  /** Where stages register schedules: the run store the hub was given. */
  readonly schedules: ScheduleSink;
  /** The pipeline file the run came from (absolute), which registered schedules run again; none for code pipelines. */
  readonly pipelineFile: string | undefined;
  /** Where stages' memos (`context.memo`) live: the run store; none, no memo. */
  readonly stepResults?: Partial<StepResultStore>;
}

/**
 * The real StageContext: seed 003's WorkflowContext (run id, goal, data bus, history, last outputs) plus signal,
 * events and the hub's capabilities, built for each attempt of a stage from the run's shared base.
 */
export function buildStageContext(
  base: RunContextBase,
  stageId: string,
  engine: string,
  attempt: number,
  input: unknown,
  signal: AbortSignal,
  approval: StageApproval | undefined,
): StageContext {
  const context: StageContext = {
    runId: base.runId,
    stageId,
    engine,
    pipelineName: base.pipelineName,
    goal: base.goal,
    attempt,
    runInput: base.runInput,
    input,
    data: base.data,
    history: base.history,
    getLastOutput: base.getLastOutput,
    signal,
    emit: emitter(base, stageId, engine),
    home: base.home,
    baseDir: base.baseDir,
    documentRoots: base.documentRoots,
    resources: base.resources,
    schedules: new StageScheduleRegistry(base.schedules, base.pipelineFile, base.pipelineName, stageId),
  };
  const memo = base.stepResults ? stageMemo(base.stepResults, base.runId, stageId, base.history) : undefined;
  if (memo) (context as { memo?: StageMemo }).memo = memo;
  if (approval?.approvals) {
    const { approvals, ...summary } = approval;
    Object.assign(context, { approval: summary, approvals });
  } else if (approval) (context as { approval?: ApprovalDecision }).approval = approval;
  return context;
}

// A factory rather than an inline arrow: a stage's emit is created on every attempt, and this stays the cheapest form.
function emitter(base: RunContextBase, stageId: string, engine: string): (event: EngineEvent) => void {
  const bus = base.events;
  return (event) => void bus.emit({ type: 'stage.engine', stageId, engine, event });
}
