import type { ErrorCode } from '../errors.js';
import { SwitchyardError } from '../errors.js';
import { mcpHttpHandler, openMcpContext, type McpContext, type McpPipelines } from '../mcp/index.js';
import type { PreparedPipeline } from '../pipeline/validate.js';
import type { ServerApp, ServerContext } from './context.js';
import { HttpProblem } from './problems.js';

/**
 * Mounts the MCP tools (src/mcp/) at `/mcp` behind the API's guard (the same API keys, then the rate limit), on the
 * server's hub, store and pipeline catalog: a run started through MCP shows in `/api/runs` and the other way round.
 * Returns the MCP context; the server closes it (cancelling the MCP runs still going) before its hub.
 */
export async function mountMcp(app: ServerApp, context: ServerContext): Promise<McpContext> {
  const mcp = await openMcpContext({ hub: context.hub, pipelines: catalogPipelines(context), log: context.log });
  const handler = mcpHttpHandler({ context: mcp });
  app.use('/mcp', ...context.guard);
  app.all('/mcp', (c) => handler(c.req.raw));
  return mcp;
}

/** The server's catalog as the MCP tools see it: the same names, the same inline rules, the same runs it continues. */
function catalogPipelines(context: ServerContext): McpPipelines {
  const { catalog } = context;
  const inline = (document: unknown): Promise<PreparedPipeline> => catalog.prepareInline(document).catch((error: unknown) => Promise.reject(asSwitchyardError(error)));
  return {
    names: () => catalog.names(),
    get: (name) => catalog.list().find((entry) => entry.name === name)?.prepared,
    inline,
    async forRun(run) {
      if (run.pipelineFile === undefined) return inline(run.pipeline);
      const entry = catalog.byFile(run.pipelineFile);
      if (!entry) throw new SwitchyardError('CONFLICT', `run ${run.runId} came from a pipeline file this server does not serve (${run.pipelineName}); continue it with the switchyard CLI`);
      return entry.prepared;
    },
  };
}

/** The catalog's 400 problem for an invalid pipeline as the error the tools report (code, path-named message, issues). */
function asSwitchyardError(error: unknown): unknown {
  if (!(error instanceof HttpProblem)) return error;
  const code = (typeof error.extensions.code === 'string' ? error.extensions.code : 'INVALID_PIPELINE') as ErrorCode;
  const first = error.issues?.[0];
  return new SwitchyardError(code, first && error.issues?.length === 1 ? first.message : error.message, {
    ...(first ? { path: first.path, expected: first.expected, got: first.got } : {}),
    ...(error.issues ? { issues: error.issues } : {}),
  });
}
