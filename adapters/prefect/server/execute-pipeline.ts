import { resolve } from 'node:path';
import { SwitchyardError } from 'switchyard/adapter-kit';
import type { FlowRunExecutor, FlowRunJob, FlowRunOutcome } from './worker.js';

/** The part of HybridOrchestrator the worker needs; the real one is the default. */
export interface PipelineRunner {
  run(pipeline: Record<string, unknown>, options: { input?: unknown; signal?: AbortSignal; runId?: string }): Promise<{ status: string; output?: unknown; error?: { message: string } }>;
}

export interface PipelineExecutorOptions {
  /** Default: a `HybridOrchestrator` with the built-in engines (one per worker). */
  readonly runner?: PipelineRunner;
  /** Default for pipelines deployed without `baseDir`: the worker's working directory. */
  readonly baseDir?: string;
}

/**
 * The worker's default executor: runs the pipeline carried in the flow run's parameters
 * (`{ pipeline, input?, baseDir? }`, as `deployPipeline` stores them) through the hub, with the
 * flow run id as the switchyard run id. `completed` reports COMPLETED; anything else FAILED.
 */
export function pipelineExecutor(options: PipelineExecutorOptions = {}): FlowRunExecutor & { close(): Promise<void> } {
  let runner: Promise<PipelineRunner & { close?(): Promise<void> }> | undefined = options.runner ? Promise.resolve(options.runner) : undefined;
  const getRunner = () => {
    runner ??= import('switchyard/adapter-kit').then(({ HybridOrchestrator }) => new HybridOrchestrator() as unknown as PipelineRunner & { close?(): Promise<void> });
    return runner;
  };
  const execute = async (job: FlowRunJob): Promise<FlowRunOutcome> => {
    const { pipeline, input, baseDir } = job.parameters as { pipeline?: unknown; input?: unknown; baseDir?: unknown };
    if (typeof pipeline !== 'object' || pipeline === null || Array.isArray(pipeline)) {
      throw new SwitchyardError('INVALID_INPUT', `flow run ${job.flowRun.name}: parameters.pipeline: expected a switchyard pipeline object (deploy with \`switchyard deploy FILE\`)`, {
        path: 'parameters.pipeline',
      });
    }
    const doc = { ...(pipeline as Record<string, unknown>) };
    // Relative module paths resolve from where the pipeline was deployed (or the worker's cwd).
    const dir = typeof baseDir === 'string' ? baseDir : (options.baseDir ?? process.cwd());
    if (Array.isArray(doc.modules)) doc.modules = doc.modules.map((m) => (typeof m === 'string' ? resolve(dir, m) : m));
    const hub = await getRunner();
    job.log(`running pipeline ${String(doc.name ?? '')} with switchyard`);
    const result = await hub.run(doc, { input, signal: job.signal, runId: `prefect-${job.flowRun.id}` });
    job.log(`pipeline ${String(doc.name ?? '')} ended ${result.status}`);
    if (result.status === 'completed') return { ok: true, output: result.output };
    return { ok: false, message: `pipeline ended ${result.status}${result.error ? `: ${result.error.message}` : ''}` };
  };
  return Object.assign(execute, {
    async close() {
      if (runner) await (await runner).close?.();
    },
  });
}
