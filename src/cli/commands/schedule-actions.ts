import { SwitchyardError, invalidInput } from '../../errors.js';
import { assertScheduleId, createScheduleRecord } from '../../schedule/records.js';
import { assertCron, assertTimezone, describeSchedule, nextRunAt, parseDuration } from '../../schedule/timing.js';
import type { RunStore, ScheduleRecord } from '../../store/types.js';
import { parseJsonOption } from '../json-option.js';
import { printJson, printTable } from '../output.js';

/** Runs `fn` on the run store; `ifMissing` answers instead when no store exists yet (reads and lookups create no files). */
async function withStore<T>(fn: (store: RunStore) => Promise<T>, ifMissing?: () => T): Promise<T> {
  const { openExistingRunStore, openRunStore } = await import('../../store/index.js');
  const store = ifMissing ? await openExistingRunStore() : await openRunStore();
  if (!store) return ifMissing!();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function addSchedule(
  file: string,
  options: { cron?: string; tz?: string; every?: string; input?: string; id?: string; overlap: string; missed: string; paused?: boolean; json?: boolean },
): Promise<void> {
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
  await withStore(async (store) => {
    if (await store.getSchedule(record.id)) throw new SwitchyardError('CONFLICT', `schedule ${record.id} already exists (remove it first: switchyard schedule rm ${record.id})`);
    await store.saveSchedule(record);
  });
  if (options.json) printJson(record);
  else process.stdout.write(`added schedule ${record.id}: ${describeSchedule(record)}, next run ${record.nextRunAt}${record.paused ? ' (paused)' : ''}\n(fired by \`switchyard scheduler\`)\n`);
}

export async function listSchedules(options: { json?: boolean }): Promise<void> {
  const schedules = await withStore((store) => store.listSchedules(), () => []);
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

export async function changeSchedule(action: 'pause' | 'resume' | 'rm', id: string, options: { json?: boolean }): Promise<void> {
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
