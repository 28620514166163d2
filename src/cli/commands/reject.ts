import { runInHub } from '../hub.js';
import type { DefineCommand } from '../output.js';

const HELP = `
Records the rejection and resumes the run: the waiting stage runs again with
context.approval.approved === false (a graph typically routes to its end), then the pipeline continues.

Examples:
  $ switchyard reject 20261121-235812-a1b2c3d4e5 --reason "tests are flaky"
  $ switchyard reject 20261121-235812-a1b2c3d4e5 --stage approve --json
  $ switchyard reject 20261121-235812-a1b2c3d4e5 --stage signoff --point finance   # one of several at once`;

export const defineReject: DefineCommand = (program, setExitCode) => {
  program
    .command('reject')
    .description('reject a waiting run and resume it')
    .argument('<runId>', 'run id')
    .option('--stage <id>', 'the waiting stage (needed only when several wait)')
    .option('--point <name>', 'one of several approvals the stage waits on at once: its point (node)')
    .option('--approval <id>', 'one of several approvals the stage waits on at once: its approval id')
    .option('--reason <text>', 'why')
    .option('--by <name>', 'who rejected')
    .option('--json', 'print the result object as JSON')
    .option('--home <dir>', 'switchyard home')
    .addHelpText('after', HELP)
    .action(async (runId: string, options: { stage?: string; point?: string; approval?: string; reason?: string; by?: string; json?: boolean; home?: string }) => {
      setExitCode(
        await runInHub(options, (hub, common) =>
          hub.reject(runId, {
            ...common,
            ...(options.stage ? { stageId: options.stage } : {}),
            ...(options.point ? { point: options.point } : {}),
            ...(options.approval ? { approvalId: options.approval } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.by ? { by: options.by } : {}),
          }),
        ),
      );
    });
};
