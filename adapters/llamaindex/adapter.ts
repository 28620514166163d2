import { defineAdapter, type OrchestratorAdapter, type StageContext } from 'switchyard/adapter-kit';
import { unknownWorkflowError } from './user-workflow.js';
import { llamaindexTaskSchema, type LlamaindexTask } from './task-schema.js';
import type { LlamaindexAdapterOptions } from './settings.js';

/**
 * The `llamaindex` adapter: document analysis, RAG, ingest and query as `@llamaindex/workflow` workflows,
 * and users' own workflows as stages. This module imports only zod-level files; the engine loads in `execute`.
 */
export function createAdapter(options: LlamaindexAdapterOptions = {}): OrchestratorAdapter<LlamaindexTask, unknown> {
  return defineAdapter<LlamaindexTask, unknown>({
    type: 'llamaindex',
    taskSchema: llamaindexTaskSchema,
    async execute(task: LlamaindexTask, context: StageContext) {
      context.signal.throwIfAborted();
      const { executeTask } = await import('./execute.js');
      return executeTask(task, context, options);
    },
    validate(task, ctx) {
      if (task.type === 'workflow' && typeof task.workflow === 'string' && !ctx.resources.has('workflow', task.workflow)) {
        throw unknownWorkflowError(`${ctx.path}.workflow`, task.workflow, ctx.resources);
      }
    },
    async health() {
      return { ok: true, detail: 'offline lexical retrieval and extractive answers are always available' };
    },
  });
}
