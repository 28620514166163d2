import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources } from 'switchyard';
import { createAdapter, defineWorkflow } from 'switchyard/llamaindex';
import { describeAdapterConformance } from 'switchyard/adapter-kit/conformance';

const baseDir = mkdtempSync(join(tmpdir(), 'sy-li-conf-'));
mkdirSync(join(baseDir, 'docs'));
writeFileSync(join(baseDir, 'docs/a.txt'), 'The harbour lighthouse was built in 1902 and guides fishing boats home.');
writeFileSync(join(baseDir, 'docs/b.md'), '# Tides\n\nSpring tides happen at new and full moon.');

// The slow task: a user workflow that waits on its context signal (about 5 s if never cancelled).
function waitingWorkflow() {
  return defineWorkflow(({ createWorkflow, workflowEvent }) => {
  const start = workflowEvent<unknown>({ debugLabel: 'start' });
  const stop = workflowEvent<string>({ debugLabel: 'stop' });
  const workflow = createWorkflow();
  workflow.handle([start], async (context) => {
    const signal = context.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return stop.with('done');
  });
  return { workflow, start, stop };
  });
}

describeAdapterConformance('llamaindex', async () => createAdapter({ embeddings: false, llm: false }), {
  validTask: { type: 'rag_workflow', docs: ['docs/*'], query: 'When was the lighthouse built?' },
  invalidTask: { type: 'rag_workflow', query: '' },
  slowTask: { type: 'workflow', workflow: 'waiting' },
  resources: () => {
    const resources = new Resources();
    resources.set('workflow', 'waiting', waitingWorkflow());
    return resources;
  },
  home: () => mkdtempSync(join(tmpdir(), 'sy-li-conf-home-')),
  baseDir,
});
