import { invalidInput } from '../../errors.js';
import { type HubCliOptions, runInHub } from '../hub.js';
import { parseJsonOption } from '../json-option.js';
import type { DefineCommand } from '../output.js';

const HELP = `
Records the approval and resumes the run in this process: the waiting stage runs again with the
decision (context.approval), then the rest of the pipeline runs. Of several approvals or rejections of
one run at once, one is recorded; the others exit 2 naming the process that holds the run.

Examples:
  $ switchyard approve 20261121-235812-a1b2c3d4e5
  $ switchyard approve 20261121-235812-a1b2c3d4e5 --stage review --data '{"note":"looks good"}' --by ana
  $ switchyard approve 20261121-235812-a1b2c3d4e5 --stage signoff --point legal   # one of several at once

A stage whose parallel approval nodes wait at the same time has one approval per node: decide each with
--point NODE (or --approval ID, from \`runs show --json\`); the run stays waiting until the last is decided,
then the stage resumes with every decision.`;

export const defineApprove: DefineCommand = (program, setExitCode) => {
  program
    .command('approve')
    .description('approve a waiting run and resume it')
    .argument('<runId>', 'run id')
    .option('--stage <id>', 'the waiting stage (needed only when several wait)')
    .option('--point <name>', 'one of several approvals the stage waits on at once: its point (node)')
    .option('--approval <id>', 'one of several approvals the stage waits on at once: its approval id')
    .option('--data <json>', 'a JSON object handed to the stage with the approval')
    .option('--by <name>', 'who approved')
    .option('--json', 'print the result object as JSON')
    .option('--home <dir>', 'switchyard home')
    .addHelpText('after', HELP)
    .action(async (runId: string, options: ApproveCliOptions) => {
      setExitCode(await approve(runId, options));
    });
};

interface ApproveCliOptions extends HubCliOptions {
  stage?: string;
  point?: string;
  approval?: string;
  data?: string;
  by?: string;
}

async function approve(runId: string, options: ApproveCliOptions): Promise<number> {
  const data = parseJsonOption(options.data, '--data');
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) throw invalidInput('--data', 'a JSON object', data);
  return runInHub(options, (hub, common) =>
    hub.approve(runId, {
      ...common,
      ...(options.stage ? { stageId: options.stage } : {}),
      ...(options.point ? { point: options.point } : {}),
      ...(options.approval ? { approvalId: options.approval } : {}),
      ...(data ? { data: data as Record<string, unknown> } : {}),
      ...(options.by ? { by: options.by } : {}),
    }),
  );
}
