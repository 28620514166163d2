import type { HybridOrchestrator } from '../pipeline/orchestrator.js';
import type { RunStore } from '../store/types.js';
import type { ScheduledRunner } from './types.js';

/**
 * Runs a schedule's pipeline file in this process through the hub, so every scheduled run is a normal
 * run in the run store (listed by `switchyard runs`, resumable, with its events).
 */
export function createPipelineRunner(orchestrator: HybridOrchestrator, store: RunStore): ScheduledRunner {
  return {
    async run(schedule, { runId, signal, onRecorded }) {
      // the schedule points at the run once its record exists and holds its lease, before any stage runs
      const result = await orchestrator.run(schedule.pipelineFile, { runId, signal, ...(onRecorded ? { onRecorded } : {}), ...(schedule.input !== undefined ? { input: schedule.input } : {}) });
      return { runId: result.runId, status: result.status };
    },
    async interrupted(runId) {
      const run = await store.getRun(runId);
      // A run that finished or reached an approval point while being stopped keeps its status (a waiting run stays approvable).
      if (run && run.status !== 'completed' && run.status !== 'waiting') await store.updateRun(runId, { status: 'interrupted', updatedAt: new Date().toISOString() });
    },
  };
}
