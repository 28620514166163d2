// The same stage from code, with the workflow object handed over directly (no registration needed).
// Run: npx tsx examples/rag-custom-workflow/run.ts
import { HybridOrchestrator } from 'switchyard';
import { keywordReport } from './workflows.js';

const hub = new HybridOrchestrator({ home: '.switchyard' });
const result = await hub.run({
  name: 'rag-custom-workflow-code',
  stages: [
    {
      id: 'report',
      type: 'llamaindex',
      timeoutMs: 5000,
      task: { type: 'workflow', workflow: keywordReport, input: { keyword: 'bee', texts: ['A bee dances.', 'Bees and more bees.'] } },
    },
  ],
});
console.log(result.status, JSON.stringify(result.output));
