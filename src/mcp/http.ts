import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpContext } from './context.js';
import { createMcpServer } from './server.js';

export interface McpHttpHandlerOptions {
  readonly context: McpContext;
  /** The server name clients see (default `switchyard`). */
  readonly name?: string;
}

/** A web-standard request handler: `app.all('/mcp', (c) => handler(c.req.raw))` in hono, or any fetch-style server. */
export type McpHttpHandler = (request: Request) => Promise<Response>;

/**
 * The MCP streamable-HTTP endpoint as a web-standard handler, stateless: every POST gets its own MCP server and
 * transport over the shared context (hub, offered pipelines, background runs), answers with JSON, and both are
 * closed once it is answered. GET (a standalone event stream) and DELETE (ending a session) have nothing to serve
 * without sessions: 405. Authentication is the mounting server's job (put it behind the same API keys).
 */
export function mcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  return async (request) => {
    if (request.method !== 'POST') return methodNotAllowed();
    const server = createMcpServer({ context: options.context, ...(options.name ? { name: options.name } : {}) });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      await server.connect(transport);
      return await transport.handleRequest(request);
    } catch {
      return jsonRpcError(500, -32603, 'internal error handling the MCP request');
    } finally {
      await server.close().catch(() => {});
    }
  };
}

function methodNotAllowed(): Response {
  const response = jsonRpcError(405, -32000, 'method not allowed: this MCP endpoint is stateless; send JSON-RPC messages with POST');
  response.headers.set('allow', 'POST');
  return response;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), { status, headers: { 'content-type': 'application/json' } });
}
