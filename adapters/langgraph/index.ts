/**
 * `switchyard/langgraph`: LangGraph state graphs with checkpoints and human approval.
 * Importing this loads only zod and light helpers; LangGraph itself is imported when a stage runs.
 */
export { createAdapter, threadIdFor, initialState } from './adapter.js';
export type { LanggraphAdapterOptions } from './adapter.js';
export { langgraphTaskSchema, workflowSchema, nodeSpecSchema, retrySchema } from './task-schema.js';
export type { LanggraphTask, WorkflowSpec, NodeSpec, RetrySpec, RouteFunction, GraphLike } from './task-schema.js';
export { planGraph, START_NODE, END_NODE } from './graph-plan.js';
export type { GraphPlan, PlannedNode, PlannedRoute } from './graph-plan.js';
export { CHECKPOINT_URL_ENV, resolveCheckpointTarget } from './checkpointers.js';
export type { CheckpointTarget } from './checkpointers.js';
export { decisionUpdate, normalizeDecision } from './approval.js';
