import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { startOpenAIServer, tempDir, type FakeOpenAIServer } from '../../helpers/llamaindex.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** SWITCHYARD_EMBEDDINGS_URL: an embeddings server of its own, which turns on no chat model; e5 query/passage prefixes. */
describe('llamaindex embeddings endpoint (wire level)', () => {
  let base: string;
  let server: FakeOpenAIServer;
  beforeAll(async () => {
    base = await tempDir();
    server = await startOpenAIServer({ embeddingsOnly: true });
    await mkdir(join(base, 'kb'));
    await writeFile(join(base, 'kb/otters.txt'), 'Sea otters hold hands while they sleep so that they do not drift apart on the current.');
    await writeFile(join(base, 'kb/trains.txt'), 'The first public steam railway opened in 1825 between Stockton and Darlington.');
  });
  afterAll(async () => server?.close());
  const ctx = () => createTestContext({ baseDir: base, home: join(base, '.switchyard') });
  const since = (n: number) => server.requests.slice(n);

  it('with only SWITCHYARD_EMBEDDINGS_URL set, a server serving only /v1/embeddings gives hybrid retrieval and extractive answers', async () => {
    const adapter = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDING_MODEL: 'bge-small' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'Why do otters hold hands?' }), ctx())) as Out;
    expect(out.retriever).toBe('hybrid');
    expect(out.answer.mode).toBe('extractive');
    expect(out.answer.text).toContain('Sea otters hold hands');
    expect(since(before).map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
    expect(since(before)[0]!.body.model).toBe('bge-small');
  });

  it('sends SWITCHYARD_EMBEDDINGS_API_KEY there, never OPENAI_API_KEY, and leaves the chat model to its own settings', async () => {
    const adapter = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDINGS_API_KEY: 'sk-embed', OPENAI_API_KEY: 'sk-openai-secret' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'keyed' }), ctx())) as Out;
    expect(out.stats).toMatchObject({ embedded: 2 });
    expect(since(before).map((r) => r.authorization)).toEqual(['Bearer sk-embed']);
    const none = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, OPENAI_API_KEY: 'sk-openai-secret' } });
    const n = server.requests.length;
    await none.execute(none.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'unkeyed' }), ctx());
    expect(since(n).map((r) => r.authorization)).toEqual(['Bearer not-needed']);
  });

  it('puts the e5 prefixes in front of passages and queries for e5 models, and not for others', async () => {
    const e5 = createAdapter({ embeddings: { baseURL: server.baseURL, model: 'intfloat/multilingual-e5-small' }, llm: false });
    let before = server.requests.length;
    await e5.execute(e5.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'how do otters sleep' }), ctx());
    const [passages, query] = since(before);
    expect((passages!.body.input as string[]).every((text) => text.startsWith('passage: '))).toBe(true);
    expect(query!.body.input).toEqual(['query: how do otters sleep']);
    expect(query!.body.input_type).toBeUndefined();

    const plain = createAdapter({ embeddings: { baseURL: server.baseURL, model: 'text-embedding-3-small' }, llm: false });
    before = server.requests.length;
    await plain.execute(plain.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'how do otters sleep' }), ctx());
    expect(since(before)[1]!.body.input).toEqual(['how do otters sleep']);
  });

  it('sends input_type instead for servers that add the prefixes themselves, and keeps vectors of each setting apart', async () => {
    const adapter = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDING_MODEL: 'multilingual-e5-small', SWITCHYARD_EMBEDDING_PREFIXES: 'input_type' } });
    const before = server.requests.length;
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['kb/*.txt'], query: 'how do otters sleep' }), ctx())) as Out;
    const [passages, query] = since(before);
    expect(passages!.body).toMatchObject({ input_type: 'passage' });
    expect((passages!.body.input as string[])[0]).toMatch(/^Sea otters/);
    expect(query!.body).toMatchObject({ input_type: 'query', input: ['how do otters sleep'] });
    expect(out.passages[0].source).toBe('kb/otters.txt');

    // an index embedded with one prefix setting is re-embedded, not mixed, under another
    const home = await tempDir('sy-li-home-');
    const run = (prefixes: string) => {
      const a = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDING_MODEL: 'multilingual-e5-small', SWITCHYARD_EMBEDDING_PREFIXES: prefixes } });
      return a.execute(a.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'e5' }), createTestContext({ baseDir: base, home })) as Promise<Out>;
    };
    expect((await run('text')).stats).toMatchObject({ embedded: 2 });
    expect((await run('text')).stats).toMatchObject({ embedded: 0 });
    expect((await run('input_type')).stats).toMatchObject({ embedded: 2 });
  });

  it('names a bad SWITCHYARD_EMBEDDING_PREFIXES value', async () => {
    const adapter = createAdapter({ env: { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDING_PREFIXES: 'yes' } });
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['kb/*.txt'], index: 'bad' }), ctx())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('SWITCHYARD_EMBEDDING_PREFIXES: expected one of auto, text, input_type, off; got "yes"'),
    });
  });
});
