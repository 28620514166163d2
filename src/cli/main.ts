import { delimiter, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { reportError } from './output.js';
import { printDeprecationWarnings } from './warnings.js';

/**
 * The CLI entry: a thin shell that builds the command tree and dispatches.
 * Command files import nothing heavy at top level; their actions import the library lazily,
 * so `switchyard select` never loads an engine SDK.
 * Returns the exit code: 0 success, 1 a run or check failed, 2 bad input.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('switchyard')
    .description('Route each stage of a multi-stage AI pipeline to the orchestration engine that fits it.')
    .version(await readVersion(), '-V, --version')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .option('--module-root <dir>', "trust the modules in DIR besides each pipeline's own folder (repeatable; also SWITCHYARD_MODULE_ROOTS)", collect, [])
    .option('--store <url>', 'the run store for every command: postgres://... (default SWITCHYARD_STORE_URL, else SQLite under the home)')
    .option('--document-root <dir>', "let stages read documents in DIR instead of only the pipeline's folder (repeatable; also SWITCHYARD_DOCUMENT_ROOTS)", collect, [])
    .addHelpText('after', EXAMPLES);
  // The operator's sandboxes, given as flags, reach every command (and the library) as their environment variables.
  const savedRoots = { modules: process.env.SWITCHYARD_MODULE_ROOTS, documents: process.env.SWITCHYARD_DOCUMENT_ROOTS, store: process.env.SWITCHYARD_STORE_URL };
  program.hook('preAction', () => {
    const { moduleRoot, documentRoot, store } = program.opts<{ moduleRoot: string[]; documentRoot: string[]; store?: string }>();
    if (store !== undefined) process.env.SWITCHYARD_STORE_URL = store;
    if (moduleRoot.length) process.env.SWITCHYARD_MODULE_ROOTS = [...moduleRoot.map((d) => resolve(d)), ...(savedRoots.modules ? [savedRoots.modules] : [])].join(delimiter);
    if (documentRoot.length) process.env.SWITCHYARD_DOCUMENT_ROOTS = [...documentRoot.map((d) => resolve(d)), ...(savedRoots.documents ? [savedRoots.documents] : [])].join(delimiter);
  });

  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  for (const define of COMMANDS) define(program, setExitCode);
  oneLineErrors(program, 'switchyard');

  const restoreWarnings = printDeprecationWarnings();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      if (error.exitCode === 0) return 0;
      return 2;
    }
    return reportError(error);
  } finally {
    restoreWarnings();
    restoreEnv('SWITCHYARD_MODULE_ROOTS', savedRoots.modules);
    restoreEnv('SWITCHYARD_DOCUMENT_ROOTS', savedRoots.documents);
    restoreEnv('SWITCHYARD_STORE_URL', savedRoots.store);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const EXAMPLES = `
Examples:
  $ switchyard recommend "Need to analyze documents and get approval"
  $ switchyard select --task-type rag_workflow --json
  $ switchyard run examples/quickstart/pipeline.yaml
  $ switchyard runs list
  $ switchyard approve RUN_ID --data '{"note":"ship it"}'
  $ switchyard schedule add examples/scheduled-etl/pipeline.yaml --cron "0 2 * * *" --tz Europe/Paris

Every command takes --help (with examples) and --json. Exit codes: 0 ok, 1 a run failed, 2 bad input.
Files live in ./.switchyard (set SWITCHYARD_HOME to move them).
Pipelines are untrusted input: modules load only from the pipeline's folder or --module-root, documents are read only
inside the pipeline's folder or --document-root (see SECURITY.md).`;

/**
 * Commander's own errors (unknown option, missing argument, unknown command) as one line with a pointer to
 * the command's help: `error: unknown option '--jsn' (did you mean --json?) (see `switchyard select --help`)`.
 * Applied to every command and subcommand, after they are all defined.
 */
function oneLineErrors(command: Command, name: string): void {
  command.exitOverride();
  command.configureOutput({
    outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ').replace('(Did you mean', '(did you mean')} (see \`${name} --help\`)\n`),
  });
  for (const sub of command.commands) oneLineErrors(sub, `${name} ${sub.name()}`);
}

async function readVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}
