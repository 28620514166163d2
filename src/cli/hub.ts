import { SwitchyardError } from '../errors.js';
import type { EventSink } from '../events/types.js';
import type { HybridOrchestrator, ResumeOptions } from '../pipeline/orchestrator.js';
import type { PipelineResult } from '../pipeline/result.js';
import type { RunStore } from '../store/types.js';
import { formatTable, printJson } from './output.js';
import { onStopSignals } from './stop-signals.js';

/**
 * What the hub commands (run, validate, runs, resume, approve, reject) and the schedule commands share:
 * opening the hub and the run store, the options every hub command takes, and printing a run's result.
 * Its top level imports nothing heavy (every command file imports it at start-up); the library is imported lazily.
 */

/** The options every hub command takes (each declares the ones it has, with its own help text). */
export interface HubCliOptions {
  json?: boolean;
  jsonl?: string;
  home?: string;
}

export async function openHub(options: HubCliOptions): Promise<HybridOrchestrator> {
  const { HybridOrchestrator } = await import('../pipeline/orchestrator.js');
  return new HybridOrchestrator(options.home ? { home: options.home } : {});
}

/** The run store when one exists (undefined otherwise): lookups never create it. */
export async function openExistingStore(options: HubCliOptions): Promise<RunStore | undefined> {
  const { openExistingRunStore } = await import('../store/index.js');
  return openExistingRunStore(options.home);
}

/** Runs `fn` on the run store; `ifMissing` answers instead when no store exists yet (reads and lookups create no files). */
export async function withStore<T>(fn: (store: RunStore) => Promise<T>, ifMissing?: () => T): Promise<T> {
  const { openExistingRunStore, openRunStore } = await import('../store/index.js');
  const store = ifMissing ? await openExistingRunStore() : await openRunStore();
  if (!store) return ifMissing!();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** run, resume, approve and reject: a run in this process, its result printed, Ctrl-C cancelling it cleanly. */
export async function runInHub(options: HubCliOptions, go: (hub: HybridOrchestrator, common: ResumeOptions) => Promise<PipelineResult>): Promise<number> {
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

/**
 * 0 completed, or waiting with no failed stage (the process may exit; approve later); 1 otherwise: failed (a
 * rejection too), partial, cancelled, or waiting after a stage failed (`onFailure: continue`).
 */
export function exitCodeFor(result: PipelineResult): number {
  if (result.status === 'completed') return 0;
  if (result.status === 'waiting') return result.stages.some((s) => s.status === 'failed') ? 1 : 0;
  return 1;
}

/** `rejected by alice: too risky (data {"ticket":"A-1"})`: one decision, as `run` and `runs show` print it. */
export function describeDecision(decision: { readonly approved: boolean; readonly by?: string; readonly reason?: string; readonly data?: unknown }): string {
  const data = decision.data === undefined ? '' : ` (data ${JSON.stringify(decision.data)})`;
  return `${decision.approved ? 'approved' : 'rejected'}${decision.by ? ` by ${decision.by}` : ''}${decision.reason ? `: ${decision.reason}` : ''}${data}`;
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
  for (const d of result.decisions ?? []) lines.push('', `decision at ${d.stageId}: ${describeDecision(d)}`);
  if (result.error) lines.push('', `error: ${result.error.code}: ${result.error.message}`);
  if (result.pendingApprovals && result.pendingApprovals.length > 1) {
    // one stage waiting on several approvals at once: each is decided on its own
    const all = result.pendingApprovals;
    const stage = all[0]!.stageId;
    lines.push(
      '',
      `waiting for ${all.length} approvals at ${stage}:`,
      ...all.map((p) => `  ${p.point}: ${p.message}`),
      `  approve: switchyard approve ${result.runId} --stage ${stage} --point POINT [--data '{"note":"..."}']`,
      `  reject:  switchyard reject ${result.runId} --stage ${stage} --point POINT [--reason "..."]`,
    );
  } else if (result.pendingApproval) {
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

async function sinksFor(options: HubCliOptions): Promise<EventSink[]> {
  const sinks: EventSink[] = [];
  if (options.jsonl) {
    const { JsonlSink } = await import('../events/jsonl-sink.js');
    sinks.push(new JsonlSink(options.jsonl));
  }
  if (!options.json) {
    const { ProgressSink } = await import('../events/progress-sink.js');
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
