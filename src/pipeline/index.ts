import type { ResourceRegistry } from '../adapter.js';
import { AdapterRegistry, type AdapterSource } from '../registry.js';
import { readPipelineFile } from './load.js';
import { preparePipeline, type PreparedPipeline } from './validate.js';

export { HybridOrchestrator, newRunId } from './orchestrator.js';
export type { HybridOrchestratorOptions, PipelineInput, ResumeOptions, ApproveOptions, RejectOptions } from './orchestrator.js';
export type { PipelineResult, PipelineStatus, StageResult, RunOptions, PendingApproval } from './result.js';
export { pipelineSchema, pipelineFileSchema, stageSchema, parallelGroupSchema, retrySchema, pipelineJsonSchema, custom } from './schema.js';
export type { Pipeline, StageSpec, ParallelGroupSpec, PipelineStep, RetryPolicy, OnFailure, ExpressionScope, InputFn, WhenFn, BuiltinEngineType, CustomEngineType, StageType } from './schema.js';
export type { PreparedPipeline, PreparedStage, PreparedGroup, PreparedStep } from './validate.js';
export { readPipelineFile } from './load.js';
export type { ModuleRegistrar } from './modules.js';

export interface ValidatePipelineOptions {
  /** A registry to resolve types with (default: the built-ins plus `adapters`). */
  readonly registry?: AdapterRegistry;
  readonly adapters?: Readonly<Record<string, AdapterSource>>;
  readonly resources?: ResourceRegistry;
  /** Where `modules:` and relative paths resolve from (default: the working directory). */
  readonly baseDir?: string;
}

/**
 * Validates a pipeline document. Throws one SwitchyardError listing every problem found in `issues` (path, message,
 * expected, got, suggestion); `path`, `expected` and `got` describe the first, and one problem keeps its own message.
 */
export function validatePipeline(doc: unknown, options: ValidatePipelineOptions = {}): Promise<PreparedPipeline> {
  const registry = options.registry ?? new AdapterRegistry(options.adapters ? { adapters: options.adapters } : {});
  return preparePipeline(doc, {
    registry,
    ...(options.resources ? { resources: options.resources } : {}),
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
  });
}

/** Reads a YAML/JSON pipeline file and validates it (modules are loaded from the file's directory). */
export async function loadPipeline(file: string, options: Omit<ValidatePipelineOptions, 'baseDir'> = {}): Promise<PreparedPipeline> {
  const loaded = await readPipelineFile(file);
  const registry = options.registry ?? new AdapterRegistry(options.adapters ? { adapters: options.adapters } : {});
  return preparePipeline(loaded.document, { registry, file: loaded.file, baseDir: loaded.baseDir, ...(options.resources ? { resources: options.resources } : {}) });
}
