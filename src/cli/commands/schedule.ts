import type { DefineCommand } from '../output.js';

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
      const { addSchedule } = await import('./schedule-actions.js');
      await addSchedule(file, options);
    });

  schedule
    .command('list')
    .alias('ls')
    .description('list schedules with their next and last run')
    .option('--json', 'print the schedules as JSON')
    .addHelpText('after', '\nExamples:\n  $ switchyard schedule list\n  $ switchyard schedule ls --json')
    .action(async (options: { json?: boolean }) => {
      const { listSchedules } = await import('./schedule-actions.js');
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
        const { changeSchedule } = await import('./schedule-actions.js');
        await changeSchedule(name, id, options);
      });
  }
};
