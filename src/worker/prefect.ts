import { BUILTIN_PREFECT_SERVER } from '../builtin-adapters.js';
import { pipelineExecutor, type PipelineExecutor } from './pipeline-executor.js';
import type { WorkExecutor, WorkSource } from './source.js';
import { Worker, type WorkerOptions } from './worker.js';

type PrefectServer = Awaited<ReturnType<typeof BUILTIN_PREFECT_SERVER>>;
type PrefectClient = InstanceType<PrefectServer['PrefectClient']>;
type PrefectClientOptions = NonNullable<ConstructorParameters<PrefectServer['PrefectClient']>[0]>;
/** A flow run as the Prefect work source offers it (`item.flowRun` is Prefect's record). */
export type PrefectWorkItem = ReturnType<PrefectServer['prefectWorkSource']> extends WorkSource<infer Item> ? Item : never;

export interface PrefectWorkerOptions extends Omit<WorkerOptions<PrefectWorkItem>, 'source' | 'execute'> {
  /** The work pool to take flow runs from. */
  readonly pool: string;
  /** Default: a client made from `server` (or PREFECT_API_URL and friends), closed by `close()`. */
  readonly client?: PrefectClient;
  /** Server settings for the client made when `client` is not given: `{ url, apiKey, authString, timeoutMs, retries }`. */
  readonly server?: PrefectClientOptions;
  /** Only these queues of the pool; default all of them. */
  readonly workQueues?: readonly string[];
  /** Also claim runs scheduled up to this far ahead (they start on time); default 10 s. */
  readonly prefetchMs?: number;
  /** Default: `pipelineExecutor()`, which runs the pipeline the deployment carries (closed by `close()`). */
  readonly execute?: WorkExecutor<PrefectWorkItem>;
}

/** A worker on a Prefect work pool, with the client it talks through and `close()` for what it created. */
export type PrefectPoolWorker = Worker<PrefectWorkItem> & {
  readonly client: PrefectClient;
  /** Closes the client and the default executor's hub if this call made them. Call after `run()` returned. */
  close(): Promise<void>;
};

/**
 * One call for a Prefect worker: loads the Prefect-server module, makes the client (unless given), the pool's
 * work source and the default executor, and returns the `Worker`.
 *
 * ```ts
 * const worker = await createPrefectWorker({ pool: 'etl', limit: 2 });
 * process.once('SIGTERM', () => void worker.stop());
 * await worker.run();
 * await worker.close();
 * ```
 */
export async function createPrefectWorker(options: PrefectWorkerOptions): Promise<PrefectPoolWorker> {
  const { pool, client: given, server, workQueues, prefetchMs, execute: givenExecute, ...workerOptions } = options;
  const { PrefectClient, prefectWorkSource } = await BUILTIN_PREFECT_SERVER();
  const client = given ?? new PrefectClient(server ?? {});
  const source = prefectWorkSource({ client, pool, ...(workQueues ? { workQueues } : {}), ...(prefetchMs === undefined ? {} : { prefetchMs }) });
  let ownExecutor: PipelineExecutor | undefined;
  const execute = givenExecute ?? (ownExecutor = pipelineExecutor());
  // The default executor's hub knows the run store: its run leases tell a dead worker's flow runs apart.
  const leaseCheck = workerOptions.leaseCheck ?? ownExecutor?.leaseCheck;
  const worker = new Worker<PrefectWorkItem>({ ...workerOptions, source, execute, ...(leaseCheck ? { leaseCheck } : {}) });
  return Object.assign(worker, {
    client,
    async close() {
      try {
        await ownExecutor?.close();
      } finally {
        if (!given) await client.close();
      }
    },
  });
}
