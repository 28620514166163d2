import { SwitchyardError, invalidInput } from '../../errors.js';
import type { EventSink } from '../../events/types.js';
import type { HybridOrchestrator, ResumeOptions } from '../../pipeline/orchestrator.js';
import type { PipelineResult } from '../../pipeline/result.js';
import { parseJsonOption } from '../json-option.js';
import { formatTable, printJson, printTable } from '../output.js';
import { onStopSignals } from '../stop-signals.js';

export interface HubCliOptions {
  json?: boolean;
  jsonl?: string;
  home?: string;
}

export { parseJsonOption };

async function openHub(options: HubCliOptions): Promise<HybridOrchestrator> {
  const { HybridOrchestrator } = await import('../../pipeline/orchestrator.js');
  return new HybridOrchestrator(options.home ? { home: options.home } : {});
}

async function sinksFor(options: HubCliOptions): Promise<EventSink[]> {
  const sinks: EventSink[] = [];
  if (options.jsonl) {
    const { JsonlSink } = await import('../../events/jsonl-sink.js');
    sinks.push(new JsonlSink(options.jsonl));
  }
  if (!options.json) {
    const { ProgressSink } = await import('../../events/progress-sink.js');
    const progress = ProgressSink.forTerminal();
    if (progress) sinks.push(progress);
  }
  return sinks;
}

/**
 * Ctrl-C (or SIGTERM) cancels the run cleanly: the running stage is aborted, the run is recorded
 * `cancelled`, and `switchyard resume ID` continues it later.
 */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // A second signal while the run winds down ends the process, as an unhandled one would have.
  const dispose = onStopSignals((name, count) => (count === 1 ? controller.abort(new SwitchyardError('CANCELLED', `interrupted by ${name}`)) : process.exit(130)));
  return { signal: controller.signal, dispose };
}

/** 0 completed or waiting (the process may exit; approve later), 1 otherwise. */
export function exitCodeFor(result: PipelineResult): number {
  return result.status === 'completed' || result.status === 'waiting' ? 0 : 1;
}

export function printResult(result: PipelineResult, json: boolean | undefined): void {
  if (json) return printJson(result);
  const lines = [
    `run ${result.runId} (${result.pipeline}): ${result.status} in ${result.durationMs} ms`,
    '',
    formatTable(
      ['stage', 'engine', 'status', 'attempts', 'ms', 'error'],
      result.stages.map((s) => [s.id, s.type, s.status, s.attempts, s.durationMs === undefined ? '' : Math.round(s.durationMs), s.error?.message ?? '']),
    ),
  ];
  if (result.error) lines.push('', `error: ${result.error.code}: ${result.error.message}`);
  if (result.pendingApproval) {
    const p = result.pendingApproval;
    lines.push(
      '',
      `waiting for approval at ${p.stageId} (${p.point}): ${p.message}`,
      `  approve: switchyard approve ${result.runId} --stage ${p.stageId} [--data '{"note":"..."}']`,
      `  reject:  switchyard reject ${result.runId} --stage ${p.stageId} [--reason "..."]`,
    );
  }
  if (result.status === 'completed' || result.status === 'partial') lines.push('', `output: ${preview(result.output)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export async function runAction(file: string, options: HubCliOptions & { input?: string; deadline?: string }): Promise<number> {
  const input = parseJsonOption(options.input, '--input');
  let deadlineMs: number | undefined;
  if (options.deadline !== undefined) {
    deadlineMs = Number(options.deadline);
    if (!Number.isInteger(deadlineMs) || deadlineMs <= 0) throw invalidInput('--deadline', 'a positive number of milliseconds', options.deadline);
  }
  return runInHub(options, (hub, common) => hub.run(file, { ...common, input, ...(deadlineMs ? { deadlineMs } : {}) }));
}

export async function validateAction(file: string, options: HubCliOptions): Promise<number> {
  const hub = await openHub(options);
  try {
    const prepared = await hub.validate(file);
    const stages = prepared.steps.flatMap((s) => (s.kind === 'stage' ? [{ id: s.id, type: s.type }] : [{ id: s.id, type: 'parallel' }, ...s.branches.map((b) => ({ id: b.id, type: b.type }))]));
    if (options.json) printJson({ valid: true, file: prepared.file, name: prepared.name, stages });
    else process.stdout.write(`${file}: valid pipeline "${prepared.name}" (${stages.map((s) => `${s.id}:${s.type}`).join(', ')})\n`);
    return 0;
  } finally {
    await hub.close();
  }
}

export async function runsListAction(options: HubCliOptions & { status?: string; limit?: string }): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw invalidInput('--limit', 'a positive integer', options.limit);
  const { RUN_STATUSES, listRunsShown } = await import('../../pipeline/run-status.js');
  const status = options.status as (typeof RUN_STATUSES)[number] | undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status)) throw invalidInput('--status', `one of ${RUN_STATUSES.join(', ')}`, status);
  const store = await openExisting(options);
  try {
    const runs = store ? await listRunsShown(store, { limit, ...(status ? { status } : {}) }) : [];
    if (options.json) printJson(runs.map(({ pipeline: _p, ...run }) => run));
    else if (runs.length === 0) process.stdout.write('no runs yet: start one with `switchyard run FILE`\n');
    else printTable(['run', 'pipeline', 'status', 'created', 'updated'], runs.map((r) => [r.runId, r.pipelineName, r.status, r.createdAt, r.updatedAt]));
    return 0;
  } finally {
    await store?.close();
  }
}

/** The run store when one exists: lookups never create it. */
async function openExisting(options: HubCliOptions) {
  const { openExistingRunStore } = await import('../../store/index.js');
  return openExistingRunStore(options.home);
}

export async function runsShowAction(runId: string, options: HubCliOptions & { events?: boolean }): Promise<number> {
  const store = await openExisting(options);
  try {
    const { shownRun } = await import('../../pipeline/run-status.js');
    const stored = await store?.getRun(runId);
    if (!store || !stored) {
      const { resolveHome } = await import('../../store/index.js');
      throw new SwitchyardError('NOT_FOUND', `no run ${JSON.stringify(runId)} in ${resolveHome(options.home)}`, { details: { runId } });
    }
    const run = shownRun(stored);
    const [stages, history, approvals, events] = await Promise.all([store.listStages(runId), store.listHistory(runId), store.listApprovals(runId), options.events ? store.listEvents(runId) : []]);
    if (options.json) {
      printJson({ run, stages, history, approvals, ...(options.events ? { events } : {}) });
      return 0;
    }
    const lines = [
      `run ${run.runId} (${run.pipelineName}): ${run.status}${run.status === 'interrupted' ? ` (its process ${run.pid} is gone; \`switchyard resume ${run.runId}\` continues it)` : ''}`,
      `  created ${run.createdAt}, updated ${run.updatedAt}${run.pipelineFile ? `, file ${run.pipelineFile}` : ''}`,
      '',
      formatTable(
        ['stage', 'engine', 'status', 'attempts', 'ms', 'error'],
        stages.map((s) => [s.stageId, s.engine, s.status, s.attempts, s.durationMs === undefined ? '' : Math.round(s.durationMs), s.error?.message ?? '']),
      ),
      '',
      'history:',
      ...history.map((h) => `  ${h.endedAt}  ${h.stageId} (${h.engine}) ${h.outcome}${h.attempt > 1 ? ` attempt ${h.attempt}` : ''}${h.reasons ? ` — ${h.reasons.join('; ')}` : ''}${h.error ? ` — ${h.error.message}` : ''}`),
    ];
    for (const a of approvals) {
      lines.push('', `approval at ${a.stageId}: ${a.approval.message} — ${a.decision ? `${a.decision.approved ? 'approved' : 'rejected'}${a.decision.by ? ` by ${a.decision.by}` : ''}` : 'pending'}`);
    }
    if (run.error) lines.push('', `error: ${run.error.code}: ${run.error.message}`);
    if (options.events) lines.push('', 'events:', ...events.map((e) => `  ${e.seq} ${new Date(e.at).toISOString()} ${e.type}${'stageId' in e ? ` ${e.stageId}` : ''}`));
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store?.close();
  }
}

/** run, resume, approve and reject: a run in this process, its result printed, Ctrl-C cancelling it cleanly. */
async function runInHub(options: HubCliOptions, go: (hub: HybridOrchestrator, common: ResumeOptions) => Promise<PipelineResult>): Promise<number> {
  const hub = await openHub(options);
  const interrupt = interruptSignal();
  try {
    const result = await go(hub, { signal: interrupt.signal, sinks: await sinksFor(options) });
    printResult(result, options.json);
    return exitCodeFor(result);
  } finally {
    interrupt.dispose();
    await hub.close();
  }
}

export function resumeAction(runId: string, options: HubCliOptions): Promise<number> {
  return runInHub(options, (hub, common) => hub.resume(runId, common));
}

export async function approveAction(runId: string, options: HubCliOptions & { stage?: string; data?: string; by?: string }): Promise<number> {
  const data = parseJsonOption(options.data, '--data');
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) throw invalidInput('--data', 'a JSON object', data);
  return runInHub(options, (hub, common) =>
    hub.approve(runId, {
      ...common,
      ...(options.stage ? { stageId: options.stage } : {}),
      ...(data ? { data: data as Record<string, unknown> } : {}),
      ...(options.by ? { by: options.by } : {}),
    }),
  );
}

export function rejectAction(runId: string, options: HubCliOptions & { stage?: string; reason?: string; by?: string }): Promise<number> {
  return runInHub(options, (hub, common) =>
    hub.reject(runId, {
      ...common,
      ...(options.stage ? { stageId: options.stage } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.by ? { by: options.by } : {}),
    }),
  );
}
