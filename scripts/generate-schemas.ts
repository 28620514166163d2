/**
 * Writes schemas/*.schema.json from the zod schemas (zod is the source of truth).
 * Run: npm run schemas. A unit test fails when a committed file differs from what this produces.
 * To add a schema, add an entry to SCHEMA_ENTRIES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { profileSchema } from '../src/profiles/schema.js';
import { pipelineFileSchema } from '../src/pipeline/schema.js';

export interface SchemaEntry {
  /** File name under schemas/. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly schema: z.ZodType;
}

export const SCHEMA_ENTRIES: readonly SchemaEntry[] = [
  {
    file: 'profile.schema.json',
    title: 'Switchyard orchestrator profile',
    description: 'One orchestrator: capabilities, strengths, overhead, task types for select(), and intents for recommend().',
    schema: profileSchema,
  },
  {
    file: 'pipeline.schema.json',
    title: 'Switchyard pipeline',
    description: 'A pipeline file: stages routed to orchestration engines (agno, langgraph, llamaindex, prefect, or auto), with policies. Each stage task is validated by its adapter.',
    schema: pipelineFileSchema,
  },
];

export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

/** File name -> JSON text, exactly as committed. */
export function renderSchemas(entries: readonly SchemaEntry[] = SCHEMA_ENTRIES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    // Files are what users write, so describe the input side (fields with defaults are optional).
    const json = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
    const { $schema, ...rest } = json;
    out[entry.file] = `${JSON.stringify({ $schema, title: entry.title, description: entry.description, ...rest }, null, 2)}\n`;
  }
  return out;
}

export function writeSchemas(dir = SCHEMAS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of Object.entries(renderSchemas())) {
    writeFileSync(`${dir}${file}`, text);
    written.push(file);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of writeSchemas()) process.stdout.write(`wrote schemas/${file}\n`);
}
