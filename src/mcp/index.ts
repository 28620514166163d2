/**
 * Switchyard as an MCP server: the selector, pipelines and runs as tools, over stdio (`switchyard mcp`) or
 * streamable HTTP (`mcpHttpHandler`, mounted at `/mcp`). A thin shell over the library, like the CLI.
 */
export { createMcpServer, MCP_TOOLS } from './server.js';
export type { McpServerOptions } from './server.js';
export { openMcpContext } from './context.js';
export type { McpContext, McpContextOptions } from './context.js';
export { loadPipelineCatalog } from './catalog.js';
export type { McpPipelines, LoadCatalogOptions } from './catalog.js';
export { mcpHttpHandler } from './http.js';
export type { McpHttpHandler, McpHttpHandlerOptions } from './http.js';
export { serveMcpStdio } from './stdio.js';
export type { ServeStdioOptions } from './stdio.js';
export { RunLauncher } from './launcher.js';
export type { LaunchOptions, StartedRun } from './launcher.js';
