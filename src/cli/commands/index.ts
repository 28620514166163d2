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
import { defineServe } from './serve.js';
import { defineMcp } from './mcp.js';

/**
 * Every CLI command, one file each, holding its flags, help and action. Every file is loaded at start-up,
 * so its top level imports only light modules (the CLI helpers in ../hub.ts and ../output.ts, the errors);
 * its action imports the library lazily.
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
  defineServe,
  defineMcp,
];
