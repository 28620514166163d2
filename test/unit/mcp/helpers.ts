import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, expect } from 'vitest';
import { createMcpServer, openMcpContext, type McpContext, type McpContextOptions } from '../../../src/mcp/index.js';

/** The pipelines the MCP tests offer by name: hello (a prefect DAG) and release (a graph with an approval). */
export const PIPELINES = resolve(import.meta.dirname, '../../fixtures/mcp/pipelines');

/** A fresh home per call, removed after the file's tests. */
export function tempHomes(prefix = 'sy-mcp-'): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

export interface Connected {
  readonly client: Client;
  readonly context: McpContext;
  /** Calls a tool; the result as the SDK's client returns it. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed; its structured content. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls a tool that must fail; its error text. */
  fails(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** The SDK's own client connected to a switchyard MCP server through an in-memory transport pair. */
export async function connect(options: McpContextOptions): Promise<Connected> {
  const context = await openMcpContext(options);
  const server = createMcpServer({ context });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'switchyard-tests', version: '1.0.0' });
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    context,
    call,
    async ok<T>(name: string, args?: Record<string, unknown>) {
      const result = await call(name, args);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toContain(JSON.stringify(result.structuredContent, null, 2));
      return result.structuredContent as T;
    },
    async fails(name: string, args?: Record<string, unknown>) {
      const result = await call(name, args);
      expect(result.isError, textOf(result)).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      const text = textOf(result);
      expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
      return text;
    },
    async close() {
      await client.close();
      await server.close();
      await context.close();
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Polls get_run until the run has one of `statuses`. */
export async function waitForStatus(connected: Connected, runId: string, statuses: readonly string[], timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await connected.ok<{ run: { status: string } }>('get_run', { runId });
    if (statuses.includes(shown.run.status)) return shown as unknown as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${shown.run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
