import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator } from 'switchyard';

const FILE = resolve(import.meta.dirname, '../../examples/quickstart/pipeline.yaml');
const hub = new HybridOrchestrator({ home: mkdtempSync(join(tmpdir(), 'sy-quickstart-')) });
afterAll(() => hub.close());

/** The README's first command runs this pipeline: four engines, offline, on the embedded default. */
describe('the quickstart pipeline', () => {
  it('runs every stage on its engine and routes the high-severity findings to a hotfix', async () => {
    const result = await hub.run(FILE);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(result.stages.map((s) => [s.id, s.type, s.status])).toEqual([
      ['analyze', 'llamaindex', 'completed'],
      ['triage', 'langgraph', 'completed'],
      ['plan', 'agno', 'completed'],
      ['publish', 'prefect', 'completed'],
    ]);
    const analysis = result.stages[0]!.output as { answers: { answer: { mode: string }; passages: { source: string }[] }[] };
    expect(analysis.answers[0]!.answer.mode).toBe('extractive');
    expect(analysis.answers[0]!.passages[0]!.source).toContain('incident-checkout.md');
    expect(result.stages[1]!.output).toMatchObject({ severity: 'high', track: 'hotfix' });
    const decision = result.history.find((entry) => entry.stageId === 'plan' && entry.outcome === 'decision');
    expect(decision?.reasons?.join(' ')).toMatch(/agno/);
    expect(result.output).toMatchObject({ result: { tasks: 3 } });
    expect(String((result.output as { result: { report: string } }).result.report)).toMatch(/^# hotfix plan \(high severity/);
  }, 120_000);
});
