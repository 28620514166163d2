import { SwitchyardError } from 'switchyard/adapter-kit';
import type { EngineEvent } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import { sleep } from 'switchyard/adapter-kit';
import { setState } from './set-state.js';
import { FINAL_STATE_TYPES, type FlowRun, type StateType } from './types.js';

export interface TriggerOptions {
  /** `flow-name/deployment-name`. */
  readonly deployment: string;
  readonly parameters?: Record<string, unknown>;
  /** Wait for a final state; default true. */
  readonly wait?: boolean;
  /** Stop waiting after this long and cancel the flow run (TIMEOUT). */
  readonly timeoutMs?: number;
  /** Default 1000 ms. */
  readonly pollMs?: number;
  readonly flowRunName?: string;
  readonly tags?: readonly string[];
  /** Aborting cancels the flow run on the server, then rejects with CANCELLED. */
  readonly signal?: AbortSignal;
  readonly emit?: (event: EngineEvent) => void;
}

export interface TriggerResult {
  readonly deploymentId: string;
  readonly flowRunId: string;
  readonly flowRunName: string;
  /** The last state seen (the final one when waiting). */
  readonly state: StateType;
  /** What the worker stored with the COMPLETED state (switchyard workers store the pipeline output). */
  readonly result?: unknown;
}

/**
 * Triggers an existing deployment and waits for its flow run's final state, emitting each state
 * change as a `prefect.state` engine event. COMPLETED resolves; FAILED, CRASHED and CANCELLED reject
 * with STAGE_FAILED carrying the flow run id and the state message.
 */
export async function triggerDeployment(client: PrefectClient, options: TriggerOptions): Promise<TriggerResult> {
  const [flowName, deploymentName] = splitDeploymentName(options.deployment);
  const signal = options.signal;
  const emit = options.emit ?? (() => {});
  const deployment = await client.readDeploymentByName(flowName, deploymentName, signal ? { signal } : {}).catch((error: unknown) => {
    if (error instanceof SwitchyardError && error.code === 'NOT_FOUND') {
      throw new SwitchyardError('NOT_FOUND', `Prefect has no deployment "${options.deployment}"; create it with \`switchyard deploy FILE --pool NAME\``, {
        path: 'task.deployment',
        cause: error,
      });
    }
    throw error;
  });
  const run = await client.createFlowRunFromDeployment(
    deployment.id,
    {
      parameters: options.parameters ?? {},
      ...(options.flowRunName ? { name: options.flowRunName } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    },
    signal ? { signal } : {},
  );
  emit({ kind: 'prefect.flow_run.created', message: `${options.deployment}: flow run ${run.name}`, data: { flowRunId: run.id, deploymentId: deployment.id } });
  const base = { deploymentId: deployment.id, flowRunId: run.id, flowRunName: run.name };
  if (options.wait === false) return { ...base, state: run.state?.type ?? 'SCHEDULED' };

  const pollMs = options.pollMs ?? 1000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let last: StateType | undefined = undefined;
  let current: FlowRun = run;
  try {
    for (;;) {
      const state = current.state;
      if (state && state.type !== last) {
        last = state.type;
        emit({ kind: 'prefect.state', message: `${run.name}: ${state.name ?? state.type}`, data: { flowRunId: run.id, state: state.type, name: state.name ?? null } });
      }
      if (state && FINAL_STATE_TYPES.has(state.type)) {
        if (state.type === 'COMPLETED') return { ...base, state: 'COMPLETED', result: state.data ?? undefined };
        throw new SwitchyardError('STAGE_FAILED', `Prefect flow run ${run.name} (${options.deployment}) ended ${state.type}${state.message ? `: ${state.message}` : ''}`, {
          details: { flowRunId: run.id, deploymentId: deployment.id, state: state.type, message: state.message ?? null },
        });
      }
      if (Date.now() >= deadline) {
        throw new SwitchyardError('TIMEOUT', `Prefect flow run ${run.name} (${options.deployment}) did not finish within ${options.timeoutMs} ms`, {
          details: { flowRunId: run.id, state: state?.type ?? null },
        });
      }
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
      current = await client.readFlowRun(run.id, signal ? { signal } : {});
    }
  } catch (error) {
    const cancelled = signal?.aborted === true;
    if (cancelled || (error instanceof SwitchyardError && error.code === 'TIMEOUT')) {
      await cancelFlowRun(client, run.id, cancelled ? 'cancelled by switchyard' : 'timed out in switchyard');
      emit({ kind: 'prefect.flow_run.cancelled', message: `${run.name}: cancellation requested`, data: { flowRunId: run.id } });
      if (cancelled) throw new SwitchyardError('CANCELLED', `cancelled while waiting for Prefect flow run ${run.name}`, { cause: error, details: { flowRunId: run.id } });
    }
    throw error;
  }
}

/**
 * Asks Prefect to cancel a flow run: CANCELLING for a run a worker holds (the worker sees it and
 * stops), CANCELLED straight away for one nobody picked up yet. Best effort: never throws.
 */
export async function cancelFlowRun(client: PrefectClient, flowRunId: string, message: string): Promise<void> {
  try {
    const run = await client.readFlowRun(flowRunId);
    const type = run.state?.type;
    if (type && FINAL_STATE_TYPES.has(type)) return;
    const target = type === 'SCHEDULED' || type === 'PAUSED' || type === undefined ? 'CANCELLED' : 'CANCELLING';
    await setState(client, 'flow_run', flowRunId, { type: target, message }, { maxWaits: 2 });
  } catch {
    // the caller is already failing or cancelling; the run's own timeout rules take over
  }
}

export function splitDeploymentName(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1 || name.indexOf('/', slash + 1) !== -1) {
    throw new SwitchyardError('INVALID_INPUT', `task.deployment: expected "flow-name/deployment-name"; got ${JSON.stringify(name)}`, { path: 'task.deployment', got: name });
  }
  return [name.slice(0, slash), name.slice(slash + 1)];
}
