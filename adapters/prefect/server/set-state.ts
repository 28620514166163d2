import { SwitchyardError } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import { sleep } from 'switchyard/adapter-kit';
import type { State, StateCreate } from './types.js';

export type RunKind = 'flow_run' | 'task_run';

/** The outcome of proposing a state, once any WAIT has been waited out. */
export type SetStateOutcome =
  /** The server took the proposed state (`state` is what it stored). */
  | { readonly status: 'ACCEPT'; readonly state: State }
  /** The server kept or chose another state (`state`), e.g. a run that is already final. */
  | { readonly status: 'REJECT'; readonly state: State | null; readonly reason: string }
  /** The transition makes no sense for the run (a second worker claiming a claimed run); stop working on it. */
  | { readonly status: 'ABORT'; readonly state: State | null; readonly reason: string };

export interface SetStateOptions {
  /** Skip orchestration rules (Prefect's `force`); default false. */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
  /** Most WAIT answers to sit out before giving up; default 20. */
  readonly maxWaits?: number;
  /** Called before sleeping on a WAIT; the reporter and worker log it. */
  readonly onWait?: (delayMs: number, reason: string | undefined) => void;
}

/**
 * The one place switchyard changes a flow run's or task run's state. Prefect answers a proposal with
 * ACCEPT, REJECT, ABORT or WAIT; WAIT means "propose again after `delay_seconds`", which this does.
 * REJECT and ABORT come back as values: they are expected outcomes (losing a claim race), not faults.
 */
export async function setState(client: PrefectClient, kind: RunKind, id: string, state: StateCreate, options: SetStateOptions = {}): Promise<SetStateOutcome> {
  const maxWaits = options.maxWaits ?? 20;
  for (let waits = 0; ; waits++) {
    const call = { force: options.force ?? false, ...(options.signal ? { signal: options.signal } : {}) };
    const result = kind === 'flow_run' ? await client.setFlowRunState(id, state, call) : await client.setTaskRunState(id, state, call);
    switch (result.status) {
      case 'ACCEPT':
        return { status: 'ACCEPT', state: result.state ?? ({ ...state } as State) };
      case 'REJECT':
        return { status: 'REJECT', state: result.state, reason: result.details.reason ?? `the server kept ${result.state?.type ?? 'its state'}` };
      case 'ABORT':
        return { status: 'ABORT', state: result.state, reason: result.details.reason ?? 'aborted by orchestration' };
      case 'WAIT': {
        if (waits >= maxWaits) {
          throw new SwitchyardError('REMOTE_ERROR', `Prefect kept answering WAIT to ${state.type} for ${kind} ${id} (${maxWaits} times)`, { details: { id, kind, state: state.type } });
        }
        const delayMs = Math.max(0, (result.details.delay_seconds ?? 1) * 1000);
        options.onWait?.(delayMs, result.details.reason ?? undefined);
        await sleep(delayMs, options.signal);
        continue;
      }
      default:
        throw new SwitchyardError('REMOTE_ERROR', `Prefect answered set_state with an unknown status ${JSON.stringify((result as { status: unknown }).status)}`, { details: { id, kind } });
    }
  }
}

/** `setState` for callers that cannot continue unless the state is taken: REJECT and ABORT become a REMOTE_ERROR. */
export async function requireState(client: PrefectClient, kind: RunKind, id: string, state: StateCreate, options: SetStateOptions = {}): Promise<State> {
  const outcome = await setState(client, kind, id, state, options);
  if (outcome.status === 'ACCEPT') return outcome.state;
  throw new SwitchyardError('REMOTE_ERROR', `Prefect ${outcome.status === 'REJECT' ? 'rejected' : 'aborted'} ${state.type} for ${kind} ${id}: ${outcome.reason}`, {
    details: { id, kind, proposed: state.type, status: outcome.status, current: outcome.state?.type },
  });
}
