import type { DefineCommand } from '../output.js';

interface SelectOptions {
  taskType: string;
  requiresState?: boolean;
  requiresRouting?: boolean;
  requiresScheduling?: boolean;
  profiles?: string;
  json?: boolean;
}

export const defineSelect: DefineCommand = (program) => {
  program
    .command('select')
    .description('pick the orchestrator for a task type and its requirements (the decision tree), and show why')
    .requiredOption('-t, --task-type <type>', 'the kind of task, e.g. rag_workflow, approval_workflow, batch_job, simple_task')
    .option('--requires-state', 'the task keeps state across steps and must recover from failures')
    .option('--requires-routing', 'the task branches on conditions')
    .option('--requires-scheduling', 'the task runs on a schedule')
    .option('--profiles <dir>', 'also load the orchestrator profiles in DIR (custom orchestrators)')
    .option('--json', 'print one JSON object: { type, rule, rulePath }')
    .addHelpText(
      'after',
      `
Rules, tried in order (the first that applies wins):
  task-type        the task type is declared by a profile that has every required capability
  task-type-words  the task type's words read as one engine (pdf_summary -> llamaindex)
  capabilities     the first profile with every required capability
  precedence       no profile has them all: scheduling > state > routing
  default          agno

Examples:
  $ switchyard select --task-type rag_workflow
  $ switchyard select --task-type approval_workflow --requires-state --requires-routing
  $ switchyard select --task-type batch_job --requires-scheduling --json`,
    )
    .action(async (options: SelectOptions) => {
      if (options.taskType.trim() === '') {
        const { invalidInput } = await import('../../errors.js');
        throw invalidInput('--task-type', 'a task type such as rag_workflow', options.taskType);
      }
      const { loadSelector } = await import('../../selector/load.js');
      const selector = await loadSelector(options.profiles);
      const decision = selector.select({
        taskType: options.taskType,
        requiresState: options.requiresState === true,
        requiresRouting: options.requiresRouting === true,
        requiresScheduling: options.requiresScheduling === true,
      });
      const { printJson, printTable } = await import('../output.js');
      if (options.json) {
        printJson(decision);
        return;
      }
      const profile = selector.getProfile(decision.type);
      process.stdout.write(`${decision.type} (${profile.name}: ${profile.summary}), decided by rule "${decision.rule}"\n\n`);
      printTable(
        ['#', 'rule', 'outcome'],
        decision.rulePath.map((step, i) => {
          const colon = step.indexOf(': ');
          return [i + 1, step.slice(0, colon), step.slice(colon + 2)];
        }),
      );
    });
};
