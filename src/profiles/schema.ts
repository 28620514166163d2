import { z } from 'zod';

/** An orchestrator type id: lower case, used in pipelines (`type: llamaindex`) and on the CLI. */
export const orchestratorTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id such as "temporal" (letters, digits, "_" and "-")')
  .describe('The orchestrator type id, e.g. "llamaindex"; must match the file name.');

const weightsSchema = z.record(z.string().min(1), z.number().positive().max(10));
const texts = z.array(z.string().min(1));

/** One thing a user may describe that this engine is good at; the recommender scores these. */
export const intentSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a kebab-case id').describe('Stable kebab-case id, e.g. "document-analysis".'),
  label: z.string().min(1).describe('Short label used in reasons and plans, e.g. "analyze documents".'),
  terms: weightsSchema.default({}).describe('Single words (any inflection; stemmed at load) and their weights (0-10].'),
  phrases: weightsSchema.default({}).describe('Multi-word phrases and their weights; matched as consecutive stemmed words.'),
  examples: texts.default([]).describe("Example descriptions; words found only in this engine's examples add a small weight."),
});

export const overheadSchema = z.strictObject({
  setupTime: z.string().min(1).describe('As seed 002 states it, e.g. "<10ms", "50-100ms".'),
  setupMs: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).describe('The setup time as [min, max] milliseconds.'),
  runtime: z.enum(['fast', 'medium', 'slow']),
  overhead: z.enum(['lowest', 'low', 'medium', 'high', 'highest']),
  note: z.string().optional().describe('Where the overhead comes from, e.g. "checkpointing".'),
});

export const guideEntrySchema = z.strictObject({
  task: z.string().min(1).describe('The quick-reference task, e.g. "RAG pipeline".'),
  rank: z.number().int().nonnegative().describe('Position in the quick-reference guide (ascending).'),
});

export const selectionSchema = z.strictObject({
  taskTypes: texts.default([]).describe('Task types that pick this engine in select() (case-insensitive; "-" and " " read as "_").'),
  default: z.boolean().default(false).describe('The engine chosen when nothing more specific applies; at most one profile sets it.'),
});

/** One orchestrator's profile: the data the selector, the recommender and the guide work from. */
export const profileSchema = z.strictObject({
  $schema: z.string().optional(),
  type: orchestratorTypeSchema,
  name: z.string().min(1).describe('Display name, e.g. "LlamaIndex".'),
  summary: z.string().min(1).describe('What it is best at, one line (seed 002 overview "Best For").'),
  complexity: z.enum(['low', 'medium', 'high']),
  stateful: z.boolean().describe('Persists state across steps and recovers (answers requiresState).'),
  routing: z.boolean().describe('Routes conditionally between steps (answers requiresRouting).'),
  scheduling: z.boolean().describe('Runs on a schedule (answers requiresScheduling).'),
  strengths: texts,
  weaknesses: texts,
  bestFor: texts,
  useFor: texts.default([]).describe('Seed 002 decision tree "Use for" list.'),
  avoidFor: texts.default([]).describe('Seed 002 decision tree "Avoid for" list.'),
  overhead: overheadSchema,
  selection: selectionSchema.default({ taskTypes: [], default: false }),
  guide: z.array(guideEntrySchema).default([]).describe('Quick-reference entries this engine answers.'),
  intents: z.array(intentSchema).default([]).describe('What the recommender matches in a description.'),
});

export type OrchestratorProfile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileIntent = z.infer<typeof intentSchema>;
export type ProfileOverhead = z.infer<typeof overheadSchema>;
export type GuideEntry = z.infer<typeof guideEntrySchema>;
