import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Annotation, END, MemorySaver, START, StateGraph, interrupt } from '@langchain/langgraph';
import { Resources, isWaitingForApproval } from 'switchyard';
import type { WaitingForApproval } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome();
const adapter = createAdapter();
afterAll(() => adapter.close?.());

const State = Annotation.Root({
  count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  verdict: Annotation<string | undefined>(),
});

function counterGraph() {
  return new StateGraph(State)
    .addNode('inc', () => ({ count: 1 }))
    .addNode('ask', () => {
      const decision = interrupt({ question: 'ship it?' }) as { approved: boolean };
      return { verdict: decision.approved ? 'shipped' : 'held' };
    })
    .addEdge(START, 'inc')
    .addEdge('inc', 'ask')
    .addEdge('ask', END);
}

describe('langgraph graphs from code', () => {
  it('runs a compiled graph on switchyard\'s checkpointer without changing the caller\'s graph', async () => {
    const compiled = counterGraph().compile();
    const homeDir = home();
    const runId = uniqueRunId();
    const ctx = createTestContext({ home: homeDir, runId, input: { count: 10 } });
    const first = await adapter.execute(adapter.taskSchema.parse({ graph: compiled }), ctx);
    expect(isWaitingForApproval(first)).toBe(true);
    const waiting = first as WaitingForApproval;
    expect(waiting.approval).toEqual({ point: 'ask', message: 'Approval required', payload: { question: 'ship it?' } });
    expect(compiled.checkpointer).toBeUndefined();
    const resumed = await adapter.execute(adapter.taskSchema.parse({ graph: compiled }), createTestContext({ home: homeDir, runId, approval: { approved: true } }));
    expect(resumed).toEqual({ count: 11, verdict: 'shipped' });
    expect(ctx.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['node.started', 'node.completed', 'checkpoint.saved', 'approval.requested']));
  });

  it('compiles an uncompiled StateGraph registered as a graph resource', async () => {
    const resources = new Resources();
    resources.set('graph', 'counter', counterGraph());
    const homeDir = home();
    const runId = uniqueRunId();
    await adapter.execute(adapter.taskSchema.parse({ graph: 'counter', input: { count: 1 } }), createTestContext({ home: homeDir, runId, resources }));
    const done = await adapter.execute(adapter.taskSchema.parse({ graph: 'counter' }), createTestContext({ home: homeDir, runId, resources, approval: { approved: false } }));
    expect(done).toEqual({ count: 2, verdict: 'held' });
  });

  it('keeps a compiled graph\'s own checkpointer', async () => {
    const saver = new MemorySaver();
    const compiled = new StateGraph(State).addNode('inc', () => ({ count: 1 })).addEdge(START, 'inc').addEdge('inc', END).compile({ checkpointer: saver });
    const runId = uniqueRunId();
    expect(await adapter.execute(adapter.taskSchema.parse({ graph: compiled }), createTestContext({ home: home(), runId, stageId: 's' }))).toEqual({ count: 1 });
    const saved = await compiled.getState({ configurable: { thread_id: `${runId}:s` } });
    expect(saved.values).toEqual({ count: 1 });
  });
});

describe('lazy engine loading', () => {
  it('the adapter barrel imports no LangGraph or checkpointer module at top level', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../adapters/langgraph');
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) {
        const spec = match[1]!;
        if (spec.startsWith('./')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (spec.startsWith('@langchain/') || spec === 'pg' || spec === 'better-sqlite3') offenders.push(`${file}: ${spec}`);
      }
    };
    visit(join(root, 'index.ts'));
    expect(seen.size).toBeGreaterThan(3);
    expect(offenders).toEqual([]);
  });
});
