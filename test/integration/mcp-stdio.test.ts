import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pipelines = join(root, 'test/fixtures/mcp/pipelines');
const home = mkdtempSync(join(tmpdir(), 'sy-mcp-stdio-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface Session {
  readonly client: Client;
  readonly stderr: () => string;
  readonly errors: Error[];
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
}

/** The real `switchyard mcp` (the CLI from source), started by the SDK's stdio client as an MCP client config would. */
async function start(): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', join(root, 'test/helpers/cli.mjs'), 'mcp', '--pipelines', pipelines, '--home', home],
    cwd: root,
    env: { ...(process.env as Record<string, string>), SWITCHYARD_CHECKPOINT_URL: '' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const errors: Error[] = [];
  const client = new Client({ name: 'switchyard-stdio-tests', version: '1.0.0' });
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    errors,
    async call<T>(name: string, args: Record<string, unknown> = {}) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      return result.structuredContent as T;
    },
  };
}

describe('switchyard mcp over stdio', () => {
  it('serves the tools; a run waits in one process and is approved from the next', async () => {
    const first = await start();
    let runId: string;
    try {
      const { tools } = await first.client.listTools();
      expect(tools.map((t) => t.name)).toContain('run_pipeline');
      expect(await first.call('select_orchestrator', { taskType: 'batch_job', requiresScheduling: true })).toMatchObject({ type: 'prefect' });

      // A module that prints while the run goes: its line goes to stderr, the protocol stays readable.
      const hello = await first.call<{ status: string; output: { result: string } }>('run_pipeline', { pipeline: 'hello', input: { who: 'stdio', noisy: true }, wait: true });
      expect(hello).toMatchObject({ status: 'completed', output: { result: 'HELLO, STDIO' } });

      const waiting = await first.call<{ runId: string; status: string; pendingApproval: { stageId: string } }>('run_pipeline', { pipeline: 'release', wait: true });
      expect(waiting).toMatchObject({ status: 'waiting', pendingApproval: { stageId: 'gate' } });
      runId = waiting.runId;
    } finally {
      await first.client.close();
    }
    expect(first.errors).toEqual([]);
    expect(first.stderr()).toContain('switchyard mcp: 9 tools over stdio; pipelines: hello, release, slow');
    expect(first.stderr()).toContain('greeting stdio');

    const second = await start();
    try {
      const { runs } = await second.call<{ runs: { runId: string }[] }>('list_runs', { status: 'waiting' });
      expect(runs.map((r) => r.runId)).toEqual([runId]);
      const done = await second.call<{ status: string; output: Record<string, unknown> }>('approve_run', { runId, data: { version: '3.1.4' }, wait: true });
      expect(done).toMatchObject({ status: 'completed', output: { approved: true, deployed: '3.1.4' } });
      const failed = (await second.client.callTool({ name: 'get_run', arguments: { runId: 'missing' } })) as CallToolResult;
      expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^NOT_FOUND: runId: /) }] });
    } finally {
      await second.client.close();
    }
    expect(second.errors).toEqual([]);
  });
});
