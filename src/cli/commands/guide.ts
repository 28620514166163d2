import type { DefineCommand } from '../output.js';

export const defineGuide: DefineCommand = (program) => {
  program
    .command('guide')
    .description('the quick-reference guide: which orchestrator fits which kind of task')
    .option('--profiles <dir>', 'also load the orchestrator profiles in DIR (custom orchestrators)')
    .option('--json', 'print the guide as one JSON object: { "<task>": "<orchestrator>" }')
    .addHelpText(
      'after',
      `
Examples:
  $ switchyard guide
  $ switchyard guide --json`,
    )
    .action(async (options: { profiles?: string; json?: boolean }) => {
      const { loadSelector } = await import('../../selector/load.js');
      const guide = (await loadSelector(options.profiles)).guide();
      const { printJson, printTable } = await import('../output.js');
      if (options.json) printJson(guide);
      else printTable(['task', 'orchestrator'], Object.entries(guide));
    });
};
