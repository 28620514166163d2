import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpContext } from './context.js';
import { registerPipelineTools } from './tools/pipelines.js';
import { registerRunTools } from './tools/runs.js';
import { registerSelectorTools } from './tools/selector.js';

export interface McpServerOptions {
  /** The hub, the pipelines offered by name and the background runs: `openMcpContext(...)`. */
  readonly context: McpContext;
  /** The server name clients see (default `switchyard`). */
  readonly name?: string;
}

/** Every tool the server offers, in the order clients list them. */
export const MCP_TOOLS = [
  'select_orchestrator',
  'recommend_orchestrator',
  'get_orchestrator_guide',
  'validate_pipeline',
  'run_pipeline',
  'get_run',
  'list_runs',
  'approve_run',
  'reject_run',
] as const;

/**
 * An MCP server with switchyard's tools: the selector (select_orchestrator, recommend_orchestrator,
 * get_orchestrator_guide), pipelines (validate_pipeline, run_pipeline) and runs (get_run, list_runs, approve_run,
 * reject_run). Each tool has zod input and output schemas and answers with structured content and the same as
 * text; a failure is a tool error whose text names the path. Cheap to make: one per connection or request.
 */
export function createMcpServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: options.name ?? 'switchyard', version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'Switchyard routes each stage of an AI pipeline to the engine that fits it (agno, langgraph, llamaindex, prefect). Pick engines with select_orchestrator / recommend_orchestrator, check pipelines with validate_pipeline, start them with run_pipeline, follow them with get_run / list_runs, and decide waiting approvals with approve_run / reject_run.',
    },
  );
  registerSelectorTools(server);
  registerPipelineTools(server, options.context);
  registerRunTools(server, options.context);
  return server;
}

const VERSION = ((): string => {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
})();
