import { z } from 'zod';
import { markDeprecated, durationMs } from 'switchyard/adapter-kit';

/** A file path or glob, relative to the pipeline's directory unless absolute. */
const docsField = z
  .array(z.string().min(1, 'expected a non-empty path or glob'))
  .min(1, 'expected at least one path or glob');

const indexName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an index name of letters, digits, ".", "_" or "-" (at most 64, no path separators)');

/** Retrieval and answer settings shared by every task. Defaults are applied once, in `resolveSettings`. */
export const retrievalOptionsSchema = z
  .object({
    /** Passages returned per query (default 3). */
    topK: z.number().int().min(1).max(100).optional(),
    /** Chunk size in tokens for LlamaIndex's SentenceSplitter (default 512). */
    chunkSize: z.number().int().min(32).max(8192).optional(),
    /** Overlap between chunks in tokens (default 64). */
    chunkOverlap: z.number().int().min(0).max(2048).optional(),
    /** Token counting for chunk sizes: `fast` (default) estimates, `cl100k` is LlamaIndex's exact BPE tokenizer. */
    tokenizer: z.enum(['fast', 'cl100k']).optional(),
    /** `auto` (default): lexical, plus embeddings and fusion when an endpoint is configured. */
    retriever: z.enum(['auto', 'lexical', 'embedding', 'hybrid']).optional(),
    /** Chat model for this task as `provider:model` (`openai:gpt-4o-mini`, `ollama:qwen2.5`); default from the adapter options or environment. */
    model: z.string().min(1).optional(),
    /** `auto` (default): an LLM answer when a model is configured, else extractive. */
    answer: z.enum(['auto', 'extractive', 'llm']).optional(),
    /** Largest file accepted, in bytes (default 50 MB). */
    maxFileBytes: z.number().int().min(1).optional(),
    /** Extra directories documents may be read from, besides the pipeline's directory. */
    roots: z.array(z.string().min(1)).optional(),
    /** A document that cannot be used (missing, unsupported, unreadable): `warn` (default) reports it and goes on; `fail` fails the stage naming every such file. */
    onProblem: z.enum(['warn', 'fail']).optional(),
    /** CSV cells: `typed` (default) casts numbers and booleans (`"qty": 3`); `strings` keeps every cell as written. */
    csvValues: z.enum(['typed', 'strings']).optional(),
  })
  .strict();

export const documentAnalysisTaskSchema = retrievalOptionsSchema.extend({
  type: z.literal('document_analysis'),
  docs: docsField,
  questions: z.array(z.string().min(1, 'expected a non-empty question')).optional(),
});

export const ragWorkflowTaskSchema = retrievalOptionsSchema
  .extend({
    type: z.literal('rag_workflow'),
    query: z.string().min(1, 'expected a non-empty query'),
    docs: docsField.optional(),
    index: indexName.optional(),
  })
  .strict()
  .refine((task) => task.docs !== undefined || task.index !== undefined, {
    message: 'expected `docs` (paths or globs) or `index` (the name of a persisted index)',
    path: ['docs'],
  });

export const ingestTaskSchema = retrievalOptionsSchema.extend({
  type: z.literal('ingest'),
  docs: docsField,
  index: indexName,
  /** Drop documents of the index that are no longer among `docs` (default true); `false` keeps them. */
  prune: z.boolean().optional(),
});

export const queryTaskSchema = retrievalOptionsSchema.extend({
  type: z.literal('query'),
  index: indexName,
  query: z.string().min(1, 'expected a non-empty query'),
});

/**
 * A user's own `@llamaindex/workflow` workflow run as a stage: `workflow` names a registered 'workflow'
 * resource (or is the descriptor object itself, in code). `input` is the start event's data (default: the stage input).
 */
export const userWorkflowTaskSchema = z
  .object({
    type: z.literal('workflow'),
    workflow: z.union([z.string().min(1), z.custom<object>((value) => typeof value === 'object' && value !== null, 'expected a workflow descriptor object')]),
    input: z.unknown().optional(),
    /** @deprecated The workflow run is the whole stage: use the stage's `timeoutMs`. Still applied for one release. */
    timeoutMs: durationMs().optional(),
  })
  .strict()
  .transform((task) =>
    task.timeoutMs === undefined ? task : markDeprecated(task, 'timeoutMs', `deprecated, use timeoutMs: ${task.timeoutMs} on the stage (it bounds the whole workflow run)`, 'llamaindex.timeoutMs'),
  );

export const llamaindexTaskSchema = z.discriminatedUnion('type', [
  documentAnalysisTaskSchema.strict(),
  ragWorkflowTaskSchema,
  ingestTaskSchema.strict(),
  queryTaskSchema.strict(),
  userWorkflowTaskSchema,
]);

export type RetrievalOptions = z.infer<typeof retrievalOptionsSchema>;
export type DocumentAnalysisTask = z.infer<typeof documentAnalysisTaskSchema>;
export type RagWorkflowTask = z.infer<typeof ragWorkflowTaskSchema>;
export type IngestTask = z.infer<typeof ingestTaskSchema>;
export type QueryTask = z.infer<typeof queryTaskSchema>;
export type UserWorkflowTask = z.infer<typeof userWorkflowTaskSchema>;
export type LlamaindexTask = z.infer<typeof llamaindexTaskSchema>;
