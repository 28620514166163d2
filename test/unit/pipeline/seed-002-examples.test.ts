import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPipeline, pipelineFileSchema } from 'switchyard';

const DIR = resolve(import.meta.dirname, '../../../examples/seed-002');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('seed 002 example pipelines', () => {
  it('has every pipeline of seed 002: quick start, patterns 1-3, examples 1-3', () => {
    expect(FILES).toEqual([
      'example-1-cicd-approval.yaml',
      'example-2-document-codegen.yaml',
      'example-3-scheduled-data-pipeline.yaml',
      'pattern-1-document-approval.yaml',
      'pattern-2-rag-routing.yaml',
      'pattern-3-scheduled-multistage.yaml',
      'quick-start.yaml',
    ]);
  });

  for (const file of FILES) {
    it(`${file} matches the pipeline file schema`, () => {
      const result = pipelineFileSchema.safeParse(parse(readFileSync(join(DIR, file), 'utf8')));
      expect(result.success, result.success ? '' : JSON.stringify(result.error.issues)).toBe(true);
    });

    it(`${file} passes full validation with the built-in adapters (tasks, names, modules)`, async () => {
      const prepared = await loadPipeline(join(DIR, file));
      expect(prepared.steps.length).toBeGreaterThanOrEqual(2);
    });
  }
});
