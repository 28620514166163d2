import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRunStore } from 'switchyard';
import { createServer, type SwitchyardServer } from '../../../src/server/index.js';
import { MCP_TOOLS } from '../../../src/mcp/index.js';
import { PIPELINES, tempHomes } from './helpers.js';

const KEY = 'mcp-test-key-0123456789';
const home = tempHomes();
const store = new MemoryRunStore();
let server: SwitchyardServer;
beforeAll(async () => {
  server = await createServer({ pipelinesDir: PIPELINES, home: home(), store, apiKeys: [KEY], log: () => {} });
});
afterAll(async () => {
  await server?.close({ graceMs: 0 });
  await store.close();
});

async function client(key?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('http://switchyard.test/mcp'), {
    fetch: (url, init) => Promise.resolve(server.fetch(new Request(url, init))),
    ...(key ? { requestInit: { headers: { authorization: `Bearer ${key}` } } } : {}),
  });
  const mcp = new Client({ name: 'switchyard-server-tests', version: '1.0.0' });
  await mcp.connect(transport);
  return mcp;
}

describe('the HTTP server mounts the MCP tools at /mcp', () => {
  it('behind the same API keys', async () => {
    await expect(client()).rejects.toThrow(/401/);
    const answer = await server.request('/mcp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(401);
  });

  it("on the server's hub, store and catalog: a run started through MCP is an API run", async () => {
    const mcp = await client(KEY);
    try {
      expect((await mcp.listTools()).tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
      const result = (await mcp.callTool({ name: 'run_pipeline', arguments: { pipeline: 'hello', input: { who: 'api' }, wait: true } })) as CallToolResult;
      const { runId, status } = result.structuredContent as { runId: string; status: string };
      expect(status).toBe('completed');
      const shown = await server.request(`/api/runs/${runId}`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(shown.status).toBe(200);
      expect(await shown.json()).toMatchObject({ status: 'completed', pipeline: 'hello' });

      const bad = (await mcp.callTool({ name: 'validate_pipeline', arguments: { pipeline: { name: 'x', stages: [{ type: 'langraph', task: {} }] } } })) as CallToolResult;
      expect(bad.structuredContent).toMatchObject({ valid: false, issues: [{ path: 'stages[0].type', suggestion: 'langgraph' }] });
      const refused = (await mcp.callTool({ name: 'run_pipeline', arguments: { pipeline: { name: 'x', modules: ['./handlers.ts'], stages: [] } } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain('modules: expected no modules');
    } finally {
      await mcp.close();
    }
  });
});
