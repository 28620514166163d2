import { throwIfAborted } from 'switchyard/adapter-kit';
import { defineAdapter } from 'switchyard/adapter-kit';
import type { OrchestratorAdapter, SerializedError, StageContext, ValidationContext } from 'switchyard/adapter-kit';
import { SwitchyardError } from 'switchyard/adapter-kit';
import { unknownHandlerError } from 'switchyard/adapter-kit';
import { assertCron } from 'switchyard/adapter-kit';
import { DEFAULT_ETL_NODES, prefectTaskSchema } from './task-schema.js';
// compile.ts imports only errors and types: cheap enough for the synchronous validate().
import { compileDag } from './local/compile.js';
import type { DagNodeSpec, DagTask, DeploymentTask, PrefectTask, ReportOption, ScheduledEtlTask } from './task-schema.js';
import type { CompiledDag } from './local/compile.js';
import type { DagObserver, DagResult } from './local/engine.js';

export interface PrefectAdapterOptions {
  /** Default concurrency for DAGs that do not set `workflow.concurrency`; default 16. */
  readonly concurrency?: number;
}

/** A scheduled_etl stage's output: the DAG result plus what happened to its schedule. */
export interface ScheduledEtlResult extends DagResult {
  readonly schedule: { readonly cron: string; readonly timezone: string; readonly nextRunAt: string; readonly registered: boolean; readonly id?: string; readonly reason?: string };
}

/**
 * What `./server/index.js` (the Prefect REST half) provides. Loaded only when a task needs a
 * server, so local DAGs never load undici.
 */
export interface PrefectServerModule {
  runDeployment(task: DeploymentTask, context: StageContext): Promise<unknown>;
  createDagReporter(options: ReportOption['prefect'], dag: DagShape, context: StageContext): Promise<DagReporter>;
}

/** The DAG as the reporter needs it: node ids and their dependencies. */
export interface DagShape {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly dependsOn: Readonly<Record<string, readonly string[]>>;
}

export interface DagReporter extends DagObserver {
  finish(outcome: { readonly status: 'completed' | 'failed' | 'cancelled'; readonly result?: DagResult; readonly error?: SerializedError }): Promise<void>;
}

/**
 * The prefect adapter. Its embedded default is a local DAG engine (no server): nodes bound to
 * handlers, dependencies, concurrency, retries, timeouts, cancellation, partial results.
 * `scheduled_etl` runs its ETL nodes now and registers its cron schedule for `switchyard scheduler`.
 * `deployment` tasks and `report.prefect` go to a real Prefect server (./server/).
 */
export function createPrefectAdapter(options: PrefectAdapterOptions = {}): OrchestratorAdapter<PrefectTask, unknown> {
  const compiled = new WeakMap<readonly DagNodeSpec[], CompiledDag>();

  const compile = (nodes: readonly DagNodeSpec[], path: string): CompiledDag => {
    let dag = compiled.get(nodes);
    if (!dag) {
      dag = compileDag(nodes, path);
      compiled.set(nodes, dag);
    }
    return dag;
  };

  const runNodes = async (
    nodes: readonly DagNodeSpec[],
    settings: Pick<ScheduledEtlTask, 'concurrency' | 'retry' | 'timeoutMs'> & { onNodeFailure?: 'continue' | 'stop' },
    input: unknown,
    report: ReportOption | undefined,
    context: StageContext,
    etlSources?: ScheduledEtlTask['sources'],
    csvValues?: ScheduledEtlTask['csvValues'],
  ): Promise<DagResult> => {
    const [{ runDag }, { resolveHandler }, etl, { nodeDefinitions }] = await Promise.all([
      import('./local/engine.js'),
      import('switchyard/adapter-kit'),
      import('./local/etl.js'),
      import('./local/memo.js'),
    ]);
    const path = `${context.stageId}.nodes`;
    const dag = compile(nodes, path);
    const handlers = dag.ids.map((id, i) => {
      const binding = dag.bindings[i] ?? id;
      if (etlSources && typeof binding === 'string' && !isRegistered(context, binding)) {
        const builtin = etl.builtinEtlHandler(binding, etlSources, csvValues === undefined ? {} : { csvValues });
        if (builtin) return builtin;
      }
      return resolveHandler(binding, context.resources, `${path}[${i}]`);
    });
    // completed nodes go to the stage's memo; a retry or a resume reuses them (the ETL settings are part of each definition)
    const memo = context.memo ? { memo: context.memo, definitions: nodeDefinitions(dag, handlers, etlSources ? etlSalt(etlSources, csvValues) : '') } : undefined;
    const reporter = report ? await (await loadServer()).createDagReporter(report.prefect, shapeOf(dag, context), context) : undefined;
    context.emit({ kind: 'dag.started', message: `${dag.ids.length} nodes, ${dag.edges} edges`, data: { nodes: dag.ids.length, edges: dag.edges } });
    try {
      const result = await runDag(dag, handlers, {
        input,
        context,
        concurrency: settings.concurrency ?? options.concurrency ?? 16,
        ...(settings.retry !== undefined ? { retry: settings.retry } : {}),
        ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
        ...(settings.onNodeFailure ? { onNodeFailure: settings.onNodeFailure } : {}),
        ...(reporter ? { observer: reporter } : {}),
        ...(memo ? { memo } : {}),
      });
      context.emit({ kind: 'dag.completed', message: `${result.completed.length} nodes completed`, data: { ...result.stats } });
      await reporter?.finish({ status: 'completed', result });
      return result;
    } catch (error) {
      const code = error instanceof SwitchyardError ? error.code : 'ENGINE_ERROR';
      await reporter?.finish({
        status: code === 'CANCELLED' || code === 'TIMEOUT' ? 'cancelled' : 'failed',
        error: { code, message: (error as Error).message },
      });
      throw error;
    }
  };

  return defineAdapter<PrefectTask, unknown>({
    type: 'prefect',
    taskSchema: prefectTaskSchema,

    validate(task, ctx) {
      validateTask(task, ctx);
    },

    async execute(task, context) {
      throwIfAborted(context.signal, 'before the stage started');
      if (task.type === 'deployment') return (await loadServer()).runDeployment(task, context);
      if (task.type === 'scheduled_etl') return runScheduledEtl(task, context);
      const dagTask: DagTask = task;
      const input = dagTask.input !== undefined ? dagTask.input : context.input;
      return runNodes(dagTask.workflow.nodes, dagTask.workflow, input, dagTask.report, context);
    },
  });

  async function runScheduledEtl(task: ScheduledEtlTask, context: StageContext): Promise<ScheduledEtlResult> {
    assertCron(task.schedule, task.timezone, `${context.stageId}.schedule`);
    const { registerEtlSchedule } = await import('./local/register.js');
    const schedule = task.register === false ? undefined : await registerEtlSchedule(task, context);
    const { nextRunAt } = await import('switchyard/adapter-kit');
    const input = task.input !== undefined ? task.input : context.input;
    const result = await runNodes(task.nodes ?? DEFAULT_ETL_NODES, task, input, task.report, context, task.sources ?? [], task.csvValues);
    return {
      ...result,
      schedule: {
        cron: task.schedule,
        timezone: task.timezone ?? 'UTC',
        nextRunAt: nextRunAt({ cron: task.schedule, ...(task.timezone ? { timezone: task.timezone } : {}), createdAt: new Date().toISOString() }).toISOString(),
        registered: schedule?.registered ?? false,
        ...(schedule?.id ? { id: schedule.id } : {}),
        ...(schedule?.reason ? { reason: schedule.reason } : task.register === false ? { reason: 'register: false' } : {}),
      },
    };
  }
}

const ETL_DEFAULTS: ReadonlySet<string> = new Set(DEFAULT_ETL_NODES);

function validateTask(task: PrefectTask, ctx: ValidationContext): void {
  if (task.type === 'deployment') return;
  const nodes = task.type === 'scheduled_etl' ? (task.nodes ?? DEFAULT_ETL_NODES) : task.workflow.nodes;
  const nodesPath = task.type === 'scheduled_etl' ? `${ctx.path}.nodes` : `${ctx.path}.workflow.nodes`;
  if (task.type === 'scheduled_etl') assertCron(task.schedule, task.timezone, `${ctx.path}.schedule`);
  compileDag(nodes, nodesPath);
  nodes.forEach((node, i) => {
    const binding = typeof node === 'string' ? node : (node.handler ?? node.id);
    if (typeof binding !== 'string') return;
    if (ctx.resources.has('handler', binding) || ctx.resources.has('agent', binding)) return;
    if (task.type === 'scheduled_etl' && ETL_DEFAULTS.has(binding)) return;
    const where = typeof node === 'string' ? `${nodesPath}[${i}]` : `${nodesPath}[${i}].${node.handler === undefined ? 'id' : 'handler'}`;
    throw unknownHandlerError(binding, ctx.resources, where);
  });
}

/** What the built-in ETL handlers' outputs depend on besides their code: the sources and how CSV cells are read. */
function etlSalt(sources: NonNullable<ScheduledEtlTask['sources']>, csvValues: ScheduledEtlTask['csvValues']): string {
  try {
    return JSON.stringify([sources, csvValues ?? 'typed']);
  } catch {
    // not JSON (inline records from code): a salt that matches no other run's, so nothing is reused
    return `unkeyed:${Math.random()}`;
  }
}

function isRegistered(context: StageContext, name: string): boolean {
  return context.resources.has('handler', name) || context.resources.has('agent', name);
}

function shapeOf(dag: CompiledDag, context: StageContext): DagShape {
  const dependsOn: Record<string, string[]> = {};
  dag.ids.forEach((id, i) => {
    const deps: string[] = [];
    for (let k = dag.depStart[i]!; k < dag.depStart[i + 1]!; k++) deps.push(dag.ids[dag.depList[k]!]!);
    dependsOn[id] = deps;
  });
  return { name: `${context.pipelineName}.${context.stageId}`, nodes: dag.ids, dependsOn };
}

/** The Prefect-server half (./server/): loaded only for `deployment` tasks and `report.prefect`, so local DAGs never load undici. */
async function loadServer(): Promise<PrefectServerModule> {
  return import('./server/index.js');
}
