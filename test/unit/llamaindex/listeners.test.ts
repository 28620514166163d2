import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HybridOrchestrator, MemoryRunStore } from 'switchyard';
import { createAdapter } from 'switchyard/llamaindex';
import { startOpenAIServer, tempDir, type FakeOpenAIServer } from '../../helpers/llamaindex.js';

/** Twelve llamaindex stages in one run share the run's signal: none may leave an abort listener behind on it. */
describe('llamaindex stages and abort listeners', () => {
  let dir: string;
  let server: FakeOpenAIServer;
  beforeAll(async () => {
    dir = await tempDir('sy-li-listeners-');
    server = await startOpenAIServer();
    await writeFile(join(dir, 'notes.txt'), 'The harbour lighthouse is painted red and white. Its lamp turns every ten seconds.');
    const stages = Array.from({ length: 12 }, (_, i) => ({ id: `ask-${i}`, type: 'llamaindex', task: { type: 'rag_workflow', docs: ['notes.txt'], query: `How often does the lamp turn? (${i})` } }));
    await writeFile(join(dir, 'twelve.yaml'), stringify({ name: 'twelve-stages', stages }));
  });
  afterAll(async () => server?.close());

  const runTwelve = async (adapter: ReturnType<typeof createAdapter>, signal?: AbortSignal) => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const hub = new HybridOrchestrator({ home: join(dir, '.switchyard'), store: new MemoryRunStore(), adapters: { llamaindex: adapter } });
    try {
      const result = await hub.run(join(dir, 'twelve.yaml'), signal ? { signal } : {});
      await new Promise((resolve) => setTimeout(resolve, 20)); // warnings are emitted on a later tick
      return { result, warnings: warnings.filter((w) => w.name === 'MaxListenersExceededWarning') };
    } finally {
      process.off('warning', onWarning);
      await hub.close();
    }
  };

  it('twelve offline stages print no MaxListenersExceededWarning, with and without a run signal', async () => {
    for (const signal of [undefined, new AbortController().signal]) {
      const { result, warnings } = await runTwelve(createAdapter({ embeddings: false, llm: false }), signal);
      expect(result.status).toBe('completed');
      expect(warnings.map((w) => w.message)).toEqual([]);
    }
  });

  it('twelve stages that call an embeddings endpoint and a chat model print no warning either', async () => {
    const adapter = createAdapter({ embeddings: { baseURL: server.baseURL, model: 'test-embed' }, llm: { baseURL: server.baseURL, model: 'test-chat' } });
    const { result, warnings } = await runTwelve(adapter, new AbortController().signal);
    expect(result.status).toBe('completed');
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBeGreaterThanOrEqual(12);
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
