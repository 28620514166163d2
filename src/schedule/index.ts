export type * from './types.js';
export { assertCron, assertTimezone, parseDuration, nextRunAt, describeSchedule, formatDuration } from './timing.js';
export { createScheduleRecord } from './records.js';
export type { NewScheduleOptions } from './records.js';
export { createPipelineRunner } from './pipeline-runner.js';
