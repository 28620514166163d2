import { z } from 'zod';
import { describeRetry, isAgentLike, markDeprecated, retrySchema as retrySchema_, durationMs } from 'switchyard/adapter-kit';
import type { AgentLike, Handler, RetryPolicy } from 'switchyard/adapter-kit';
import { deploymentTaskSchema, reportSchema } from './server/schema.js';

/**
 * The prefect adapter's task shapes. Imports only zod and light core files: validating a
 * pipeline never loads bree, undici or anything else heavy.
 *
 * - DAG:        `{ workflow: { nodes: ["extract", "transform"] } }` (seed 002) or rich nodes with `dependsOn`
 * - ETL:        `{ type: "scheduled_etl", schedule: "0 2 * * *", sources: [...] }` (seed 002)
 * - deployment: `{ type: "deployment", deployment: "flow/deployment" }` (Prefect server; see ./server/)
 */

const nodeId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'expected a node id of letters, digits, _ . : -');

/** A node's handler: a registered handler or agent name, a function, or an agent (`{ name, run }`). */
export const handlerBindingSchema = z.union([
  z.string().min(1),
  z.custom<Handler>((value) => typeof value === 'function', 'expected a function'),
  z.custom<AgentLike>((value) => isAgentLike(value), 'expected an agent with name and run()'),
]);

/**
 * A node's retry: the one shape every engine takes, `{ attempts, backoff, minDelayMs, maxDelayMs, factor, jitter, on }`.
 * Deprecated for one release, translated with a warning: a number of retries (`retry: 3` = `{ attempts: 4 }`)
 * and `{ retries, minTimeoutMs, maxTimeoutMs }` (= `{ attempts: retries + 1, minDelayMs, maxDelayMs }`).
 */
export const retrySchema = z.union([
  retrySchema_
    .extend({
      /** @deprecated `attempts` (retries + 1). */
      retries: z.number().int().min(0).max(100).optional(),
      /** @deprecated `minDelayMs`. */
      minTimeoutMs: durationMs(0).optional(),
      /** @deprecated `maxDelayMs`. */
      maxTimeoutMs: durationMs(0).optional(),
    })
    .transform(({ retries, minTimeoutMs, maxTimeoutMs, ...policy }): RetryPolicy => {
      if (retries === undefined && minTimeoutMs === undefined && maxTimeoutMs === undefined) return policy;
      const translated: RetryPolicy = {
        ...(retries === undefined ? {} : { attempts: retries + 1 }),
        ...(minTimeoutMs === undefined ? {} : { minDelayMs: minTimeoutMs }),
        ...(maxTimeoutMs === undefined ? {} : { maxDelayMs: maxTimeoutMs }),
        ...policy,
      };
      return markDeprecated(translated, '', `deprecated, use retry: ${describeRetry(translated)}`, 'prefect.retry');
    }),
  z
    .number()
    .int()
    .min(0)
    .max(100)
    .transform((retries): RetryPolicy => markDeprecated({ attempts: retries + 1 }, '', `deprecated, use retry: { attempts: ${retries + 1} }`, 'prefect.retry')),
]);

export const dagNodeObjectSchema = z
  .object({
    id: nodeId,
    /** Default: the handler or agent registered under the node's id. */
    handler: handlerBindingSchema.optional(),
    /** Ids of nodes whose outputs this node needs. Without `dependsOn` on any node, list order is a chain. */
    dependsOn: z.array(nodeId).optional(),
    retry: retrySchema.optional(),
    /** Per-attempt time limit of this node, inside the stage's own `timeoutMs`. */
    timeoutMs: durationMs().optional(),
  })
  .strict();

export const dagNodeSchema = z.union([nodeId, dagNodeObjectSchema]);

export const workflowSchema = z
  .object({
    nodes: z.array(dagNodeSchema).min(1),
    /** Most nodes running at once; default 16. */
    concurrency: z.number().int().positive().optional(),
    /** Default retry for every node without its own. */
    retry: retrySchema.optional(),
    /** Default per-node timeout (each attempt of each node), inside the stage's own `timeoutMs`. */
    timeoutMs: durationMs().optional(),
    /** `continue` (default, like Prefect): independent branches keep running after a failure; `stop`: start nothing new. */
    onNodeFailure: z.enum(['continue', 'stop']).optional(),
  })
  .strict();

// ---- Prefect-server variants: defined in ./server/schema.ts (zod only), owned by the server half. ----
// `{ type: 'deployment', deployment: 'flow/deployment', parameters?, wait? }` and `report?: { prefect: ... }`.
export { deploymentTaskSchema, reportSchema };

// ---- local engine ----

export const dagTaskSchema = z
  .object({
    type: z.literal('dag').optional(),
    workflow: workflowSchema,
    /** Stage input override; default the stage's input. */
    input: z.unknown().optional(),
    report: reportSchema.optional(),
  })
  .strict();

export const etlSourceSchema = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1).optional(),
      /** A file (JSON, JSONL, CSV or text) relative to the pipeline file. */
      path: z.string().min(1).optional(),
      /** Inline records. */
      records: z.array(z.unknown()).optional(),
    })
    .strict()
    .refine((source) => (source.path === undefined) !== (source.records === undefined), 'expected exactly one of path or records'),
]);

export const scheduledEtlTaskSchema = z
  .object({
    type: z.literal('scheduled_etl'),
    /** Cron expression (5 fields, or 6 with seconds), e.g. "0 2 * * *" for 2 AM daily. */
    schedule: z.string().min(1),
    /** IANA time zone for the cron expression; default UTC. */
    timezone: z.string().min(1).optional(),
    sources: z.array(etlSourceSchema).optional(),
    /** CSV sources: `typed` (default) casts numbers and booleans that read back exactly as written; `strings` keeps every cell as written. */
    csvValues: z.enum(['typed', 'strings']).optional(),
    /** ETL nodes; default `extract -> transform -> load -> verify` with built-in fallbacks for unregistered names. */
    nodes: z.array(dagNodeSchema).min(1).optional(),
    concurrency: z.number().int().positive().optional(),
    /** Default retry for every node without its own. */
    retry: retrySchema.optional(),
    /** Default per-node timeout (each attempt of each node), inside the stage's own `timeoutMs`. */
    timeoutMs: durationMs().optional(),
    /** Register the schedule in the run store when the stage runs (default true; file pipelines only). */
    register: z.boolean().optional(),
    overlap: z.enum(['skip', 'allow']).optional(),
    missed: z.enum(['skip', 'run-once']).optional(),
    input: z.unknown().optional(),
    report: reportSchema.optional(),
  })
  .strict();

export const prefectTaskSchema = z.union([dagTaskSchema, scheduledEtlTaskSchema, deploymentTaskSchema]);

/** A parsed retry: always the shared shape (old spellings are translated when parsed). */
export type RetryOption = RetryPolicy;
export type DagNodeSpec = z.infer<typeof dagNodeSchema>;
export type DagNodeObject = z.infer<typeof dagNodeObjectSchema>;
export type WorkflowSpec = z.infer<typeof workflowSchema>;
export type DagTask = z.infer<typeof dagTaskSchema>;
export type ScheduledEtlTask = z.infer<typeof scheduledEtlTaskSchema>;
export type EtlSource = z.infer<typeof etlSourceSchema>;
export type DeploymentTask = z.infer<typeof deploymentTaskSchema>;
export type ReportOption = z.infer<typeof reportSchema>;
export type PrefectTask = z.infer<typeof prefectTaskSchema>;

/** Seed 002's ETL chain: a `scheduled_etl` stage without `nodes` runs these in order (built-in handlers unless registered). */
export const DEFAULT_ETL_NODES = ['extract', 'transform', 'load', 'verify'] as const satisfies readonly DagNodeSpec[];
