import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { SerializedError } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import { setState } from './set-state.js';
import type { LogCreate, StateCreate, StateType, TaskRunInput } from './types.js';

/** The DAG's shape as the local engine compiles it: deps of node i are `depList[depStart[i] .. depStart[i+1])`. */
export interface ReportedDag {
  readonly ids: readonly string[];
  readonly depStart: Int32Array | readonly number[];
  readonly depList: Int32Array | readonly number[];
}

export interface DagReportOptions {
  readonly flowName: string;
  readonly flowRunName?: string;
  readonly tags?: readonly string[];
  /** Shown as the flow run's parameters (keep it small). */
  readonly parameters?: Record<string, unknown>;
  /** Send node failures, retries and skips as Prefect logs; default true. */
  readonly logs?: boolean;
  /** How long state changes gather before one flush; default 100 ms. */
  readonly flushDelayMs?: number;
  /** Requests in flight at once while flushing; default 1 (a SQLite-backed server serialises writes and answers 503 to parallel ones; raise it for PostgreSQL). */
  readonly concurrency?: number;
  /** Told about reporting problems; reporting never fails the local run. */
  readonly onError?: (error: Error) => void;
}

interface NodeReport {
  /** What was last sent to Prefect (undefined: the task run does not exist yet). */
  sent: StateType | undefined;
  latest: StateCreate | undefined;
}

/**
 * Mirrors a locally executed DAG in Prefect: one flow run, a task run per node whose `task_inputs`
 * name its upstream task runs (Prefect draws the graph from them), states and logs.
 *
 * It plugs into the local engine as its observer (synchronous hooks) and batches: state changes
 * within `flushDelayMs` coalesce, so a node that started and finished inside one window costs one
 * request (its task run is created directly in its final state) and a slower one costs two;
 * logs go in one request per flush. Task run ids are chosen here, so a dependant can name its
 * upstream before the upstream's create call has returned.
 */
export class PrefectDagReporter {
  readonly flowRunId: string;
  private readonly taskRunIds: string[];
  private readonly nodes: NodeReport[];
  private readonly indexOf = new Map<string, number>();
  private readonly dirty = new Set<number>();
  private readonly logs: LogCreate[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly errors: Error[] = [];

  private constructor(
    private readonly client: PrefectClient,
    private readonly dag: ReportedDag,
    flowRunId: string,
    private readonly options: DagReportOptions,
  ) {
    this.flowRunId = flowRunId;
    this.taskRunIds = dag.ids.map(() => randomUUID());
    this.nodes = dag.ids.map(() => ({ sent: undefined, latest: undefined }));
    dag.ids.forEach((id, i) => this.indexOf.set(id, i));
    this.limit = pLimit(options.concurrency ?? 1);
  }

  /** Creates (or finds) the flow and creates a RUNNING flow run: two requests. */
  static async start(client: PrefectClient, dag: ReportedDag, options: DagReportOptions): Promise<PrefectDagReporter> {
    const flow = await client.createFlow(options.flowName, options.tags ? { tags: options.tags } : {});
    const run = await client.createFlowRun({
      flow_id: flow.id,
      ...(options.flowRunName ? { name: options.flowRunName } : {}),
      parameters: options.parameters ?? {},
      tags: options.tags ?? ['switchyard'],
      state: { type: 'RUNNING', message: `local DAG of ${dag.ids.length} tasks` },
    });
    return new PrefectDagReporter(client, dag, run.id, options);
  }

  taskRunId(node: string): string | undefined {
    const i = this.indexOf.get(node);
    return i === undefined ? undefined : this.taskRunIds[i];
  }

  /** Reporting problems seen so far (the run itself is never failed by them). */
  get problems(): readonly Error[] {
    return this.errors;
  }

  // ---- DagObserver hooks (synchronous, cheap) ----
  nodeStarted(node: string, attempt: number): void {
    this.update(node, { type: 'RUNNING', name: attempt > 1 ? 'Retrying' : 'Running' });
  }

  nodeCompleted(node: string, _output: unknown): void {
    this.update(node, { type: 'COMPLETED' });
  }

  nodeFailed(node: string, error: SerializedError, willRetry: boolean): void {
    if (willRetry) {
      this.log(node, 30, `${node} failed, retrying: ${error.message}`);
      return;
    }
    this.log(node, 40, `${node} failed: [${error.code}] ${error.message}`);
    this.update(node, { type: 'FAILED', message: error.message });
  }

  nodeSkipped(node: string, reason: string): void {
    this.log(node, 20, `${node} skipped: ${reason}`);
    this.update(node, { type: 'CANCELLED', name: 'Skipped', message: reason });
  }

  /** A line in the flow run's logs (or a task run's, with `node`). */
  log(node: string | undefined, level: number, message: string): void {
    if (this.options.logs === false) return;
    const i = node === undefined ? undefined : this.indexOf.get(node);
    this.logs.push({
      name: 'switchyard.dag',
      level,
      message,
      timestamp: new Date().toISOString(),
      flow_run_id: this.flowRunId,
      task_run_id: i === undefined ? null : (this.taskRunIds[i] ?? null),
    });
    this.schedule();
  }

  /** Sends what is left, then the flow run's final state. */
  async finish(outcome: { ok: boolean; message?: string }): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.log(undefined, outcome.ok ? 20 : 40, outcome.message ?? (outcome.ok ? 'DAG completed' : 'DAG failed'));
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.enqueueFlush();
    const final: StateCreate = outcome.ok ? { type: 'COMPLETED', ...(outcome.message ? { message: outcome.message } : {}) } : { type: 'FAILED', message: outcome.message ?? 'DAG failed' };
    try {
      const result = await setState(this.client, 'flow_run', this.flowRunId, final);
      if (result.status !== 'ACCEPT') this.fail(new Error(`Prefect ${result.status} for flow run ${final.type}: ${result.reason}`));
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private update(node: string, state: StateCreate): void {
    const i = this.indexOf.get(node);
    if (i === undefined) return;
    this.nodes[i]!.latest = state;
    this.dirty.add(i);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueueFlush();
    }, this.options.flushDelayMs ?? 100);
  }

  private enqueueFlush(): Promise<void> {
    this.chain = this.chain.then(() => this.flush());
    return this.chain;
  }

  private async flush(): Promise<void> {
    const batch = [...this.dirty];
    this.dirty.clear();
    const logs = this.logs.splice(0);
    const work = batch.map((i) => this.limit(() => this.send(i)));
    await Promise.all(work);
    // Logs after the task runs they point at exist.
    if (logs.length > 0) await this.client.createLogs(logs).catch((error: unknown) => this.fail(error as Error));
  }

  private async send(i: number): Promise<void> {
    const node = this.nodes[i]!;
    const state = node.latest;
    if (!state || state.type === node.sent) return;
    try {
      if (node.sent === undefined) {
        await this.client.createTaskRun({
          id: this.taskRunIds[i]!,
          name: this.dag.ids[i]!,
          flow_run_id: this.flowRunId,
          task_key: `${this.options.flowName}.${this.dag.ids[i]}`,
          dynamic_key: '0',
          task_inputs: this.inputsOf(i),
          tags: ['switchyard'],
          state,
        });
      } else {
        const result = await setState(this.client, 'task_run', this.taskRunIds[i]!, state, { force: false });
        if (result.status !== 'ACCEPT') this.fail(new Error(`Prefect ${result.status} for task run ${this.dag.ids[i]} ${state.type}: ${result.reason}`));
      }
      node.sent = state.type;
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private inputsOf(i: number): Record<string, readonly TaskRunInput[]> {
    const inputs: Record<string, TaskRunInput[]> = {};
    const start = this.dag.depStart[i] ?? 0;
    const end = this.dag.depStart[i + 1] ?? start;
    for (let k = start; k < end; k++) {
      const dep = this.dag.depList[k]!;
      inputs[this.dag.ids[dep]!] = [{ input_type: 'task_run', id: this.taskRunIds[dep]! }];
    }
    return inputs;
  }

  private fail(error: Error): void {
    this.errors.push(error);
    this.options.onError?.(error);
  }
}
