import { resolve } from 'node:path';
import type { HistoryEntry, ResourceRegistry, StageContext, ApprovalDecision, StageMemo, StageSchedules } from '../../adapter.js';
import type { EngineEvent } from '../../events/types.js';
import { Resources } from '../../resources.js';
import { registerStageSchedule } from '../../schedule/register.js';
import type { ScheduleRecord } from '../../store/types.js';

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
  /** Default: the base folder. */
  readonly documentRoots?: readonly string[];
  readonly resources?: ResourceRegistry;
  readonly history?: HistoryEntry[];
  readonly approval?: ApprovalDecision;
  /** Decisions on several approvals the stage waited on at once, by approval id (as the hub gives `context.approvals`). */
  readonly approvals?: Readonly<Record<string, ApprovalDecision>>;
  readonly attempt?: number;
  readonly pipelineName?: string;
  /** The pipeline file the run came from; without one, schedules are not registered (as for code pipelines). */
  readonly pipelineFile?: string;
  /**
   * What `context.memo` keeps (default: a new empty map). Pass the `memo.values` of an earlier context to play a
   * retry or a resume of the same stage, which the hub gives the memo its earlier attempts saved.
   */
  readonly memo?: Map<string, unknown>;
}

/** `context.memo` in memory: values JSON round-tripped as the run store keeps them, in `values`. */
export interface TestMemo extends StageMemo {
  readonly values: Map<string, unknown>;
}

/** `context.schedules` in memory: the same upsert as the hub's, into `records` (seed it to test an existing schedule). */
export interface TestSchedules extends StageSchedules {
  readonly records: Map<string, ScheduleRecord>;
}

export interface TestContext extends StageContext {
  /** Every engine event the stage emitted, in order. */
  readonly events: EngineEvent[];
  readonly schedules: TestSchedules;
  readonly memo: TestMemo;
}

/** An in-memory `context.memo` over `values`. */
export function createTestMemo(values: Map<string, unknown> = new Map()): TestMemo {
  return {
    values,
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, JSON.parse(JSON.stringify(value === undefined ? null : value)) as unknown),
    entries: async () => new Map(values),
  };
}

/** An in-memory `context.schedules` for one stage, with the hub's registration rules. */
export function createTestSchedules(scope: { pipelineFile?: string; pipelineName?: string; stageId?: string } = {}): TestSchedules {
  const records = new Map<string, ScheduleRecord>();
  const store = {
    getSchedule: async (id: string) => records.get(id),
    saveSchedule: async (schedule: ScheduleRecord) => void records.set(schedule.id, schedule),
    listSchedules: async () => [...records.values()],
    removeSchedule: async (id: string) => records.delete(id),
  };
  const where = { pipelineFile: scope.pipelineFile === undefined ? undefined : resolve(scope.pipelineFile), pipelineName: scope.pipelineName ?? 'test', stageId: scope.stageId ?? 'stage-1' };
  return { records, register: (request) => registerStageSchedule(store, where, request) };
}

/**
 * A stage context for running one adapter outside a pipeline: adapter unit tests and the conformance suite.
 * The hub builds the real ones; this has the same shape and behaviour.
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const events: EngineEvent[] = [];
  const history = options.history ?? [];
  const stageId = options.stageId ?? 'stage-1';
  const pipelineName = options.pipelineName ?? 'test';
  return {
    runId: options.runId ?? 'run-test',
    stageId,
    engine: options.engine ?? 'test',
    pipelineName,
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
    documentRoots: options.documentRoots ?? [options.baseDir ?? process.cwd()],
    resources: options.resources ?? new Resources(),
    schedules: createTestSchedules({ ...(options.pipelineFile === undefined ? {} : { pipelineFile: options.pipelineFile }), pipelineName, stageId }),
    memo: createTestMemo(options.memo),
    ...(options.approval ? { approval: options.approval } : {}),
    ...(options.approvals ? { approvals: options.approvals } : {}),
    events,
  };
}
