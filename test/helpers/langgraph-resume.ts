/**
 * Runs one langgraph stage execution in its own process: `node --import tsx langgraph-resume.ts JSON`
 * with `{ url, home, runId, stageId, approval? }`. Prints the stage output as JSON on stdout.
 */
import { createAdapter } from '../../adapters/langgraph/index.js';
import { createTestContext } from '../../src/kit/testing/test-context.js';
import { isWaitingForApproval } from '../../src/adapter.js';
import { releaseTask } from './langgraph-release.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { url: string; home: string; runId: string; stageId: string; input?: unknown; approval?: { approved: boolean; data?: Record<string, unknown> } };
const adapter = createAdapter({ checkpointUrl: args.url });
const context = createTestContext({ engine: 'langgraph', home: args.home, runId: args.runId, stageId: args.stageId, input: args.input, ...(args.approval ? { approval: args.approval } : {}) });
try {
  const output = await adapter.execute(adapter.taskSchema.parse(releaseTask()), context);
  process.stdout.write(JSON.stringify(isWaitingForApproval(output) ? { waiting: output.approval, partial: output.partial } : { output, events: context.events.map((e) => e.kind) }));
} finally {
  await adapter.close?.();
}
