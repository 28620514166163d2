import { runInHub } from '../hub.js';
import type { DefineCommand } from '../output.js';

const HELP = `
Continues a run that was interrupted (a crash or a kill), failed or cancelled: completed stages are
not run again; the first unfinished stage runs next with the saved outputs, history and data bus.
A run waiting for approval continues with \`switchyard approve\` or \`switchyard reject\` instead.
The run's lease is taken first: of several resumes of one run (on any machines sharing the store) one
continues; the others exit 2 naming the process that holds the run and until when.

Examples:
  $ switchyard runs list --status running
  $ switchyard resume 20261121-235812-a1b2c3d4e5
  $ switchyard resume 20261121-235812-a1b2c3d4e5 --json`;

export const defineResume: DefineCommand = (program, setExitCode) => {
  program
    .command('resume')
    .description('continue an unfinished run from its first unfinished stage')
    .argument('<id>', 'run id')
    .option('--json', 'print the result object as JSON')
    .option('--jsonl <file>', 'also write every event as a JSON line to FILE')
    .option('--home <dir>', 'switchyard home')
    .addHelpText('after', HELP)
    .action(async (id: string, options: { json?: boolean; jsonl?: string; home?: string }) => {
      setExitCode(await runInHub(options, (hub, common) => hub.resume(id, common)));
    });
};
