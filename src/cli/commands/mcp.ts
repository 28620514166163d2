import type { DefineCommand } from '../output.js';
import { onStopSignals } from '../stop-signals.js';

const HELP = `
Serves switchyard's tools to an MCP client over stdio: select_orchestrator, recommend_orchestrator,
get_orchestrator_guide, validate_pipeline, run_pipeline, get_run, list_runs, approve_run, reject_run.
stdout carries only the protocol; messages go to stderr. The client starts this command itself:

  { "mcpServers": { "switchyard": { "command": "npx", "args": ["switchyard", "mcp", "--pipelines", "/srv/pipelines"] } } }

--pipelines DIR offers every pipeline file in DIR by its name (else its file name), validated and
its modules loaded once at start; modules must lie inside DIR or SWITCHYARD_MODULE_ROOTS. Clients may
also run inline pipeline objects, which may not load modules. Runs started without wait go on in this
process; when the client goes away (or on Ctrl-C) they are cancelled and \`switchyard resume\` continues them.

Examples:
  $ switchyard mcp
  $ switchyard mcp --pipelines examples/approval-cicd --home /var/lib/switchyard
  See docs/mcp.md.`;

export const defineMcp: DefineCommand = (program, setExitCode) => {
  program
    .command('mcp')
    .description('serve the selector, pipelines and runs as MCP tools over stdio')
    .option('--pipelines <dir>', 'offer the pipeline files in DIR by name (validated, modules loaded, at start)')
    .option('--home <dir>', 'switchyard home (default SWITCHYARD_HOME or ./.switchyard)')
    .addHelpText('after', HELP)
    .action(async (options: { pipelines?: string; home?: string }) => {
      setExitCode(await serve(options));
    });
};

async function serve(options: { pipelines?: string; home?: string }): Promise<number> {
  // Only protocol messages on stdout: whatever a module or engine prints goes to stderr.
  for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
  const log = (line: string) => void process.stderr.write(`switchyard mcp: ${line}\n`);
  const { openMcpContext, serveMcpStdio, MCP_TOOLS } = await import('../../mcp/index.js');
  const context = await openMcpContext({
    ...(options.home !== undefined ? { home: options.home } : {}),
    ...(options.pipelines !== undefined ? { pipelines: options.pipelines } : {}),
    log,
  });
  const stop = new AbortController();
  // A second signal while runs are being cancelled ends the process.
  const dispose = onStopSignals((_signal, count) => (count === 1 ? stop.abort() : process.exit(130)));
  try {
    const offered = context.pipelines.names();
    log(`${MCP_TOOLS.length} tools over stdio${options.pipelines !== undefined ? `; pipelines: ${offered.join(', ') || '(none)'}` : ''}`);
    await serveMcpStdio({ context, signal: stop.signal });
    return 0;
  } finally {
    dispose();
    await context.close();
  }
}
