import { z } from 'zod';
import { describeRetry, isAgentLike, markDeprecated, retrySchema as sharedRetrySchema, durationMs } from 'switchyard/adapter-kit';
import type { AgentLike, Handler, RetryPolicy } from 'switchyard/adapter-kit';

/** A route in code: gets the graph state, returns the next node's name or `'end'`. */
export type RouteFunction = (state: Record<string, unknown>) => string | Promise<string>;

/** Something LangGraph can run: a compiled graph (`invoke`/`stream`/`getState`) or an uncompiled `StateGraph` (`compile`). */
export interface GraphLike {
  readonly [key: string]: unknown;
}

const name = z.string().min(1, 'expected a non-empty name');

const functionSchema = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', { message: `expected ${what}` });

/** A function, an AgentLike (agno's Agent, FunctionAgent, Team) or a registered handler/agent name. */
export const bindingSchema = z.union([
  name,
  functionSchema<Handler>('a handler function'),
  z.custom<AgentLike>((value) => isAgentLike(value), { message: 'expected an agent with name and run()' }),
]);

/**
 * A node's retry: the one shape every engine takes, `{ attempts, backoff, minDelayMs, maxDelayMs, factor, jitter, on }`,
 * mapped onto LangGraph's RetryPolicy. Applied per node (a node's own `retry` wins over the task's).
 * Deprecated for one release, translated with a warning: LangGraph's own names `{ maxAttempts, initialIntervalMs,
 * backoffFactor, maxIntervalMs }` (= `{ attempts, minDelayMs, factor, maxDelayMs }`).
 */
export const retrySchema = sharedRetrySchema
  .extend({
    /** @deprecated `attempts`. */
    maxAttempts: z.int().min(1).max(100).optional(),
    /** @deprecated `minDelayMs`. */
    initialIntervalMs: durationMs(0).optional(),
    /** @deprecated `factor`. */
    backoffFactor: z.number().min(1).optional(),
    /** @deprecated `maxDelayMs`. */
    maxIntervalMs: durationMs(0).optional(),
  })
  .transform(({ maxAttempts, initialIntervalMs, backoffFactor, maxIntervalMs, ...policy }): RetryPolicy => {
    if (maxAttempts === undefined && initialIntervalMs === undefined && backoffFactor === undefined && maxIntervalMs === undefined) return policy;
    const translated: RetryPolicy = {
      ...(maxAttempts === undefined ? {} : { attempts: maxAttempts }),
      ...(initialIntervalMs === undefined ? {} : { minDelayMs: Math.round(initialIntervalMs) }),
      ...(backoffFactor === undefined ? {} : { factor: backoffFactor }),
      ...(maxIntervalMs === undefined ? {} : { maxDelayMs: Math.round(maxIntervalMs) }),
      ...policy,
    };
    return markDeprecated(translated, '', `deprecated, use retry: ${describeRetry(translated)}`, 'langgraph.retry');
  });

export const routeSchema = z.union([
  z.string().min(1, 'expected a JSONata expression naming the next node or "end"'),
  functionSchema<RouteFunction>('a route function or a JSONata expression'),
]);

const approveOptions = z
  .object({
    /** What the approver is asked (default: `Approve <node>?`). */
    message: z.string().min(1).optional(),
    /** What the approver sees: a function of the state, or a JSONata expression on it (default: the whole state). */
    show: z.union([z.string().min(1), functionSchema<(state: Record<string, unknown>) => unknown>('a function or a JSONata expression')]).optional(),
  })
  .strict();

export const nodeSpecSchema = z.union([
  name,
  z
    .object({
      name,
      handler: bindingSchema.optional(),
      /** Marks the node as an approval point: it interrupts the graph until a human decides. */
      approve: z.union([z.boolean(), approveOptions]).optional(),
      retry: retrySchema.optional(),
      /** Per-attempt time limit for this node in ms (LangGraph's node `timeout`), inside the stage's own `timeoutMs`. */
      timeoutMs: durationMs().optional(),
    })
    .strict(),
]);

export const edgeSchema = z.union([
  z.tuple([name, name]),
  z.object({ from: name, to: name }).strict(),
]);

export const workflowSchema = z
  .object({
    nodes: z.array(nodeSpecSchema).min(1, 'expected at least one node'),
    /** Explicit edges; `start`/`end` name the graph's entry and exit. Without them nodes are joined in list order. */
    edges: z.array(edgeSchema).optional(),
    /** node -> route (a function in code, a JSONata expression on the state in files). */
    conditional: z.record(z.string(), routeSchema).optional(),
    /** Names of approval nodes (a node named `approve` is one too). */
    approve: z.array(name).optional(),
  })
  .strict();

export const checkpointSchema = z
  .object({
    /** `postgres://...` for PostgreSQL, or a SQLite file path; default `<home>/checkpoints.sqlite` or `SWITCHYARD_CHECKPOINT_URL`. */
    url: z.string().min(1).optional(),
    /** Overrides the thread id (default `<runId>:<stageId>`). */
    threadId: z.string().min(1).optional(),
  })
  .strict();

export const langgraphTaskSchema = z
  .object({
    description: z.string().optional(),
    workflow: workflowSchema.optional(),
    /** A compiled graph (or an uncompiled StateGraph) in code, or the name of a registered `graph` resource. */
    graph: z.union([name, z.custom<GraphLike>((value) => typeof value === 'object' && value !== null, { message: 'expected a LangGraph graph object or a registered graph name' })]).optional(),
    /** Initial state, merged over the stage input. */
    input: z.record(z.string(), z.unknown()).optional(),
    /** node -> handler binding. */
    handlers: z.record(z.string(), bindingSchema).optional(),
    /** LangGraph's recursionLimit (max super-steps; default 25). */
    recursionLimit: z.int().min(1).max(100_000).optional(),
    /** Default retry policy for every node. */
    retry: retrySchema.optional(),
    /** Default per-attempt node time limit in ms (a node's own `timeoutMs` wins), inside the stage's own `timeoutMs`. */
    nodeTimeoutMs: durationMs().optional(),
    /** @deprecated The whole graph run is the stage: use the stage's `timeoutMs`. Still applied for one release. */
    timeoutMs: durationMs().optional(),
    /** Default approval question when a node gives none. */
    approvalMessage: z.string().min(1).optional(),
    checkpoint: checkpointSchema.optional(),
  })
  .strict()
  .superRefine((task, ctx) => {
    if ((task.workflow === undefined) === (task.graph === undefined)) {
      ctx.addIssue({ code: 'custom', path: task.workflow ? ['graph'] : ['workflow'], message: 'expected exactly one of `workflow` (a graph spec) or `graph` (a compiled graph or registered graph name)' });
    }
  })
  .transform((task) =>
    task.timeoutMs === undefined ? task : markDeprecated(task, 'timeoutMs', `deprecated, use timeoutMs: ${task.timeoutMs} on the stage (it bounds the whole graph run)`, 'langgraph.timeoutMs'),
  );

export type LanggraphTask = z.infer<typeof langgraphTaskSchema>;
export type WorkflowSpec = z.infer<typeof workflowSchema>;
export type NodeSpec = z.infer<typeof nodeSpecSchema>;
/** A parsed retry: always the shared shape (old spellings are translated when parsed). */
export type RetrySpec = RetryPolicy;
export type Binding = z.infer<typeof bindingSchema>;
export type RouteSpec = z.infer<typeof routeSchema>;
export type ShowSpec = NonNullable<z.infer<typeof approveOptions>['show']>;
