import type { DefineCommand } from '../output.js';

const HELP = `
Checks a pipeline file without running it: the schema, every stage's engine and task (through the
adapter's schema), expressions, failure paths and modules. One clear error names the path to fix.

Exit codes: 0 valid, 2 invalid.

Examples:
  $ switchyard validate examples/seed-002/pattern-1-document-approval.yaml
  $ switchyard validate pipeline.yaml --json`;

export const defineValidate: DefineCommand = (program, setExitCode) => {
  program
    .command('validate')
    .description('check a pipeline file without running it')
    .argument('<file>', 'pipeline file')
    .option('--json', 'print { valid, name, stages } as JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, options: { json?: boolean }) => {
      const { validateAction } = await import('./hub-actions.js');
      setExitCode(await validateAction(file, options));
    });
};
