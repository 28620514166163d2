import type { DefineCommand } from '../output.js';

const HELP = `
Examples:
  $ switchyard runs list
  $ switchyard runs list --status waiting --json
  $ switchyard runs show 20261121-235812-a1b2c3d4e5
  $ switchyard runs show 20261121-235812-a1b2c3d4e5 --events --json`;

export const defineRuns: DefineCommand = (program, setExitCode) => {
  const runs = program.command('runs').description('list and inspect runs in the run store').addHelpText('after', HELP);
  runs
    .command('list')
    .description('recent runs, newest first')
    .option('--status <status>', 'only runs with this status (running, completed, failed, partial, cancelled, waiting, interrupted: running when its process died)')
    .option('--limit <n>', 'how many (default 20)')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'switchyard home')
    .addHelpText('after', '\nExample:\n  $ switchyard runs list --status failed --limit 5')
    .action(async (options: { status?: string; limit?: string; json?: boolean; home?: string }) => {
      const { runsListAction } = await import('./hub-actions.js');
      setExitCode(await runsListAction(options));
    });
  runs
    .command('show')
    .description('one run: stages, history, approvals (and events)')
    .argument('<id>', 'run id')
    .option('--events', 'include every event')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'switchyard home')
    .addHelpText('after', '\nExample:\n  $ switchyard runs show 20261121-235812-a1b2c3d4e5 --json')
    .action(async (id: string, options: { events?: boolean; json?: boolean; home?: string }) => {
      const { runsShowAction } = await import('./hub-actions.js');
      setExitCode(await runsShowAction(id, options));
    });
};
