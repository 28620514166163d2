import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS, mcpHttpHandler, openMcpContext, type McpContext, type McpHttpHandler } from '../../../src/mcp/index.js';
import { PIPELINES, tempHomes } from './helpers.js';

const home = tempHomes();
let context: McpContext;
let handler: McpHttpHandler;
const seen: string[] = [];
beforeAll(async () => {
  context = await openMcpContext({ home: home(), pipelines: PIPELINES });
  handler = mcpHttpHandler({ context });
});
afterAll(() => context?.close());

/** The SDK's streamable-HTTP client, its requests handed straight to the handler (as a server mounting it would). */
async function httpClient(): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('http://switchyard.test/mcp'), {
    fetch: (url, init) => {
      seen.push(init?.method ?? 'GET');
      return handler(new Request(url, init));
    },
  });
  const client = new Client({ name: 'switchyard-http-tests', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

describe('the streamable-HTTP MCP handler', () => {
  it('serves every tool, stateless, to clients that share the hub and the run store', async () => {
    const first = await httpClient();
    const second = await httpClient();
    try {
      expect((await first.listTools()).tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
      const selected = (await first.callTool({ name: 'select_orchestrator', arguments: { taskType: 'rag_workflow' } })) as CallToolResult;
      expect(selected.structuredContent).toMatchObject({ type: 'llamaindex' });

      const started = (await first.callTool({ name: 'run_pipeline', arguments: { pipeline: 'hello', input: { who: 'http' } } })) as CallToolResult;
      const { runId } = started.structuredContent as { runId: string };
      let status = 'running';
      for (let i = 0; i < 400 && status === 'running'; i++) {
        const shown = (await second.callTool({ name: 'get_run', arguments: { runId } })) as CallToolResult;
        status = (shown.structuredContent as { run: { status: string } }).run.status;
        if (status === 'running') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe('completed');

      const failed = (await second.callTool({ name: 'get_run', arguments: { runId: 'nope' } })) as CallToolResult;
      expect(failed.isError).toBe(true);
      expect(failed.content).toEqual([{ type: 'text', text: 'NOT_FOUND: runId: expected the id of a run in the run store; got "nope" (list_runs shows them)' }]);
    } finally {
      await first.close();
      await second.close();
    }
    expect(seen).toContain('POST');
  });

  it('answers JSON to a POST and 405 to GET and DELETE (no sessions)', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } } };
    const response = await handler(new Request('http://switchyard.test/mcp', { method: 'POST', headers, body: JSON.stringify(init) }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'switchyard' }, capabilities: { tools: {} } } });

    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_orchestrator_guide', arguments: {} } };
    const answered = await handler(new Request('http://switchyard.test/mcp', { method: 'POST', headers: { ...headers, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify(call) }));
    expect(((await answered.json()) as { result: { structuredContent: { guide: Record<string, string> } } }).result.structuredContent.guide['RAG pipeline']).toBe('llamaindex');

    for (const method of ['GET', 'DELETE']) {
      const refused = await handler(new Request('http://switchyard.test/mcp', { method, headers: { accept: 'text/event-stream' } }));
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('POST');
    }
  });
});
