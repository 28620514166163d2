import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { startOpenAIServer, tempDir, type FakeOpenAIServer } from '../../helpers/llamaindex.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('llamaindex persisted indexes, remote embeddings and LLM answers (wire level)', () => {
  let base: string;
  let server: FakeOpenAIServer;

  beforeAll(async () => {
    base = await tempDir();
    server = await startOpenAIServer({ answer: () => 'Otters hold hands while sleeping so they do not drift apart [2]. They live in kelp forests [1].' });
    await mkdir(join(base, 'kb'));
    await writeFile(join(base, 'kb/otters.txt'), 'Sea otters hold hands while they sleep so that they do not drift apart on the current.');
    await writeFile(join(base, 'kb/kelp.txt'), 'Kelp forests grow in cold, nutrient-rich coastal water and shelter sea otters and fish.');
    await writeFile(join(base, 'kb/trains.txt'), 'The first public steam railway opened in 1825 between Stockton and Darlington.');
  });
  afterAll(async () => server?.close());

  const ctx = (home: string) => createTestContext({ baseDir: base, home });
  const embeddingCalls = () => server.requests.filter((r) => r.path === '/v1/embeddings');

  it('persists an index offline and reloads it without re-chunking unchanged documents', async () => {
    const home = await tempDir('sy-li-home-');
    const adapter = createAdapter({ embeddings: false, llm: false });
    const first = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'notes' }), ctx(home))) as Out;
    expect(first.stats).toMatchObject({ documents: 3, added: 3, unchanged: 0, embedded: 0 });
    expect(first.index.path).toBe(join(home, 'indexes', 'notes'));
    const manifest = JSON.parse(await readFile(join(home, 'indexes/notes/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.documents).sort()).toEqual(['kb/kelp.txt', 'kb/otters.txt', 'kb/trains.txt']);

    const second = ctx(home);
    const again = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'notes' }), second)) as Out;
    expect(again.stats).toMatchObject({ documents: 3, added: 0, updated: 0, unchanged: 3 });
    expect(second.events.find((e) => e.kind === 'parse.completed')?.data).toMatchObject({ documents: 0, reused: 3 });

    const query = (await adapter.execute(adapter.taskSchema.parse({ type: 'query', index: 'notes', query: 'When did the steam railway open?' }), ctx(home))) as Out;
    expect(query.retriever).toBe('lexical');
    expect(query.answer.mode).toBe('extractive');
    expect(query.passages[0].source).toBe('kb/trains.txt');
    expect(query.answer.text).toContain('1825');
    expect(query.answer.citations[0]).toMatchObject({ n: 1, source: 'kb/trains.txt' });
  });

  it('names a missing index clearly', async () => {
    const adapter = createAdapter({ embeddings: false, llm: false });
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'query', index: 'nope', query: 'x' }), ctx(await tempDir()))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no index named "nope"'),
    });
  });

  it('embeds through an OpenAI-compatible endpoint, fuses with BM25, and never re-embeds unchanged documents', async () => {
    const home = await tempDir('sy-li-home-');
    const adapter = createAdapter({ embeddings: { baseURL: server.baseURL, apiKey: 'sk-test', model: 'test-embed' }, llm: false });
    const before = embeddingCalls().length;
    const first = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'hybrid' }), ctx(home))) as Out;
    expect(first.stats).toMatchObject({ added: 3, embedded: 3 });
    const call = embeddingCalls()[before]!;
    expect(call.authorization).toBe('Bearer sk-test');
    expect(call.body).toMatchObject({ model: 'test-embed' });
    expect((call.body.input as string[]).length).toBe(3);

    const afterFirst = embeddingCalls().length;
    const again = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'hybrid' }), ctx(home))) as Out;
    expect(again.stats).toMatchObject({ unchanged: 3, embedded: 0 });
    expect(embeddingCalls().length).toBe(afterFirst);

    await writeFile(join(base, 'kb/trains.txt'), 'The first public steam railway opened in 1825 between Stockton and Darlington in England.');
    const changed = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'hybrid' }), ctx(home))) as Out;
    expect(changed.stats).toMatchObject({ updated: 1, unchanged: 2, embedded: 1 });
    expect((embeddingCalls().at(-1)!.body.input as string[])[0]).toContain('in England');

    const queried = ctx(home);
    const query = (await adapter.execute(adapter.taskSchema.parse({ type: 'query', index: 'hybrid', query: 'how do otters sleep', topK: 2 }), queried)) as Out;
    expect(query.retriever).toBe('hybrid');
    expect(query.passages[0].source).toBe('kb/otters.txt');
    expect(query.passages[0].via).toEqual(['lexical', 'embedding']);
    expect(embeddingCalls().at(-1)!.body.input).toEqual(['how do otters sleep']);
    const vectorsOnly = (await adapter.execute(adapter.taskSchema.parse({ type: 'query', index: 'hybrid', query: 'otters sleep holding hands', retriever: 'embedding' }), ctx(home))) as Out;
    expect(vectorsOnly.passages[0]).toMatchObject({ source: 'kb/otters.txt', via: ['embedding'] });
  });

  it('reads the endpoint from OPENAI_BASE_URL / OPENAI_API_KEY', async () => {
    const adapter = createAdapter({ env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-env', SWITCHYARD_MODEL: 'test-chat', SWITCHYARD_EMBEDDING_MODEL: 'env-embed' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/otters.txt', 'kb/kelp.txt'], query: 'Why do otters hold hands?' }), ctx(await tempDir()))) as Out;
    const seen = server.requests.slice(before);
    expect(seen.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/embeddings', '/v1/chat/completions']);
    expect(seen.every((r) => r.authorization === 'Bearer sk-env')).toBe(true);
    expect(seen[0]!.body.model).toBe('env-embed');
    expect(out.retriever).toBe('hybrid');
    expect(out.answer.mode).toBe('llm');
    expect(out.answer.model).toBe('openai:test-chat');
  });

  it('grounds an LLM answer in the retrieved passages and maps its [n] citations to sources', async () => {
    const adapter = createAdapter({ embeddings: false, llm: { baseURL: server.baseURL, apiKey: 'sk-test', model: 'test-chat' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'Why do sea otters hold hands?', topK: 2 }), ctx(await tempDir()))) as Out;
    const chat = server.requests.slice(before).find((r) => r.path === '/v1/chat/completions')!;
    const messages = chat.body.messages as { role: string; content: string }[];
    expect(chat.body.model).toBe('test-chat');
    expect(messages[0]!.content).toContain('only the numbered passages');
    expect(messages[1]!.content).toContain('[1] (source: kb/otters.txt)');
    expect(messages[1]!.content).toContain('Question: Why do sea otters hold hands?');
    expect(out.answer).toMatchObject({ mode: 'llm', model: 'openai:test-chat' });
    expect(out.answer.text).toContain('[2]');
    expect(out.answer.citations.map((c: { n: number; source: string }) => [c.n, c.source])).toEqual([
      [1, out.passages[0].source],
      [2, out.passages[1].source],
    ]);
  });

  it('takes a task-level model spec through the agno providers', async () => {
    const adapter = createAdapter({ embeddings: false, llm: false, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-task' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'otters', model: 'openai:task-model' }), ctx(await tempDir()))) as Out;
    expect(out.answer).toMatchObject({ mode: 'llm', model: 'openai:task-model' });
    expect(server.requests.slice(before).find((r) => r.path === '/v1/chat/completions')!.body.model).toBe('task-model');
  });

  it('labels offline answers as extractive and refuses `answer: "llm"` without a model', async () => {
    const adapter = createAdapter({ embeddings: false, llm: false });
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'Why do sea otters hold hands?' }), ctx(await tempDir()))) as Out;
    expect(out.answer.mode).toBe('extractive');
    expect(out.answer.model).toBeUndefined();
    expect(out.answer.text).toContain('Sea otters hold hands');
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'x', answer: 'llm' }), ctx(await tempDir()))).rejects.toMatchObject({ code: 'MODEL_NOT_CONFIGURED' });
  });

  it('reports a failing endpoint as a remote error', async () => {
    const adapter = createAdapter({ embeddings: { baseURL: `${server.baseURL}/missing`, model: 'm' }, llm: false });
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'bad' }), ctx(await tempDir()))).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('embeddings endpoint') });
  });
});
