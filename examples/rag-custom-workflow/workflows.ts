import type { ResourceRegistry } from 'switchyard';
import { defineWorkflow, type SwitchyardWorkflowContext } from 'switchyard/llamaindex';

/**
 * A user's own @llamaindex/workflow workflow (seed 001's patterns: typed events, fan-out, fan-in), registered
 * as the 'workflow' resource `keyword-report`. defineWorkflow hands over createWorkflow and workflowEvent, so
 * this file never imports the (deprecated upstream) LlamaIndex packages itself.
 */
export const keywordReport = defineWorkflow(({ createWorkflow, workflowEvent }) => {
  const start = workflowEvent<{ texts: string[]; keyword: string }>({ debugLabel: 'start' });
  const check = workflowEvent<{ n: number; text: string; keyword: string }>({ debugLabel: 'check' });
  const checked = workflowEvent<{ n: number; hits: number }>({ debugLabel: 'checked' });
  const stop = workflowEvent<{ keyword: string; hitsPerText: number[]; total: number }>({ debugLabel: 'stop' });
  const workflow = createWorkflow();
  const results: number[] = [];
  let expected = 0;
  let keyword = '';

  workflow.handle([start], (context, event) => {
    ({ keyword } = event.data);
    expected = event.data.texts.length;
    event.data.texts.forEach((text, n) => context.sendEvent(check.with({ n, text, keyword })));
  });
  workflow.handle([check], async (context, event) => {
    context.signal.throwIfAborted(); // aborted when the stage is cancelled or times out
    const hits = event.data.text.toLowerCase().split(event.data.keyword.toLowerCase()).length - 1;
    return checked.with({ n: event.data.n, hits });
  });
  workflow.handle([checked], (context, event) => {
    results[event.data.n] = event.data.hits;
    const done = results.filter((r) => r !== undefined).length;
    (context as SwitchyardWorkflowContext).switchyard.emit({ kind: 'report.progress', progress: { done, total: expected } });
    if (done === expected) return stop.with({ keyword, hitsPerText: [...results], total: results.reduce((a, b) => a + b, 0) });
  });
  return { workflow, start, stop };
});

export default function register(registry: ResourceRegistry): void {
  registry.set('workflow', 'keyword-report', keywordReport);
}
