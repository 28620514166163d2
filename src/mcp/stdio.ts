import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpContext } from './context.js';
import { createMcpServer } from './server.js';

export interface ServeStdioOptions {
  readonly context: McpContext;
  readonly stdin?: NodeJS.ReadableStream & { readonly readableEnded?: boolean };
  readonly stdout?: NodeJS.WritableStream;
  /** Stops serving (a stop signal); serving also ends when stdin ends or the client closes. */
  readonly signal?: AbortSignal;
}

/**
 * Serves the MCP tools over stdio until the client goes away (stdin ends or closes) or `signal` aborts. Only
 * protocol messages are written to stdout. Resolves once the server is closed; the context stays open (close it).
 */
export async function serveMcpStdio(options: ServeStdioOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const server = createMcpServer({ context: options.context });
  const transport = new StdioServerTransport(stdin as NodeJS.ReadStream, (options.stdout ?? process.stdout) as NodeJS.WriteStream);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  transport.onclose = () => done();
  stdin.once('end', done);
  stdin.once('close', done);
  options.signal?.addEventListener('abort', done, { once: true });
  if (options.signal?.aborted) done();
  try {
    await server.connect(transport);
    await finished;
  } finally {
    stdin.off('end', done);
    stdin.off('close', done);
    options.signal?.removeEventListener('abort', done);
    await server.close().catch(() => {});
  }
}
