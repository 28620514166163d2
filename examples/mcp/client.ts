/**
 * An MCP client driving `switchyard mcp` over stdio, as an assistant would: pick an engine, run the CI/CD example
 * (it stops for approval), look at the run, approve it.
 *
 *   npm run build && npx tsx examples/mcp/client.ts
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const transport = new StdioClientTransport({
  command: 'npx',
  args: ['switchyard', 'mcp', '--pipelines', 'examples/approval-cicd', '--home', '.switchyard/mcp-example'],
  stderr: 'inherit',
});
const client = new Client({ name: 'switchyard-example', version: '1.0.0' });
await client.connect(transport);

/** Calls a tool and returns its structured content (a tool error is thrown with its text). */
async function call<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error((result.content as { text: string }[])[0]?.text);
  return result.structuredContent as T;
}

try {
  console.log('tools:', (await client.listTools()).tools.map((t) => t.name).join(', '));
  console.log('select:', await call('select_orchestrator', { taskType: 'approval_workflow', requiresState: true, requiresRouting: true }));

  const waiting = await call<{ runId: string; status: string; pendingApproval?: { message: string } }>('run_pipeline', { pipeline: 'cicd-with-approval', wait: true });
  console.log(`run ${waiting.runId}: ${waiting.status} (${waiting.pendingApproval?.message})`);

  const { run, approvals } = await call<{ run: { status: string }; approvals: { stageId: string }[] }>('get_run', { runId: waiting.runId });
  console.log(`get_run: ${run.status}, waiting at ${approvals.map((a) => a.stageId).join(', ')}`);

  const done = await call<{ status: string; output: unknown }>('approve_run', { runId: waiting.runId, data: { version: '1.4.3' }, by: 'example', wait: true });
  console.log(`approved: ${done.status}`, done.output);
} finally {
  await client.close();
}
