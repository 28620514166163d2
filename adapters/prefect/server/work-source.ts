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
      if (pending.status === 'ACCEPT') return { ok: true };
      // A proposal whose answer got lost and was sent again is refused as a second claim: ours if it carries our mark.
      if (pending.state?.type === 'PENDING' && pending.state.message === mark(worker)) return { ok: true };
      return { ok: false, reason: pending.reason };
    },

    /** RUNNING may WAIT until the scheduled time; setState sleeps it out (the signal aborts the wait). */
    async start(item, worker, signal): Promise<ClaimOutcome> {
      const running = await setState(client, 'flow_run', item.id, { type: 'RUNNING', message: `running on ${worker.name}` }, { signal });
      return running.status === 'ACCEPT' ? { ok: true } : { ok: false, reason: running.reason };
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
      const data = result.state === 'COMPLETED' ? resultData(result.data) : {};
      await setState(client, 'flow_run', item.id, { type: result.state, message: result.message, ...data });
    },
  };
}

function toItem(flowRun: FlowRun): PrefectWorkItem {
  return { id: flowRun.id, name: flowRun.name, label: `flow run ${flowRun.name}`, parameters: flowRun.parameters ?? {}, runId: `prefect-${flowRun.id}`, flowRun };
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
