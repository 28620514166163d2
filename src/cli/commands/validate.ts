import { type HubCliOptions, openHub } from '../hub.js';
import { type DefineCommand, printJson, withJsonError } from '../output.js';

const HELP = `
Checks a pipeline file without running it: the schema, every stage's engine and task (through the
adapter's schema), expressions, failure paths and modules. Every problem is reported, one line each
naming its path (the first 20, then how many more); --json adds them as issues.

Exit codes: 0 valid, 2 invalid.

Examples:
  $ switchyard validate examples/seed-002/pattern-1-document-approval.yaml
  $ switchyard validate pipeline.yaml --json`;

export const defineValidate: DefineCommand = (program, setExitCode) => {
  program
    .command('validate')
    .description('check a pipeline file without running it')
    .argument('<file>', 'pipeline file')
    .option('--json', 'print { valid, name, stages } as JSON (invalid: { valid: false, error, issues })')
    .addHelpText('after', HELP)
    .action(async (file: string, options: { json?: boolean }) => {
      setExitCode(await withJsonError(options.json, () => validateFile(file, options), { valid: false }));
    });
};

async function validateFile(file: string, options: HubCliOptions): Promise<number> {
  const hub = await openHub(options);
  try {
    const prepared = await hub.validate(file);
    const stages = prepared.steps.flatMap((s) => (s.kind === 'stage' ? [{ id: s.id, type: s.type }] : [{ id: s.id, type: 'parallel' }, ...s.branches.map((b) => ({ id: b.id, type: b.type }))]));
    if (options.json) printJson({ valid: true, file: prepared.file, name: prepared.name, stages });
    else process.stdout.write(`${file}: valid pipeline "${prepared.name}" (${stages.map((s) => `${s.id}:${s.type}`).join(', ')})\n`);
    return 0;
  } finally {
    await hub.close();
  }
}
