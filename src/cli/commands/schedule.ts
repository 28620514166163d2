import { SwitchyardError, invalidInput } from '../../errors.js';
import type { ScheduleRecord } from '../../store/types.js';
import { withStore } from '../hub.js';
import { parseJsonOption } from '../json-option.js';
import { type DefineCommand, printJson, printTable } from '../output.js';

interface AddOptions {
  cron?: string;
  tz?: string;
  every?: string;
  input?: string;
  id?: string;
  overlap: string;
  missed: string;
  paused?: boolean;
  json?: boolean;
}

const ADD_HELP = `
Examples:
  $ switchyard schedule add etl.yaml --cron "0 2 * * *" --tz Europe/Paris   # 2 AM Paris time, daily
  $ switchyard schedule add report.yaml --every 15m --input '{"team":"ops"}'
  $ switchyard schedule add nightly.yaml          # takes the cron from its scheduled_etl stage

Cron has five fields (minute hour day-of-month month day-of-week), or six with leading seconds;
@hourly, @daily, @weekly work too. Times are in --tz (an IANA zone, default UTC).
Durations: 500ms, 30s, 5m, 2h, 1d, 1h30m.
A pipeline file has one schedule per timing: adding a file and timing that already has one (from an
earlier \`schedule add\` or registered by its scheduled_etl stage) prints "already scheduled as ID",
adds nothing and exits 0. An --id that is already taken is an error (exit 2).
Nothing fires until \`switchyard scheduler\` is running.`;

const GROUP_HELP = `
Schedules live in the run store (SWITCHYARD_HOME, default ./.switchyard) and are fired by
\`switchyard scheduler\`, which runs each firing as an ordinary pipeline run (see \`switchyard runs\`).

Examples:
  $ switchyard schedule add etl.yaml --cron "0 2 * * *" --tz America/New_York
  $ switchyard schedule list
  $ switchyard schedule pause etl-3f2a1c
  $ switchyard schedule resume etl-3f2a1c
  $ switchyard schedule rm etl-3f2a1c
  $ switchyard scheduler                            # fire them (foreground; Ctrl-C stops)`;

/** `switchyard schedule add|list|pause|resume|rm`: manage the schedules `switchyard scheduler` fires. */
export const defineSchedule: DefineCommand = (program) => {
  const schedule = program
    .command('schedule')
    .description('add, list, pause, resume and remove pipeline schedules (cron or interval)')
    .addHelpText('after', GROUP_HELP);

  schedule
    .command('add')
    .description('schedule a pipeline file on a cron expression or an interval')
    .argument('<file>', 'pipeline file (YAML or JSON); validated now, run at each firing')
    .option('--cron <expr>', 'cron expression, e.g. "0 2 * * *" (2 AM daily) or "*/10 * * * * *" (every 10 s)')
    .option('--tz <zone>', 'IANA time zone for --cron, e.g. Europe/Paris (default UTC)')
    .option('--every <duration>', 'interval instead of cron: 30s, 5m, 1h30m')
    .option('--input <json>', 'run input for each firing, as JSON')
    .option('--id <id>', 'schedule id (default: file name plus a short suffix)')
    .option('--overlap <policy>', 'skip: no new run while the last is still going; allow: run anyway', 'skip')
    .option('--missed <policy>', 'runs missed while no scheduler ran: skip, or run-once on start', 'skip')
    .option('--paused', 'add it paused (resume it later)')
    .option('--json', 'print the schedule as JSON')
    .addHelpText('after', ADD_HELP)
    .action(async (file: string, options: AddOptions) => {
      await addSchedule(file, options);
    });

  schedule
    .command('list')
    .alias('ls')
    .description('list schedules with their next and last run')
    .option('--json', 'print the schedules as JSON')
    .addHelpText('after', '\nExamples:\n  $ switchyard schedule list\n  $ switchyard schedule ls --json')
    .action(async (options: { json?: boolean }) => {
      await listSchedules(options);
    });

  for (const [name, description] of [
    ['pause', 'stop firing a schedule (it stays in the store)'],
    ['resume', 'fire a paused schedule again, from its next time after now'],
    ['rm', 'remove a schedule'],
  ] as const) {
    schedule
      .command(name)
      .description(description)
      .argument('<id>', 'schedule id (see `switchyard schedule list`)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  $ switchyard schedule ${name} nightly-etl-3f2a1c`)
      .action(async (id: string, options: { json?: boolean }) => {
        await changeSchedule(name, id, options);
      });
  }
};

async function addSchedule(file: string, options: AddOptions): Promise<void> {
  const { assertScheduleId, createScheduleRecord } = await import('../../schedule/records.js');
  const { assertCron, assertTimezone, describeSchedule, parseDuration } = await import('../../schedule/timing.js');
  if (options.overlap !== 'skip' && options.overlap !== 'allow') throw invalidInput('--overlap', '"skip" or "allow"', options.overlap);
  if (options.missed !== 'skip' && options.missed !== 'run-once') throw invalidInput('--missed', '"skip" or "run-once"', options.missed);
  if (options.cron !== undefined && options.every !== undefined) throw new SwitchyardError('INVALID_INPUT', '--every: expected either --cron or --every, not both', { path: '--every' });
  const intervalMs = options.every !== undefined ? parseDuration(options.every, '--every') : undefined;
  if (options.tz !== undefined && options.every !== undefined) throw invalidInput('--tz', 'only with --cron (an interval does not depend on a time zone)', options.tz);
  if (options.id !== undefined) assertScheduleId(options.id, '--id');
  const input = parseJsonOption(options.input, '--input');
  let cron = options.cron;
  let timezone = options.tz;
  // Validate the timing before touching the file, so a bad cron gets its own clear line.
  if (timezone !== undefined) assertTimezone(timezone, '--tz');
  if (cron !== undefined) assertCron(cron, undefined, '--cron');

  const { loadPipeline, readPipelineFile } = await import('../../pipeline/index.js');
  const loaded = await readPipelineFile(file);
  if (cron === undefined && intervalMs === undefined) {
    const etl = findScheduledEtl(loaded.document);
    if (!etl) throw new SwitchyardError('INVALID_INPUT', `${file}: expected --cron EXPR or --every DURATION (the pipeline has no scheduled_etl stage to take a schedule from)`, { path: '--cron' });
    cron = etl.schedule;
    timezone ??= etl.timezone;
  }
  const record = createScheduleRecord({
    pipelineFile: loaded.file,
    ...(cron !== undefined ? { cron } : {}),
    ...(timezone !== undefined ? { timezone } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(options.id !== undefined ? { id: options.id } : {}),
    overlap: options.overlap,
    missed: options.missed,
    paused: options.paused ?? false,
  });
  await loadPipeline(loaded.file);
  const { findSameSchedule } = await import('../../schedule/identity.js');
  const existing = await withStore(async (store) => {
    if (await store.getSchedule(record.id)) throw new SwitchyardError('CONFLICT', `schedule ${record.id} already exists (remove it first: switchyard schedule rm ${record.id})`);
    // One schedule per pipeline file and timing, whoever added it (this command or a scheduled_etl stage's run).
    const same = findSameSchedule(await store.listSchedules(), record);
    if (same) return same;
    await store.saveSchedule(record);
    return undefined;
  });
  if (existing) {
    const { isDeepStrictEqual } = await import('node:util');
    const inputDiffers = !isDeepStrictEqual(existing.input, record.input);
    if (options.json) printJson({ ...existing, alreadyScheduled: true });
    else process.stdout.write(`already scheduled as ${existing.id}: ${describeSchedule(existing)}${existing.paused ? ' (paused)' : ''}; nothing added${inputDiffers ? ` (its input differs: switchyard schedule rm ${existing.id}, then add again)` : ''}\n`);
    return;
  }
  if (options.json) printJson(record);
  else process.stdout.write(`added schedule ${record.id}: ${describeSchedule(record)}, next run ${record.nextRunAt}${record.paused ? ' (paused)' : ''}\n(fired by \`switchyard scheduler\`)\n`);
}

async function listSchedules(options: { json?: boolean }): Promise<void> {
  const schedules = await withStore((store) => store.listSchedules(), () => []);
  const { describeSchedule } = await import('../../schedule/timing.js');
  if (options.json) {
    printJson(schedules);
    return;
  }
  if (schedules.length === 0) {
    process.stdout.write('no schedules (add one: switchyard schedule add FILE --cron "0 2 * * *")\n');
    return;
  }
  printTable(
    ['ID', 'SCHEDULE', 'STATE', 'NEXT RUN', 'LAST RUN', 'PIPELINE'],
    schedules.map((s) => [s.id, describeSchedule(s), s.paused ? 'paused' : 'active', s.paused ? '' : (s.nextRunAt ?? ''), s.lastRunAt ?? '', s.pipelineFile]),
  );
}

async function changeSchedule(action: 'pause' | 'resume' | 'rm', id: string, options: { json?: boolean }): Promise<void> {
  const { nextRunAt } = await import('../../schedule/timing.js');
  const result = await withStore(async (store) => {
    const existing = await store.getSchedule(id);
    if (!existing) throw unknownSchedule(id, (await store.listSchedules()).map((s) => s.id));
    if (action === 'rm') {
      await store.removeSchedule(id);
      return { id, removed: true };
    }
    const updated: ScheduleRecord = {
      ...existing,
      paused: action === 'pause',
      ...(action === 'resume' ? { nextRunAt: nextRunAt(existing, new Date()).toISOString() } : {}),
    };
    await store.saveSchedule(updated);
    return updated;
  }, () => {
    throw unknownSchedule(id, []);
  });
  if (options.json) printJson(result);
  else if (action === 'rm') process.stdout.write(`removed schedule ${id}\n`);
  else process.stdout.write(`${action === 'pause' ? 'paused' : 'resumed'} schedule ${id}${action === 'resume' ? `, next run ${(result as ScheduleRecord).nextRunAt}` : ''}\n`);
}

function unknownSchedule(id: string, known: readonly string[]): SwitchyardError {
  return new SwitchyardError('NOT_FOUND', `schedule ${JSON.stringify(id)}: no such schedule (known: ${known.length ? known.join(', ') : 'none'})`, { path: 'id', got: id });
}

function findScheduledEtl(document: unknown): { schedule: string; timezone?: string } | undefined {
  const stages = (document as { stages?: unknown })?.stages;
  if (!Array.isArray(stages)) return undefined;
  const all = stages.flatMap((stage: unknown) => {
    const group = (stage as { parallel?: unknown })?.parallel;
    return Array.isArray(group) ? group : [stage];
  });
  for (const stage of all) {
    const task = (stage as { task?: { type?: unknown; schedule?: unknown; timezone?: unknown } })?.task;
    if (task?.type === 'scheduled_etl' && typeof task.schedule === 'string') {
      return { schedule: task.schedule, ...(typeof task.timezone === 'string' ? { timezone: task.timezone } : {}) };
    }
  }
  return undefined;
}
