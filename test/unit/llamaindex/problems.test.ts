import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HybridOrchestrator, MemoryRunStore, ProgressSink } from 'switchyard';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempDir } from '../../helpers/llamaindex.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A document that cannot be used is an engine event (terminal display, event log), and `onProblem: fail` fails the stage. */
describe('llamaindex document problems are visible', () => {
  let base: string;
  beforeAll(async () => {
    base = await tempDir();
    await mkdir(join(base, 'docs'));
    await writeFile(join(base, 'docs/notes.txt'), 'The lighthouse keeper logs the weather every morning at six.');
    await writeFile(join(base, 'docs/scan.png'), 'not a document');
    await writeFile(join(base, 'docs/broken.json'), '{ not json');
  });
  const adapter = createAdapter({ embeddings: false, llm: false });
  const task = (extra: object = {}) => adapter.taskSchema.parse({ type: 'document_analysis', docs: ['docs/notes.txt', 'docs/scan.png', 'docs/broken.json', 'docs/gone.md'], questions: ['When does the keeper log the weather?'], ...extra });

  it('emits one load.problem event per file, and the stage still answers from the rest (onProblem: warn, the default)', async () => {
    const ctx = createTestContext({ baseDir: base, home: join(base, '.switchyard') });
    const out = (await adapter.execute(task(), ctx)) as Out;
    expect(out.answers[0].passages[0].source).toBe('docs/notes.txt');
    const problems = ctx.events.filter((e) => e.kind === 'load.problem');
    expect(problems.map((e) => e.data)).toEqual([
      { file: 'docs/gone.md', code: 'NOT_FOUND', level: 'warning' },
      { file: 'docs/scan.png', code: 'UNSUPPORTED', level: 'warning' },
      { file: 'docs/broken.json', code: 'UNREADABLE', level: 'warning' },
    ]);
    expect(problems[1]!.message).toMatch(/^skipped docs\/scan\.png: unsupported file type/);
    expect(out.problems.map((p: Out) => p.file)).toEqual(['docs/gone.md', 'docs/scan.png', 'docs/broken.json']);
  });

  it('onProblem: fail fails the stage naming every file that could not be used', async () => {
    const ctx = createTestContext({ baseDir: base, home: join(base, '.switchyard') });
    const failure = adapter.execute(task({ onProblem: 'fail' }), ctx);
    await expect(failure).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^task\.docs: 3 document\(s\) could not be used \(onProblem: fail\): docs\/gone\.md: no such file; docs\/scan\.png: unsupported file type .*; docs\/broken\.json: could not parse as json/),
      details: { problems: [expect.objectContaining({ file: 'docs/gone.md' }), expect.objectContaining({ file: 'docs/scan.png' }), expect.objectContaining({ file: 'docs/broken.json' })] },
    });
    expect(ctx.events.filter((e) => e.kind === 'load.problem')).toHaveLength(3);
    // with nothing wrong, onProblem: fail changes nothing
    const fine = (await adapter.execute(adapter.taskSchema.parse({ type: 'document_analysis', docs: ['docs/notes.txt'], onProblem: 'fail' }), ctx)) as Out;
    expect(fine.problems).toEqual([]);
  });

  it('shows each problem on the terminal progress display and keeps it in the run event log', async () => {
    await writeFile(join(base, 'analyse.yaml'), stringify({ name: 'analyse', stages: [{ id: 'analyse', type: 'llamaindex', task: { type: 'document_analysis', docs: ['docs/notes.txt', 'docs/scan.png'] } }] }));
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let screen = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const store = new MemoryRunStore();
    const hub = new HybridOrchestrator({ home: join(base, '.switchyard'), store, adapters: { llamaindex: adapter }, sinks: [new ProgressSink({ stream })] });
    try {
      const result = await hub.run(join(base, 'analyse.yaml'));
      expect(result.status).toBe('completed');
      expect(screen).toMatch(/⚠ analyse: skipped docs\/scan\.png: unsupported file type/);
      const logged = (await store.listEvents(result.runId)).filter((e) => e.type === 'stage.engine' && e.event.kind === 'load.problem');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ stageId: 'analyse', event: { data: { file: 'docs/scan.png', code: 'UNSUPPORTED' } } });
    } finally {
      await hub.close();
    }
  });
});
