import { MAX_TIMER_MS, parseWholeNumber } from '../numbers.js';
import { type HubCliOptions, runInHub } from '../hub.js';
import { parseJsonOption } from '../json-option.js';
import { type DefineCommand, withJsonError } from '../output.js';

const HELP = `
Validates the whole pipeline first (nothing is written for an invalid one), then runs each stage on
its engine. Progress goes to stderr on a terminal; the run is kept in the run store (.switchyard/ or
SWITCHYARD_HOME) so it can be listed, shown and resumed.

Exit codes: 0 completed (or waiting for approval), 1 failed/partial/cancelled, 2 invalid input.

Examples:
  $ switchyard run examples/seed-002/quick-start.yaml
  $ switchyard run pipeline.yaml --input '{"query":"How do I implement auth?"}' --json
  $ switchyard run pipeline.yaml --jsonl events.jsonl --deadline 60000`;

export const defineRun: DefineCommand = (program, setExitCode) => {
  program
    .command('run')
    .description('run a pipeline file (YAML or JSON)')
    .argument('<file>', 'pipeline file')
    .option('--input <json>', 'run input as JSON')
    .option('--json', 'print the result object as JSON')
    .option('--jsonl <file>', 'also write every event as a JSON line to FILE')
    .option('--deadline <ms>', 'overall deadline in milliseconds')
    .option('--home <dir>', 'switchyard home (default SWITCHYARD_HOME or ./.switchyard)')
    .addHelpText('after', HELP)
    .action(async (file: string, options: RunCliOptions) => {
      setExitCode(await withJsonError(options.json, () => runFile(file, options)));
    });
};

interface RunCliOptions extends HubCliOptions {
  input?: string;
  deadline?: string;
}

async function runFile(file: string, options: RunCliOptions): Promise<number> {
  const input = parseJsonOption(options.input, '--input');
  let deadlineMs: number | undefined;
  if (options.deadline !== undefined) {
    deadlineMs = parseWholeNumber(options.deadline, '--deadline', { max: MAX_TIMER_MS });
  }
  return runInHub(options, (hub, common) => hub.run(file, { ...common, input, ...(deadlineMs ? { deadlineMs } : {}) }));
}
