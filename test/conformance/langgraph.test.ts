import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Resources } from 'switchyard';
import type { Handler } from 'switchyard';
import { describeAdapterConformance } from 'switchyard/adapter-kit/conformance';

/** Waits five seconds unless the node's signal aborts first. */
const slow: Handler = (_state, context) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ slept: true }), 5_000);
    context.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(context.signal.reason as Error);
    }, { once: true });
  });

const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describeAdapterConformance('langgraph', async () => (await import('switchyard/langgraph')).createAdapter(), {
  validTask: { workflow: { nodes: ['analyze', 'summarize'], conditional: { analyze: 'size > 2 ? "summarize" : "end"' } }, input: { size: 3 } },
  invalidTask: { workflow: { nodes: 'analyze' } },
  slowTask: { workflow: { nodes: ['slow'] } },
  input: { topic: 'conformance' },
  resources: () => {
    const resources = new Resources();
    resources.set('handler', 'analyze', (state: { topic: string }) => ({ analysis: `about ${state.topic}` }));
    resources.set('handler', 'summarize', (state: { analysis: string }) => ({ summary: state.analysis.toUpperCase() }));
    resources.set('handler', 'slow', slow);
    return resources;
  },
  home: () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-langgraph-conf-'));
    homes.push(home);
    return home;
  },
});
