/**
 * Scheduled ETL, offline: `node --import tsx examples/scheduled-etl/run.ts`
 * 1. runs the pipeline once (the scheduled_etl stage registers its nightly cron schedule),
 * 2. adds an every-second schedule for the same file and runs the embedded bree scheduler for a few seconds,
 * 3. stops it cleanly and lists the runs it produced.
 * The CLI equivalent: `switchyard run pipeline.yaml`, `switchyard schedule add pipeline.yaml --every 1s`, `switchyard scheduler`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HybridOrchestrator, createPipelineRunner, createScheduleRecord, openRunStore } from 'switchyard';
import { createLocalScheduler } from 'switchyard/prefect';

const pipeline = fileURLToPath(new URL('./pipeline.yaml', import.meta.url));
const home = process.env.SWITCHYARD_HOME ?? mkdtempSync(join(tmpdir(), 'switchyard-etl-'));
const store = await openRunStore(home);
const hub = new HybridOrchestrator({ home, store });

const first = await hub.run(pipeline);
console.log(`run ${first.runId}: ${first.status}`);
console.log(`  ${JSON.stringify((first.output as { result: unknown }).result)}`);
console.log(`  schedules: ${(await store.listSchedules()).map((s) => `${s.id} (${s.cron} ${s.timezone}, next ${s.nextRunAt})`).join(', ')}`);

await store.saveSchedule(createScheduleRecord({ id: 'demo-every-second', pipelineFile: pipeline, intervalMs: 1000 }));
const scheduler = createLocalScheduler({
  store,
  runner: createPipelineRunner(hub, store),
  onEvent: (event) => {
    if (event.type === 'schedule.fired' || event.type === 'run.finished') console.log(`  scheduler: ${JSON.stringify(event)}`);
  },
});
await scheduler.start();
await new Promise((resolve) => setTimeout(resolve, 3500));
const report = await scheduler.stop({ graceMs: 5000 });
console.log(`scheduler stopped: ${report.finished} finished in the grace period, ${report.interrupted.length} interrupted`);

const runs = await store.listRuns();
console.log(`${runs.length} runs in ${home}: ${runs.map((r) => r.status).join(', ')}`);
await store.close();
