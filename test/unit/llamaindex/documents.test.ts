import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { makePdf, tempDir } from '../../helpers/llamaindex.js';

type Analysis = {
  documents: { source: string; chunks: number }[];
  answers?: { question: string; answer: { mode: string; text: string }; passages: { source: string; text: string }[] }[];
  summaries?: { source: string; summary: { mode: string; keyPoints: string[]; entities: { text: string }[]; dates: string[] } }[];
  problems: { file: string; code: string; message: string }[];
};

describe('llamaindex documents: readers, globs and allowed roots', () => {
  let base: string;
  let outside: string;
  const adapter = createAdapter({ embeddings: false, llm: false });
  const run = (task: unknown, opts: { maxFileBytes?: number } = {}, documentRoots?: string[]) =>
    adapter.execute(adapter.taskSchema.parse({ ...(task as object), ...opts }), createTestContext({ baseDir: base, home: join(base, '.switchyard'), ...(documentRoots ? { documentRoots } : {}) })) as Promise<Analysis>;

  beforeAll(async () => {
    base = await tempDir();
    outside = await tempDir('sy-li-outside-');
    await mkdir(join(base, 'docs'));
    await writeFile(join(base, 'docs/notes.txt'), 'The lighthouse keeper logs the weather every morning at six.');
    await writeFile(join(base, 'docs/guide.md'), '# Guide\n\nThe **compass** points to magnetic north, not true north.');
    await writeFile(join(base, 'docs/page.html'), '<html><body><h1>Orchids</h1><p>Vanilla is the fruit of an orchid.</p><script>var secret = "hidden script";</script></body></html>');
    await writeFile(join(base, 'docs/data.json'), JSON.stringify({ river: { name: 'Danube', countries: 10 } }));
    await writeFile(join(base, 'docs/table.csv'), 'city,landmark\nAgra,Taj Mahal\nRome,Colosseum\n');
    await writeFile(join(base, 'docs/report.pdf'), makePdf('Quarterly revenue of the glacier observatory rose in 2024.'));
    await writeFile(join(outside, 'secret.txt'), 'The password is swordfish.');
    await symlink(join(outside, 'secret.txt'), join(base, 'docs/link-out.txt'));
  });

  it('reads .txt, .md, .html, .json, .csv and .pdf with their parsers', async () => {
    const out = await run({ type: 'document_analysis', docs: ['docs/notes.txt', 'docs/guide.md', 'docs/page.html', 'docs/data.json', 'docs/table.csv', 'docs/report.pdf'], questions: ['What is vanilla?', 'Which river?', 'Where is the Colosseum?', 'glacier observatory revenue'] });
    expect(out.documents.map((d) => d.source)).toEqual(['docs/notes.txt', 'docs/guide.md', 'docs/page.html', 'docs/data.json', 'docs/table.csv', 'docs/report.pdf']);
    const [vanilla, river, colosseum, pdf] = out.answers!;
    expect(vanilla!.passages[0]!.source).toBe('docs/page.html');
    expect(vanilla!.passages[0]!.text).toContain('Vanilla is the fruit of an orchid.');
    expect(vanilla!.passages[0]!.text).not.toContain('hidden script');
    expect(vanilla!.passages[0]!.text).not.toContain('<p>');
    expect(river!.passages[0]!.text).toContain('river.name: Danube');
    expect(colosseum!.passages[0]!.text).toContain('city: Rome; landmark: Colosseum');
    expect(pdf!.passages[0]).toMatchObject({ source: 'docs/report.pdf#page=1', document: 'docs/report.pdf', page: 1 });
    expect(pdf!.passages[0]!.text).toContain('Quarterly revenue of the glacier observatory rose in 2024.');
  });

  it('expands globs', async () => {
    const out = await run({ type: 'document_analysis', docs: ['docs/*.{md,txt}'] });
    // the symlink pointing outside the roots is never read (not followed by the glob, or refused by realpath)
    expect(out.documents.map((d) => d.source).sort()).toEqual(['docs/guide.md', 'docs/notes.txt']);
    for (const problem of out.problems) expect(problem.code).toBe('OUTSIDE_ROOTS');
  });

  it('refuses `..` escapes and links out of the roots, naming the file', async () => {
    await expect(run({ type: 'document_analysis', docs: ['../../etc/passwd'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('../../etc/passwd: outside the allowed roots') });
    await expect(run({ type: 'document_analysis', docs: ['docs/link-out.txt'] })).rejects.toMatchObject({ message: expect.stringContaining('docs/link-out.txt: resolves to') });
  });

  it('allows the extra roots the operator configured (the stage context\'s documentRoots)', async () => {
    const out = await run({ type: 'document_analysis', docs: [join(outside, 'secret.txt')] }, {}, [base, outside]);
    expect(out.documents).toHaveLength(1);
  });

  it('a task cannot widen its document roots, only narrow them', async () => {
    // roots: ['/'] from the pipeline is refused: the operator allowed only the pipeline's folder
    const widened = run({ type: 'document_analysis', docs: [join(outside, 'secret.txt')], roots: ['/', outside] });
    await expect(widened).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('task.roots: / is outside the document roots the operator allows') });
    await expect(widened).rejects.toMatchObject({ message: expect.not.stringContaining('swordfish') });
    // narrowing to docs/ still reads docs/notes.txt, and refuses a file beside it outside docs/
    await writeFile(join(base, 'beside.txt'), 'Not inside the narrowed root.');
    const narrowed = await run({ type: 'document_analysis', docs: ['docs/notes.txt', 'beside.txt'], roots: ['docs'] });
    expect(narrowed.documents.map((d) => d.source)).toEqual(['notes.txt']);
    expect(narrowed.problems.map((p) => p.code)).toEqual(['OUTSIDE_ROOTS']);
  });

  it('reports one bad file among many without losing the rest', async () => {
    await writeFile(join(base, 'docs/broken.json'), '{ not json');
    const out = await run({ type: 'document_analysis', docs: ['docs/notes.txt', 'docs/missing.txt', 'docs/broken.json', 'docs/guide.md'], questions: ['compass'] });
    expect(out.documents.map((d) => d.source)).toEqual(['docs/notes.txt', 'docs/guide.md']);
    expect(out.problems).toEqual([
      expect.objectContaining({ file: 'docs/missing.txt', code: 'NOT_FOUND', message: 'docs/missing.txt: no such file' }),
      expect.objectContaining({ file: 'docs/broken.json', code: 'UNREADABLE', message: expect.stringContaining('docs/broken.json: could not parse as json') }),
    ]);
    expect(out.answers![0]!.passages[0]!.source).toBe('docs/guide.md');
  });

  it('rejects oversized files with a clear error naming the file', async () => {
    await expect(run({ type: 'document_analysis', docs: ['docs/notes.txt'] }, { maxFileBytes: 10 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/docs\/notes\.txt: \d+ bytes is over the limit of 10 bytes/),
    });
  });

  it('rejects an unsupported file type by name', async () => {
    await writeFile(join(base, 'docs/image.png'), 'xx');
    await expect(run({ type: 'document_analysis', docs: ['docs/image.png'] })).rejects.toMatchObject({ message: expect.stringContaining('docs/image.png: unsupported file type') });
  });

  it('summarises each document with key points, entities and dates when there are no questions', async () => {
    await writeFile(
      join(base, 'docs/history.txt'),
      'The Treaty of Westphalia was signed on 24 October 1648 in Osnabrück and Münster. It ended the Thirty Years War. Historians in Sweden and France still debate its effects. The treaty is often cited in discussions of state sovereignty.',
    );
    const out = await run({ type: 'document_analysis', docs: ['docs/history.txt'] });
    const summary = out.summaries![0]!.summary;
    expect(summary.mode).toBe('extractive');
    expect(summary.keyPoints[0]).toContain('Treaty of Westphalia');
    expect(summary.entities.map((e) => e.text)).toEqual(expect.arrayContaining(['Treaty of Westphalia', 'Sweden', 'France']));
    expect(summary.dates).toContain('24 October 1648');
  });

  it('chunks long documents with SentenceSplitter and reports passage offsets into the text', async () => {
    const paragraphs = Array.from({ length: 300 }, (_, i) => `Paragraph ${i} describes station ${i}. The keeper of station ${i} records the tide at dawn and dusk.`);
    const text = paragraphs.join('\n\n');
    await writeFile(join(base, 'docs/long.txt'), text);
    const out = (await run({ type: 'document_analysis', docs: ['docs/long.txt'], questions: ['keeper of station 287 records the tide'], chunkSize: 128, chunkOverlap: 16 })) as Analysis & {
      answers: { passages: { text: string; start: number; end: number }[] }[];
    };
    expect(out.documents[0]!.chunks).toBeGreaterThan(20);
    const top = out.answers[0]!.passages[0]!;
    expect(top.text).toContain('station 287');
    expect(text.slice(top.start, top.end)).toBe(top.text);
  });

  it('rejects bad tasks with path-named issues', () => {
    const bad = adapter.taskSchema.safeParse({ type: 'rag_workflow', query: 'q' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['docs']);
    const badIndex = adapter.taskSchema.safeParse({ type: 'ingest', docs: ['a'], index: '../escape' });
    expect(badIndex.error!.issues[0]!.path).toEqual(['index']);
  });
});
