import type { SerializedError, StageContext } from 'switchyard/adapter-kit';
import { PrefectClient } from './client.js';
import { PrefectDagReporter } from './reporter.js';
import type { DeploymentTask, ReportOptions } from './schema.js';
import { triggerDeployment, type TriggerResult } from './trigger.js';

/** The DAG as the adapter hands it over: node ids and their dependencies. */
export interface DagShape {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly dependsOn: Readonly<Record<string, readonly string[]>>;
}

/**
 * A `{ type: 'deployment' }` stage: triggers the deployment and waits for its final state. The stage
 * signal cancels the flow run in Prefect; each state change is a `prefect.state` engine event.
 */
export async function runDeployment(task: DeploymentTask, context: StageContext): Promise<TriggerResult> {
  const client = new PrefectClient(task.server ?? {});
  try {
    return await triggerDeployment(client, {
      deployment: task.deployment,
      ...(task.parameters ? { parameters: task.parameters } : {}),
      ...(task.wait === undefined ? {} : { wait: task.wait }),
      ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
      ...(task.pollMs === undefined ? {} : { pollMs: task.pollMs }),
      ...(task.flowRunName ? { flowRunName: task.flowRunName } : {}),
      tags: task.tags ?? ['switchyard', `run:${context.runId}`],
      signal: context.signal,
      emit: (event) => context.emit(event),
    });
  } finally {
    await client.close();
  }
}

export interface StageDagReporter {
  readonly flowRunId: string;
  nodeStarted(node: string, attempt: number): void;
  nodeCompleted(node: string, output: unknown): void;
  nodeFailed(node: string, error: SerializedError, willRetry: boolean): void;
  nodeSkipped(node: string, reason: string): void;
  finish(outcome: { readonly status: 'completed' | 'failed' | 'cancelled'; readonly error?: SerializedError }): Promise<void>;
}

/**
 * For `report: { prefect: ... }` on a DAG task: creates the flow and flow run, then mirrors the
 * local run (task runs with their upstream, states, logs). Reporting problems become
 * `prefect.report.error` engine events; they never fail the local run.
 */
export async function createDagReporter(options: true | ReportOptions, dag: DagShape, context: StageContext): Promise<StageDagReporter> {
  const settings: ReportOptions = options === true ? {} : options;
  const { flowName, flowRunName, tags, logs, concurrency, ...server } = settings;
  const client = new PrefectClient(server);
  const indexOf = new Map(dag.nodes.map((id, i) => [id, i]));
  const depStart: number[] = [0];
  const depList: number[] = [];
  for (const id of dag.nodes) {
    for (const dep of dag.dependsOn[id] ?? []) {
      const j = indexOf.get(dep);
      if (j !== undefined) depList.push(j);
    }
    depStart.push(depList.length);
  }
  let reporter: PrefectDagReporter;
  try {
    reporter = await PrefectDagReporter.start(
      client,
      { ids: dag.nodes, depStart, depList },
      {
        flowName: flowName ?? dag.name,
        flowRunName: flowRunName ?? `${context.pipelineName}-${context.runId}-${context.stageId}`,
        tags: tags ?? ['switchyard', `run:${context.runId}`],
        parameters: { runId: context.runId, stageId: context.stageId, nodes: dag.nodes.length },
        ...(logs === undefined ? {} : { logs }),
        ...(concurrency === undefined ? {} : { concurrency }),
        onError: (error) => context.emit({ kind: 'prefect.report.error', message: error.message }),
      },
    );
  } catch (error) {
    await client.close();
    throw error;
  }
  context.emit({ kind: 'prefect.report.started', message: `reporting to ${client.url}`, data: { flowRunId: reporter.flowRunId } });
  return {
    flowRunId: reporter.flowRunId,
    nodeStarted: (node, attempt) => reporter.nodeStarted(node, attempt),
    nodeCompleted: (node, output) => reporter.nodeCompleted(node, output),
    nodeFailed: (node, error, willRetry) => reporter.nodeFailed(node, error, willRetry),
    nodeSkipped: (node, reason) => reporter.nodeSkipped(node, reason),
    async finish(outcome) {
      try {
        await reporter.finish(
          outcome.status === 'completed'
            ? { ok: true }
            : { ok: false, message: outcome.error ? `[${outcome.error.code}] ${outcome.error.message}` : `DAG ${outcome.status}` },
        );
        context.emit({ kind: 'prefect.report.finished', message: `${client.stats.total} Prefect API calls`, data: { flowRunId: reporter.flowRunId, requests: client.stats.total } });
      } finally {
        await client.close();
      }
    },
  };
}
