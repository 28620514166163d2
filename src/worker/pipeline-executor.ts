import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SwitchyardError } from '../errors.js';
import { HybridOrchestrator } from '../pipeline/orchestrator.js';
import type { RunOptions } from '../pipeline/result.js';
import type { RunStore } from '../store/types.js';
import type { LeaseCheck, WorkExecutor, WorkItem, WorkJob, WorkOutcome } from './source.js';

type RunnerResult = { status: string; output?: unknown; error?: { message: string } };

/** The part of HybridOrchestrator the executor needs (a `HybridOrchestrator` is one); the real one is the default. */
export interface PipelineRunner {
  run(pipeline: Record<string, unknown>, options: Pick<RunOptions, 'input' | 'signal' | 'runId'>): Promise<RunnerResult>;
  /** With `store`: a retried item whose run is in the store continues it (completed stages are not run again). */
  resume?(runId: string, options: { signal?: AbortSignal }): Promise<RunnerResult>;
  store?(): Promise<RunStore>;
}

export interface PipelineExecutorOptions {
  /** Default: a `HybridOrchestrator` with the built-in engines (one per executor, made on the first job). */
  readonly runner?: PipelineRunner;
  /** Default for pipelines deployed without `baseDir`: the worker's working directory. */
  readonly baseDir?: string;
}

/**
 * An executor that holds a hub: `close()` closes the default one (a runner you passed is yours to close);
 * `leaseCheck` is the worker's lease check over the hub's run store (see `leaseCheckOf`).
 */
export type PipelineExecutor = WorkExecutor<WorkItem> & { close(): Promise<void>; readonly leaseCheck: LeaseCheck };

/**
 * The worker's default executor: runs the pipeline carried in the item's parameters
 * (`{ pipeline, input?, baseDir? }`, as `deployPipeline` stores them) through the hub, with the item's
 * `runId` (`prefect-<flow run id>` for Prefect) as the switchyard run id. `completed` reports COMPLETED;
 * anything else FAILED.
 */
export function pipelineExecutor(options: PipelineExecutorOptions = {}): PipelineExecutor {
  let owned: HybridOrchestrator | undefined;
  const getRunner = (): PipelineRunner => {
    if (options.runner) return options.runner;
    owned ??= new HybridOrchestrator();
    return owned;
  };
  const execute = async (job: WorkJob<WorkItem>): Promise<WorkOutcome> => {
    const { pipeline, input, baseDir, moduleHashes } = job.parameters as { pipeline?: unknown; input?: unknown; baseDir?: unknown; moduleHashes?: unknown };
    if (typeof pipeline !== 'object' || pipeline === null || Array.isArray(pipeline)) {
      throw new SwitchyardError('INVALID_INPUT', `${job.item.label}: parameters.pipeline: expected a switchyard pipeline object (deploy with \`switchyard deploy FILE\`)`, {
        path: 'parameters.pipeline',
      });
    }
    const doc = { ...(pipeline as Record<string, unknown>) };
    // Relative module paths resolve from where the pipeline was deployed (or the worker's cwd).
    const dir = typeof baseDir === 'string' ? baseDir : (options.baseDir ?? process.cwd());
    // The code the deployment recorded, or nothing: a worker never runs a module that differs from the deployed one.
    const mismatch = await checkModuleHashes(doc.modules, moduleHashes, dir);
    if (mismatch) {
      job.log(mismatch, 'error');
      return { ok: false, message: mismatch };
    }
    if (Array.isArray(doc.modules)) doc.modules = doc.modules.map((m) => (typeof m === 'string' ? resolve(dir, m) : m));
    const hub = getRunner();
    const runId = job.item.runId ?? `work-${job.item.id}`;
    // A retry (its worker crashed, or it failed) finds its run in the shared store: continue it, never start over.
    const existing = hub.resume && hub.store ? await (await hub.store()).getRun(runId) : undefined;
    if (existing?.status === 'completed') {
      job.log(`run ${runId} had already completed; reporting its output`);
      return { ok: true, output: existing.output };
    }
    job.log(existing ? `resuming run ${runId} (${existing.status}) with switchyard` : `running pipeline ${String(doc.name ?? '')} with switchyard`);
    const result = existing && hub.resume ? await hub.resume(runId, { signal: job.signal }) : await hub.run(doc, { input, signal: job.signal, runId });
    job.log(`pipeline ${String(doc.name ?? '')} ended ${result.status}`);
    if (result.status === 'completed') return { ok: true, output: result.output };
    return { ok: false, message: `pipeline ended ${result.status}${result.error ? `: ${result.error.message}` : ''}` };
  };
  return Object.assign(execute, {
    leaseCheck: leaseCheckOf(async () => {
      const hub = getRunner();
      return hub.store ? hub.store() : undefined;
    }),
    async close() {
      const hub = owned;
      owned = undefined;
      await hub?.close();
    },
  });
}

/**
 * Compares each `modules:` file on this machine with the sha256 the deployment recorded (`moduleHashes`, keyed by the
 * entry as written). Returns the first difference as a message naming the file and both hashes, or undefined when all
 * match (or the deployment recorded none).
 */
export async function checkModuleHashes(modules: unknown, recorded: unknown, baseDir: string): Promise<string | undefined> {
  if (typeof recorded !== 'object' || recorded === null || !Array.isArray(modules)) return undefined;
  const hashes = recorded as Record<string, unknown>;
  for (const [i, spec] of modules.entries()) {
    if (typeof spec !== 'string' || typeof hashes[spec] !== 'string') continue;
    const want = hashes[spec];
    const file = resolve(baseDir, spec);
    let have: string;
    try {
      have = `sha256:${createHash('sha256').update(await readFile(file)).digest('hex')}`;
    } catch {
      have = 'missing';
    }
    if (have !== want) {
      return `modules[${i}] ${spec} (${file}): the deployment has ${want}, this worker has ${have === 'missing' ? 'no such file' : have}; ship the deployed files to the worker (or deploy again) so both run the same code`;
    }
  }
  return undefined;
}

/**
 * The lease check over a run store: an item running elsewhere has lost its worker when its switchyard run is
 * `running` with an owner but no live lease (the hub renews the lease every ttl/3 while the run is going, so a
 * lapse means its process is gone), when the run ended but the item was never finished (its worker died in between),
 * or when no run record appeared within `graceMs` of the item's start (its worker died before the run began).
 */
export function leaseCheckOf(getStore: () => Promise<RunStore | undefined>, graceMs = 60_000): LeaseCheck {
  return async (item) => {
    const store = await getStore();
    if (!store || !item.runId) return undefined;
    // One query for the common case: a live lease means its worker is there.
    if (await store.getLease(item.runId)) return undefined;
    const run = await store.getRun(item.runId);
    if (!run) {
      const started = item.startedAt ? Date.parse(item.startedAt) : Number.NaN;
      return Number.isFinite(started) && Date.now() - started > graceMs ? `no run ${item.runId} in the store ${Math.round((Date.now() - started) / 1000)} s after it started` : undefined;
    }
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted') {
      // its worker reports it a moment after the run ends: only a run that ended a grace period ago was left behind
      const ended = Date.parse(run.updatedAt);
      return Number.isFinite(ended) && Date.now() - ended > graceMs ? `run ${item.runId} is ${run.status} but its worker never reported it` : undefined;
    }
    const owner = (run as { owner?: unknown }).owner;
    if (run.status !== 'running' || typeof owner !== 'string') return undefined;
    return `the lease of run ${item.runId} (held by ${owner}) lapsed`;
  };
}
