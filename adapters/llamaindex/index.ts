/**
 * `switchyard/llamaindex`: RAG workflows and document analysis on LlamaIndex.
 * Every import of `llamaindex` and `@llamaindex/workflow` stays inside this folder (the packages are deprecated upstream and pinned).
 */
export { createAdapter } from './adapter.js';
export { llamaindexTaskSchema } from './task-schema.js';
export type { LlamaindexTask, DocumentAnalysisTask, RagWorkflowTask, IngestTask, QueryTask, UserWorkflowTask, RetrievalOptions } from './task-schema.js';
export type { LlamaindexAdapterOptions, EndpointConfig, EmbeddingPrefixes } from './settings.js';
export type { ChatModelSetting } from './chat-model.js';
export { defineWorkflow, isWorkflowDescriptor, isLazyWorkflow } from './user-workflow.js';
export type { WorkflowDescriptor, LazyWorkflow, WorkflowKit, SwitchyardWorkflowContext, SwitchyardWorkflowExtras } from './user-workflow.js';
export type { Answer, Citation } from './answer.js';
export type { Passage } from './corpus.js';
export type { DocumentSummary } from './summarize.js';
export { evaluateRetrieval, evaluateRetrievers } from './evaluate.js';
export type { LabeledQuestion, EvaluationResult } from './evaluate.js';
export { openIndex } from './open-index.js';
export type { OpenedIndex } from './open-index.js';
export { createLlamaIndexBaseline, hashedTermVector } from './baseline.js';
export type { LlamaIndexBaseline } from './baseline.js';
export { clearIndexCache } from './index-store.js';
