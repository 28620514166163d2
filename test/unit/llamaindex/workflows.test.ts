import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Resources } from 'switchyard';
import { createAdapter, defineWorkflow, type SwitchyardWorkflowContext } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempDir } from '../../helpers/llamaindex.js';

// A user's own workflow, written the way seed 001 shows: typed events, steps, fan-out and fan-in.
// defineWorkflow hands over the engine module, so user code never imports the deprecated package itself.
function wordCountWorkflow() {
  return defineWorkflow(({ createWorkflow, workflowEvent }) => {
  const start = workflowEvent<{ texts: string[] }>({ debugLabel: 'start' });
  const part = workflowEvent<string>({ debugLabel: 'part' });
  const counted = workflowEvent<number>({ debugLabel: 'counted' });
  const stop = workflowEvent<{ total: number }>({ debugLabel: 'stop' });
  const workflow = createWorkflow();
  let expected = 0;
  let seen: number[] = [];
  workflow.handle([start], (context, event) => {
    expected = event.data.texts.length;
    seen = [];
    for (const text of event.data.texts) context.sendEvent(part.with(text));
  });
  workflow.handle([part], (_context, event) => counted.with(event.data.split(/\s+/).length));
  workflow.handle([counted], (context, event) => {
    seen.push(event.data);
    (context as SwitchyardWorkflowContext).switchyard.emit({ kind: 'words.counted', progress: { done: seen.length, total: expected } });
    if (seen.length === expected) return stop.with({ total: seen.reduce((a, b) => a + b, 0) });
  });
  return { workflow, start, stop };
  });
}

function waitingWorkflow(observed: { aborted?: boolean }) {
  return defineWorkflow(({ createWorkflow, workflowEvent }) => {
  const start = workflowEvent<unknown>({ debugLabel: 'start' });
  const stop = workflowEvent<string>({ debugLabel: 'stop' });
  const failed = workflowEvent<string>({ debugLabel: 'failed' });
  const workflow = createWorkflow();
  workflow.handle([start], async (context, event) => {
    if (event.data === 'fail') return failed.with('the input was refused');
    const signal = context.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      signal.addEventListener('abort', () => {
        observed.aborted = true;
        clearTimeout(timer);
        resolve();
      });
    });
    return stop.with('finished');
  });
  return { workflow, start, stop, error: failed };
  });
}

describe('llamaindex workflows', () => {
  let base: string;
  beforeAll(async () => {
    base = await tempDir();
    await mkdir(join(base, 'docs'));
    for (let i = 0; i < 30; i++) await writeFile(join(base, `docs/doc-${String(i).padStart(2, '0')}.txt`), `Document ${i} talks about topic number ${i} and the harbour lighthouse.`);
  });

  it('runs the RAG pipeline as a workflow whose steps become engine events, with progress on ingest', async () => {
    const adapter = createAdapter({ embeddings: false, llm: false, progressEvery: 5 });
    const ctx = createTestContext({ baseDir: base, home: await tempDir() });
    await adapter.execute(adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['docs/*.txt'], query: 'topic number 7' }), ctx);
    const kinds = ctx.events.map((e) => e.kind);
    for (const kind of ['load.started', 'ingest.progress', 'load.completed', 'parse.completed', 'index.built', 'retrieve.completed', 'synthesize.completed']) expect(kinds).toContain(kind);
    expect(kinds.indexOf('load.completed')).toBeLessThan(kinds.indexOf('parse.completed'));
    expect(kinds.indexOf('index.built')).toBeLessThan(kinds.indexOf('retrieve.completed'));
    expect(kinds.indexOf('retrieve.completed')).toBeLessThan(kinds.indexOf('synthesize.completed'));
    const progress = ctx.events.filter((e) => e.kind === 'ingest.progress').map((e) => e.progress);
    expect(progress).toHaveLength(6);
    expect(progress.at(-1)).toEqual({ done: 30, total: 30, unit: 'documents' });
  });

  it('fans out one retrieval per question and fans the answers back in, in order', async () => {
    const adapter = createAdapter({ embeddings: false, llm: false });
    const ctx = createTestContext({ baseDir: base, home: await tempDir() });
    const questions = Array.from({ length: 12 }, (_, i) => `topic number ${i}`);
    const out = (await adapter.execute(adapter.taskSchema.parse({ type: 'document_analysis', docs: ['docs/*.txt'], questions }), ctx)) as { answers: { question: string; passages: { source: string }[] }[] };
    expect(out.answers.map((a) => a.question)).toEqual(questions);
    out.answers.forEach((a, i) => expect(a.passages[0]!.source).toBe(`docs/doc-${String(i).padStart(2, '0')}.txt`));
    expect(ctx.events.filter((e) => e.kind === 'retrieve.completed')).toHaveLength(12);
  });

  it('runs a user workflow registered by name, forwarding its events', async () => {
    const resources = new Resources();
    resources.set('workflow', 'word-count', wordCountWorkflow());
    const adapter = createAdapter();
    const ctx = createTestContext({ resources, input: { texts: ['a b c', 'd e', 'f'] } });
    const task = adapter.taskSchema.parse({ type: 'workflow', workflow: 'word-count' });
    expect(await adapter.execute(task, ctx)).toEqual({ total: 6 });
    const kinds = ctx.events.map((e) => e.kind);
    expect(kinds).toContain('workflow.started');
    expect(kinds).toContain('words.counted');
    expect(ctx.events.filter((e) => e.kind === 'workflow.event').map((e) => e.message)).toEqual(expect.arrayContaining(['start', 'part', 'counted', 'stop']));
    expect(ctx.events.find((e) => e.kind === 'words.counted' && e.progress?.done === 3)?.progress).toEqual({ done: 3, total: 3 });
  });

  it('accepts the workflow object itself in code and its explicit input', async () => {
    const adapter = createAdapter();
    const task = adapter.taskSchema.parse({ type: 'workflow', workflow: wordCountWorkflow(), input: { texts: ['one two'] } });
    expect(await adapter.execute(task, createTestContext())).toEqual({ total: 2 });
  });

  it('names an unknown workflow at validation time', () => {
    const adapter = createAdapter();
    const task = adapter.taskSchema.parse({ type: 'workflow', workflow: 'missing' });
    expect(() => adapter.validate!(task, { path: 'stages[0].task', resources: new Resources(), baseDir: base })).toThrow(/stages\[0\]\.task\.workflow: expected a registered workflow; got "missing"/);
  });

  it('times a user workflow out and aborts its context signal', async () => {
    const observed: { aborted?: boolean } = {};
    const adapter = createAdapter();
    const task = adapter.taskSchema.parse({ type: 'workflow', workflow: waitingWorkflow(observed), timeoutMs: 100 });
    await expect(adapter.execute(task, createTestContext())).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('task.timeoutMs') });
    await new Promise((r) => setTimeout(r, 20));
    expect(observed.aborted).toBe(true);
  });

  it('cancels a user workflow with the stage signal', async () => {
    const observed: { aborted?: boolean } = {};
    const adapter = createAdapter();
    const controller = new AbortController();
    const pending = adapter.execute(adapter.taskSchema.parse({ type: 'workflow', workflow: waitingWorkflow(observed) }), createTestContext({ signal: controller.signal }));
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 20));
    expect(observed.aborted).toBe(true);
  });

  it('fails the stage on the workflow error event', async () => {
    const adapter = createAdapter();
    const task = adapter.taskSchema.parse({ type: 'workflow', workflow: waitingWorkflow({}), input: 'fail' });
    await expect(adapter.execute(task, createTestContext())).rejects.toMatchObject({ code: 'STAGE_FAILED', message: expect.stringContaining('the input was refused') });
  });

  it('fails the stage, not the process, when a workflow handler throws', async () => {
    const adapter = createAdapter();
    const throwing = defineWorkflow(({ createWorkflow, workflowEvent }) => {
      const start = workflowEvent<string>({ debugLabel: 'start' });
      const middle = workflowEvent<string>({ debugLabel: 'middle' });
      const stop = workflowEvent<string>({ debugLabel: 'stop' });
      const workflow = createWorkflow();
      workflow.handle([start], (_context, event) => middle.with(event.data));
      workflow.handle([middle], async (_context, event) => {
        await new Promise((r) => setTimeout(r, 5));
        if (event.data === 'async') throw new Error('async handler broke');
        return stop.with('never');
      });
      return { workflow, start, stop };
    });
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'workflow', workflow: throwing, input: 'async' }), createTestContext())).rejects.toMatchObject({
      code: 'STAGE_FAILED',
      message: 'a workflow handler failed: async handler broke',
    });
    const syncThrowing = defineWorkflow(({ createWorkflow, workflowEvent }) => {
      const start = workflowEvent<string>();
      const stop = workflowEvent<string>();
      const workflow = createWorkflow();
      workflow.handle([start], () => {
        throw new Error('sync handler broke');
      });
      return { workflow, start, stop };
    });
    await expect(adapter.execute(adapter.taskSchema.parse({ type: 'workflow', workflow: syncThrowing, input: 'x' }), createTestContext())).rejects.toMatchObject({
      message: 'a workflow handler failed: sync handler broke',
    });
  });

  it('cancels a large ingest promptly', async () => {
    const big = await tempDir();
    await mkdir(join(big, 'docs'));
    const paragraph = 'The river carries silt to the delta where farmers plant rice in the wet season. '.repeat(400);
    for (let i = 0; i < 200; i++) await writeFile(join(big, `docs/${i}.txt`), `${i} ${paragraph}`);
    const adapter = createAdapter({ embeddings: false, llm: false });
    const controller = new AbortController();
    const ctx = createTestContext({ baseDir: big, home: await tempDir(), signal: controller.signal });
    const pending = adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: ['docs/*.txt'], index: 'big' }), ctx);
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 100);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ctx.events.some((e) => e.kind === 'index.saved')).toBe(false);
  });
});
