import type { ApprovalDecision } from '../../adapter.js';
import { SwitchyardError, invalidInput } from '../../errors.js';
import { parseWholeNumber } from '../numbers.js';
import { type HubCliOptions, describeDecision, openExistingStore } from '../hub.js';
import { type DefineCommand, formatTable, printJson, printTable } from '../output.js';

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
      setExitCode(await listRuns(options));
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
      setExitCode(await showRun(id, options));
    });
};

async function listRuns(options: HubCliOptions & { status?: string; limit?: string }): Promise<number> {
  const limit = options.limit === undefined ? 20 : parseWholeNumber(options.limit, '--limit', { max: 10_000 });
  const { RUN_STATUSES, listRunsShown } = await import('../../pipeline/run-status.js');
  const status = options.status as (typeof RUN_STATUSES)[number] | undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status)) throw invalidInput('--status', `one of ${RUN_STATUSES.join(', ')}`, status);
  const store = await openExistingStore(options);
  try {
    const runs = store ? await listRunsShown(store, { limit, ...(status ? { status } : {}) }) : [];
    if (options.json) printJson(runs.map(({ pipeline: _p, ...run }) => run));
    else if (runs.length === 0) process.stdout.write('no runs yet: start one with `switchyard run FILE`\n');
    else printTable(['run', 'pipeline', 'status', 'created', 'updated'], runs.map((r) => [r.runId, r.pipelineName, r.status, r.createdAt, r.updatedAt]));
    return 0;
  } finally {
    await store?.close();
  }
}

async function showRun(runId: string, options: HubCliOptions & { events?: boolean }): Promise<number> {
  const store = await openExistingStore(options);
  try {
    const { shownRun } = await import('../../pipeline/run-status.js');
    const stored = await store?.getRun(runId);
    if (!store || !stored) {
      const { resolveHome } = await import('../../store/index.js');
      throw new SwitchyardError('NOT_FOUND', `no run ${JSON.stringify(runId)} in ${resolveHome(options.home)}`, { details: { runId } });
    }
    const run = await shownRun(store, stored);
    const [stages, history, approvals, events] = await Promise.all([store.listStages(runId), store.listHistory(runId), store.listApprovals(runId), options.events ? store.listEvents(runId) : []]);
    if (options.json) {
      printJson({ run, stages, history, approvals, ...(options.events ? { events } : {}) });
      return 0;
    }
    const lines = [
      `run ${run.runId} (${run.pipelineName}): ${run.status}${run.status === 'interrupted' ? ` (its process ${run.pid} is gone; \`switchyard resume ${run.runId}\` continues it)` : ''}`,
      `  created ${run.createdAt}, updated ${run.updatedAt}${run.pipelineFile ? `, file ${run.pipelineFile}` : ''}`,
      '',
      formatTable(
        ['stage', 'engine', 'status', 'attempts', 'ms', 'error'],
        stages.map((s) => [s.stageId, s.engine, s.status, s.attempts, s.durationMs === undefined ? '' : Math.round(s.durationMs), s.error?.message ?? '']),
      ),
      '',
      'history:',
      ...history.map((h) => `  ${h.endedAt}  ${h.stageId} (${h.engine}) ${h.outcome}${h.attempt > 1 ? ` attempt ${h.attempt}` : ''}${h.reasons ? ` — ${h.reasons.join('; ')}` : ''}${h.error ? ` — ${h.error.message}` : ''}`),
    ];
    const decided = (d: ApprovalDecision | undefined) => (d ? describeDecision(d) : 'pending');
    for (const a of approvals) {
      // several approvals at once in one stage (parallel approval nodes): one line each
      if (a.approvals && a.approvals.length > 1) lines.push('', ...a.approvals.map((i) => `approval at ${a.stageId} (${i.point}): ${i.message} — ${decided(i.decision)}`));
      else lines.push('', `approval at ${a.stageId}: ${a.approval.message} — ${decided(a.decision)}`);
    }
    if (run.error) lines.push('', `error: ${run.error.code}: ${run.error.message}`);
    if (options.events) lines.push('', 'events:', ...events.map((e) => `  ${e.seq} ${new Date(e.at).toISOString()} ${e.type}${'stageId' in e ? ` ${e.stageId}` : ''}`));
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store?.close();
  }
}
