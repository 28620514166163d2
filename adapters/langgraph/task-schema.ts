import { z } from 'zod';
import { isAgentLike } from 'switchyard/adapter-kit';
import type { AgentLike, Handler } from 'switchyard/adapter-kit';

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

/** LangGraph's RetryPolicy with switchyard's `Ms` naming. Applied per node (a node's own `retry` wins). */
export const retrySchema = z
  .object({
    /** Attempts including the first (LangGraph default 3). */
    maxAttempts: z.int().min(1).max(100).optional(),
    /** Delay before the first retry in ms (LangGraph default 500). */
    initialIntervalMs: z.number().min(0).optional(),
    /** Multiplier per retry (LangGraph default 2). */
    backoffFactor: z.number().min(1).optional(),
    /** Cap on the delay in ms (LangGraph default 128000). */
    maxIntervalMs: z.number().min(0).optional(),
    /** Random jitter on the delay (LangGraph default true). */
    jitter: z.boolean().optional(),
  })
  .strict();

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
      /** Per-attempt time limit for this node in ms (LangGraph's node `timeout`). */
      timeoutMs: z.int().positive().optional(),
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
    /** Default per-attempt node time limit in ms. */
    nodeTimeoutMs: z.int().positive().optional(),
    /** Time limit for the whole graph run in ms (in addition to the stage's own timeout). */
    timeoutMs: z.int().positive().optional(),
    /** Default approval question when a node gives none. */
    approvalMessage: z.string().min(1).optional(),
    checkpoint: checkpointSchema.optional(),
  })
  .strict()
  .superRefine((task, ctx) => {
    if ((task.workflow === undefined) === (task.graph === undefined)) {
      ctx.addIssue({ code: 'custom', path: task.workflow ? ['graph'] : ['workflow'], message: 'expected exactly one of `workflow` (a graph spec) or `graph` (a compiled graph or registered graph name)' });
    }
  });

export type LanggraphTask = z.infer<typeof langgraphTaskSchema>;
export type WorkflowSpec = z.infer<typeof workflowSchema>;
export type NodeSpec = z.infer<typeof nodeSpecSchema>;
export type RetrySpec = z.infer<typeof retrySchema>;
export type Binding = z.infer<typeof bindingSchema>;
export type RouteSpec = z.infer<typeof routeSchema>;
export type ShowSpec = NonNullable<z.infer<typeof approveOptions>['show']>;
