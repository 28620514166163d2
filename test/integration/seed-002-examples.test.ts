import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator } from 'switchyard';

const DIR = resolve(import.meta.dirname, '../../examples/seed-002');
const home = mkdtempSync(join(tmpdir(), 'sy-seed002-'));
const hub = () => new HybridOrchestrator({ home });
const opened: HybridOrchestrator[] = [];
afterAll(async () => {
  for (const h of opened) await h.close();
});
function open(): HybridOrchestrator {
  const h = hub();
  opened.push(h);
  return h;
}

/** The seed 002 pipelines on the real engines; the approval ones are approved from a second orchestrator (as a new process would). */
describe('seed 002 examples run on the real engines', () => {
  it.each([['pattern-2-rag-routing.yaml'], ['pattern-3-scheduled-multistage.yaml'], ['example-2-document-codegen.yaml'], ['example-3-scheduled-data-pipeline.yaml']])('%s completes', async (file) => {
    const result = await open().run(join(DIR, file));
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
  }, 120_000);

  it.each([['quick-start.yaml'], ['pattern-1-document-approval.yaml'], ['example-1-cicd-approval.yaml']])('%s waits for approval, then completes when approved', async (file) => {
    const waiting = await open().run(join(DIR, file));
    expect(waiting.error).toBeUndefined();
    expect(waiting.status).toBe('waiting');
    expect(waiting.pendingApproval?.point).toBe('approve');
    const done = await open().approve(waiting.runId, { by: 'test' });
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
  }, 120_000);

  it('example 2 analyses the seed\'s spec.pdf and requirements.docx and generates code from the operations the PDF names', async () => {
    const result = await open().run(join(DIR, 'example-2-document-codegen.yaml'));
    expect(result.status).toBe('completed');
    const spec = result.stages.find((s) => s.id === 'spec')!.output as { documents: { source: string; pages?: number }[]; summaries: { source: string }[]; problems: unknown[] };
    expect(spec.documents).toEqual([
      { source: 'docs/spec.pdf', chunks: 2, pages: 2 },
      { source: 'docs/requirements.docx', chunks: 1 },
    ]);
    expect(spec.problems).toEqual([]);
    expect(JSON.stringify(spec.summaries)).toContain('Invoices must be immutable once issued.');
    expect(result.output).toMatchObject({ language: 'python', code: expect.stringContaining('def create_invoice(') });
  }, 120_000);

  it('pattern 2 routes to the JWT implementation because the docs say JWT', async () => {
    const result = await open().run(join(DIR, 'pattern-2-rag-routing.yaml'));
    expect(result.output).toMatchObject({ use_jwt: true, auth: 'jwt' });
  }, 120_000);
});
