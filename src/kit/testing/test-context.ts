import { resolve } from 'node:path';
import type { HistoryEntry, ResourceRegistry, StageContext, ApprovalDecision } from '../../adapter.js';
import type { EngineEvent } from '../../events/types.js';
import { Resources } from '../../resources.js';

export interface TestContextOptions {
  readonly runId?: string;
  readonly stageId?: string;
  readonly engine?: string;
  readonly goal?: string;
  readonly input?: unknown;
  readonly runInput?: unknown;
  readonly signal?: AbortSignal;
  readonly home?: string;
  readonly baseDir?: string;
  readonly resources?: ResourceRegistry;
  readonly history?: HistoryEntry[];
  readonly approval?: ApprovalDecision;
  readonly attempt?: number;
}

export interface TestContext extends StageContext {
  /** Every engine event the stage emitted, in order. */
  readonly events: EngineEvent[];
}

/**
 * A stage context for running one adapter outside a pipeline: adapter unit tests and the conformance suite.
 * The hub builds the real ones; this has the same shape and behaviour.
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const events: EngineEvent[] = [];
  const history = options.history ?? [];
  return {
    runId: options.runId ?? 'run-test',
    stageId: options.stageId ?? 'stage-1',
    engine: options.engine ?? 'test',
    pipelineName: 'test',
    goal: options.goal ?? '',
    attempt: options.attempt ?? 1,
    runInput: options.runInput ?? options.input,
    input: options.input,
    data: {},
    history,
    getLastOutput(typeOrStageId?: string) {
      for (let i = history.length - 1; i >= 0; i--) {
        const entry = history[i]!;
        if (entry.outcome !== 'completed') continue;
        if (typeOrStageId === undefined || entry.stageId === typeOrStageId || entry.engine === typeOrStageId) return entry.output;
      }
      return undefined;
    },
    signal: options.signal ?? new AbortController().signal,
    emit(event) {
      events.push(event);
    },
    home: options.home ?? resolve('.switchyard'),
    baseDir: options.baseDir ?? process.cwd(),
    resources: options.resources ?? new Resources(),
    ...(options.approval ? { approval: options.approval } : {}),
    events,
  };
}
