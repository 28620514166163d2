import { z } from 'zod';
import { markDeprecated, durationMs } from 'switchyard/adapter-kit';

/**
 * Task and option shapes for the Prefect-server half of the prefect adapter. zod only: validating a
 * pipeline never loads undici. `adapters/prefect/task-schema.ts` re-uses these.
 */

/** Where the Prefect API is and how to sign in; each field falls back to the Prefect environment variable. */
export const serverOptionsSchema = z
  .object({
    /** API base URL including `/api`, e.g. `http://127.0.0.1:4200/api`; default `PREFECT_API_URL`. */
    url: z.string().url().optional(),
    /** Bearer key (Prefect Cloud); default `PREFECT_API_KEY`. */
    apiKey: z.string().min(1).optional(),
    /** `user:password` for a server started with basic auth; default `PREFECT_API_AUTH_STRING`. */
    authString: z.string().min(1).optional(),
    /** Per-request timeout; default 30 s. */
    timeoutMs: durationMs().optional(),
    /** Retries on 408, 429, 502, 503 and dropped connections; default 5. */
    retries: z.number().int().min(0).max(20).optional(),
  })
  .strict();

/** `report: { prefect: true }` or `report: { prefect: { url, flowName, tags } }` on a DAG task. */
export const reportOptionsSchema = serverOptionsSchema
  .extend({
    /** Flow name in Prefect; default the pipeline name. */
    flowName: z.string().min(1).optional(),
    /** Flow run name; default `<pipeline>-<runId>`. */
    flowRunName: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).optional(),
    /** Also send node failures and retries as Prefect logs; default true. */
    logs: z.boolean().optional(),
    /** Reporting requests in flight at once; default 1 (right for a SQLite-backed server; raise for PostgreSQL). */
    concurrency: z.number().int().min(1).max(32).optional(),
  })
  .strict();

export const reportSchema = z
  .object({
    prefect: z.union([z.literal(true), reportOptionsSchema]),
  })
  .strict();

/** Trigger an existing Prefect deployment (with parameters) and, by default, wait for its final state. */
export const deploymentTaskSchema = z
  .object({
    type: z.literal('deployment'),
    deployment: z.string().regex(/^[^/]+\/[^/]+$/, 'expected "flow-name/deployment-name"'),
    parameters: z.record(z.string(), z.unknown()).optional(),
    /** Wait for a final state (default true); `false` returns as soon as the flow run is created. */
    wait: z.boolean().optional(),
    /**
     * @deprecated Waiting is the whole stage: use the stage's `timeoutMs` (it cancels the flow run the same way).
     * Still applied for one release: give up waiting after this long, cancelling the flow run.
     */
    timeoutMs: durationMs().optional(),
    /** How often to read the flow run's state while waiting; default 1000 ms. */
    pollMs: durationMs(50).optional(),
    /** Flow run name; default Prefect's generated one. */
    flowRunName: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).optional(),
    server: serverOptionsSchema.optional(),
  })
  .strict()
  .transform((task) =>
    task.timeoutMs === undefined ? task : markDeprecated(task, 'timeoutMs', `deprecated, use timeoutMs: ${task.timeoutMs} on the stage (it cancels the flow run the same way)`, 'prefect.deployment.timeoutMs'),
  );

export type ServerOptions = z.infer<typeof serverOptionsSchema>;
export type ReportOptions = z.infer<typeof reportOptionsSchema>;
export type ReportOption = z.infer<typeof reportSchema>;
export type DeploymentTask = z.infer<typeof deploymentTaskSchema>;
