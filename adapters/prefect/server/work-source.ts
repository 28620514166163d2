import { SwitchyardError } from 'switchyard/adapter-kit';
import type { ClaimOutcome, WorkItem, WorkLogLine, WorkResult, WorkSource, WorkerInfo } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import { setState } from './set-state.js';
import type { FlowRun, LogCreate } from './types.js';

/** A flow run as a worker sees it: the generic fields plus Prefect's own record. */
export interface PrefectWorkItem extends WorkItem {
  readonly flowRun: FlowRun;
}

export interface PrefectWorkSourceOptions {
  readonly client: PrefectClient;
  readonly pool: string;
  /** Only these queues of the pool; default all of them. */
  readonly workQueues?: readonly string[];
  /** Also offer runs scheduled up to this far ahead (their RUNNING proposal WAITs until the time); default 10 s. */
  readonly prefetchMs?: number;
}

/** The label a worker puts on each flow run it runs: who holds it, and where its lease lives. */
export const LEASE_LABEL = 'switchyard.lease';

/** Prefect keeps a state's data as JSON; switchyard stores results up to this size and drops bigger ones. */
const MAX_RESULT_BYTES = 256 * 1024;

const LEVELS: Record<WorkLogLine['level'], number> = { info: 20, warning: 30, error: 40 };

/**
 * A Prefect work pool as a `WorkSource` for the core's `Worker`: polls `get_scheduled_flow_runs`, claims a run by
 * proposing PENDING through `setState` (Prefect ABORTs a second proposal, so two workers never run one flow run
 * twice), starts it with RUNNING (sitting out WAIT until its scheduled time), gives it back as SCHEDULED when it
 * cannot start, watches for CANCELLING/CANCELLED, writes logs and reports the final state.
 */
export function prefectWorkSource(options: PrefectWorkSourceOptions): WorkSource<PrefectWorkItem> {
  const { client, pool } = options;
  const mark = (worker: WorkerInfo) => `claimed by ${worker.name}`;
  const runningMark = (worker: WorkerInfo) => `running on ${worker.name}`;
  /** Who runs what here: `finish` reports only a flow run that is still this worker's RUNNING one. */
  const runningOn = new Map<string, string>();
  return {
    name: pool,

    async open() {
      const found = await client.readWorkPool(pool);
      if (!found) throw new SwitchyardError('NOT_FOUND', `Prefect has no work pool "${pool}"; \`switchyard deploy FILE --pool ${pool}\` creates it`, { path: '--pool' });
    },

    async heartbeat(worker) {
      await client.workerHeartbeat(pool, worker.name, Math.round(worker.heartbeatIntervalMs / 1000));
    },

    async poll(limit) {
      const found = await client.getScheduledFlowRuns(pool, {
        scheduled_before: new Date(Date.now() + (options.prefetchMs ?? 10_000)).toISOString(),
        limit,
        ...(options.workQueues ? { work_queue_names: options.workQueues } : {}),
      });
      return found.map(({ flow_run: flowRun }) => toItem(flowRun));
    },

    /** Proposes PENDING: Prefect accepts it for one worker only (a second proposal is ABORTed). */
    async claim(item, worker): Promise<ClaimOutcome> {
      const pending = await setState(client, 'flow_run', item.id, { type: 'PENDING', message: mark(worker) });
      // A proposal whose answer got lost and was sent again is refused as a second claim: ours if it carries our mark.
      const ours = pending.status === 'ACCEPT' || (pending.state?.type === 'PENDING' && pending.state.message === mark(worker));
      if (!ours) return { ok: false, reason: pending.reason };
      // The deployment's retry policy (`deploy --retries`) becomes the flow run's, so Prefect retries a FAILED run
      // by its own rule (and `crash` retries a CRASHED one by the same numbers).
      const policy = retryPolicy(item.flowRun);
      if (policy.retries > 0 && (item.flowRun.empirical_policy?.retries !== policy.retries || item.flowRun.empirical_policy?.retry_delay !== policy.retryDelaySeconds)) {
        await client.updateFlowRun(item.id, { empirical_policy: { ...item.flowRun.empirical_policy, retries: policy.retries, retry_delay: policy.retryDelaySeconds } }).catch(() => undefined);
      }
      return { ok: true };
    },

    /** RUNNING may WAIT until the scheduled time; setState sleeps it out (the signal aborts the wait). */
    async start(item, worker, signal): Promise<ClaimOutcome> {
      const running = await setState(client, 'flow_run', item.id, { type: 'RUNNING', message: runningMark(worker) }, { signal });
      if (running.status !== 'ACCEPT') return { ok: false, reason: running.reason };
      runningOn.set(item.id, runningMark(worker));
      // The marker Prefect shows: the lease itself is the switchyard run's, in the shared run store.
      await client
        .updateFlowRunLabels(item.id, { [LEASE_LABEL]: `${worker.name}: run ${item.runId ?? item.id} leased in the switchyard run store` })
        .catch(() => undefined);
      return { ok: true };
    },

    async release(item, worker) {
      await setState(client, 'flow_run', item.id, { type: 'SCHEDULED', message: `released by ${worker.name}` });
    },

    async checkCancelled(item) {
      const type = (await client.readFlowRun(item.id)).state?.type;
      return type === 'CANCELLING' || type === 'CANCELLED' ? 'flow run cancelled in Prefect' : undefined;
    },

    async writeLogs(item, lines) {
      const logs: LogCreate[] = lines.map((line) => ({ name: 'switchyard.worker', level: LEVELS[line.level], message: line.message, timestamp: line.timestamp, flow_run_id: item.id }));
      await client.createLogs(logs);
    },

    async finish(item, result: WorkResult) {
      const mine = runningOn.get(item.id);
      runningOn.delete(item.id);
      // A worker that was stopped longer than its lease may find its flow run crashed and retried by another:
      // reporting now would end the retry, so it reports only a run that is still its own.
      if (mine !== undefined) {
        const current = (await client.readFlowRun(item.id)).state;
        // still ours: RUNNING with our mark, or being cancelled (CANCELLING is what a cancel in Prefect looks like)
        const ours = (current?.type === 'RUNNING' && current.message === mine) || current?.type === 'CANCELLING';
        if (!ours) return;
      }
      const data = result.state === 'COMPLETED' ? resultData(result.data) : {};
      await setState(client, 'flow_run', item.id, { type: result.state, message: result.message, ...data });
    },

    async listRunning() {
      const found = await client.filterFlowRuns({ flow_runs: { state: { type: { any_: ['RUNNING'] } } }, work_pools: { name: { any_: [pool] } } });
      return found.map(toItem);
    },

    /**
     * Proposes CRASHED through Prefect's rules (one of several workers noticing wins; the others are told it is
     * terminal already), then, while the retry policy allows (`run_count` at most `retries`, as Prefect's own rule
     * for FAILED counts), proposes SCHEDULED named AwaitingRetry: Prefect does not retry crashed flow runs by
     * itself, and lets a deployment's run leave CRASHED for SCHEDULED.
     */
    async crash(item, worker, reason) {
      const crashed = await setState(client, 'flow_run', item.id, { type: 'CRASHED', message: `${reason} (seen by ${worker.name})` });
      if (crashed.status !== 'ACCEPT') return undefined;
      const { retries, retryDelaySeconds } = retryPolicy(item.flowRun);
      const runs = item.flowRun.run_count ?? 1;
      if (runs > retries) return retries > 0 ? `crashed; no retries left (${runs} runs, ${retries} retries)` : 'crashed (the deployment allows no retries)';
      const at = new Date(Date.now() + retryDelaySeconds * 1000).toISOString();
      const retry = await setState(client, 'flow_run', item.id, {
        type: 'SCHEDULED',
        name: 'AwaitingRetry',
        message: `retry ${runs} of ${retries} after a crash (${reason})`,
        state_details: { scheduled_time: at },
      });
      return retry.status === 'ACCEPT' ? `crashed; retry ${runs} of ${retries} scheduled for ${at}` : `crashed; the retry was refused: ${retry.reason}`;
    },
  };
}

/** The retry policy: what the deployment carries in its parameters (`deploy --retries`), else the flow run's own. */
function retryPolicy(flowRun: FlowRun): { retries: number; retryDelaySeconds: number } {
  const parameters = flowRun.parameters ?? {};
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined);
  return {
    retries: num(parameters.retries) ?? num(flowRun.empirical_policy?.retries) ?? 0,
    retryDelaySeconds: num(parameters.retryDelaySeconds) ?? num(flowRun.empirical_policy?.retry_delay) ?? 0,
  };
}

function toItem(flowRun: FlowRun): PrefectWorkItem {
  const startedAt = flowRun.state?.type === 'RUNNING' ? (flowRun.state.timestamp ?? flowRun.start_time ?? undefined) : undefined;
  return {
    id: flowRun.id,
    name: flowRun.name,
    label: `flow run ${flowRun.name}`,
    parameters: flowRun.parameters ?? {},
    runId: `prefect-${flowRun.id}`,
    flowRun,
    ...(startedAt ? { startedAt } : {}),
  };
}

/** The output as JSON state data, or nothing when it is not JSON or bigger than MAX_RESULT_BYTES. */
function resultData(output: unknown): { data?: unknown } {
  if (output === undefined) return {};
  try {
    const text = JSON.stringify(output);
    if (text === undefined || Buffer.byteLength(text) > MAX_RESULT_BYTES) return {};
    return { data: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}
