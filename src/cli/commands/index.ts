import type { DefineCommand } from '../output.js';
import { defineSelect } from './select.js';
import { defineRecommend } from './recommend.js';
import { defineGuide } from './guide.js';
import { defineProfiles } from './profiles.js';
import { defineSchedule } from './schedule.js';
import { defineScheduler } from './scheduler.js';
import { defineDeploy } from './deploy.js';
import { defineWorker } from './worker.js';
import { defineRun } from './run.js';
import { defineValidate } from './validate.js';
import { defineRuns } from './runs.js';
import { defineResume } from './resume.js';
import { defineApprove } from './approve.js';
import { defineReject } from './reject.js';

/**
 * Every CLI command, one file each. Each file only declares its flags and help;
 * its action imports what it needs lazily.
 * Add a line here when you add a command file.
 */
export const COMMANDS: readonly DefineCommand[] = [
  defineSelect,
  defineRecommend,
  defineGuide,
  defineProfiles,
  defineSchedule,
  defineScheduler,
  defineDeploy,
  defineWorker,
  defineRun,
  defineValidate,
  defineRuns,
  defineResume,
  defineApprove,
  defineReject,
];
