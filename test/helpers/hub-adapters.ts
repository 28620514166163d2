import { z } from 'zod';
import { SwitchyardError, defineAdapter, waitForApproval, type OrchestratorAdapter } from 'switchyard';

/** The task the test adapter accepts: small operations that exercise every hub policy. */
export const testTaskSchema = z.strictObject({
  op: z.enum(['echo', 'value', 'fail', 'flaky', 'sleep', 'approve', 'data', 'count', 'failUntil']),
  value: z.unknown().optional(),
  ms: z.number().int().min(0).optional(),
  failTimes: z.number().int().min(0).optional(),
  code: z.string().optional(),
  key: z.string().optional(),
});
export type TestTask = z.infer<typeof testTaskSchema>;

export interface TestAdapterProbe {
  /** Calls per stage id (attempts included). */
  readonly calls: Map<string, number>;
  /** Most stages running at once. */
  maxConcurrent: number;
  running: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** A real adapter for hub tests: honours the signal, emits an engine event, can fail, wait or ask for approval. */
export function testAdapter(type = 'test', probe: TestAdapterProbe = newProbe()): OrchestratorAdapter<TestTask> & { probe: TestAdapterProbe } {
  const adapter = defineAdapter<TestTask, unknown>({
    type,
    taskSchema: testTaskSchema,
    async execute(task, ctx) {
      probe.calls.set(ctx.stageId, (probe.calls.get(ctx.stageId) ?? 0) + 1);
      probe.running++;
      probe.maxConcurrent = Math.max(probe.maxConcurrent, probe.running);
      try {
        ctx.emit({ kind: 'test.op', message: task.op });
        switch (task.op) {
          case 'echo':
            return { input: ctx.input, value: task.value };
          case 'value':
            return task.value;
          case 'fail':
            throw new SwitchyardError((task.code ?? 'ENGINE_ERROR') as 'ENGINE_ERROR', `${ctx.stageId} failed on purpose`);
          case 'flaky':
            if (ctx.attempt <= (task.failTimes ?? 1)) throw new SwitchyardError((task.code ?? 'ENGINE_ERROR') as 'ENGINE_ERROR', `flaky attempt ${ctx.attempt}`);
            return { attempt: ctx.attempt };
          case 'sleep':
            await sleep(task.ms ?? 1000, ctx.signal);
            return { slept: task.ms };
          case 'approve':
            if (!ctx.approval) return waitForApproval({ point: ctx.stageId, message: `approve ${ctx.stageId}?`, payload: ctx.input }, { pending: true });
            return { approved: ctx.approval.approved, data: ctx.approval.data, reason: ctx.approval.reason, by: ctx.approval.by };
          case 'data':
            ctx.data[task.key ?? 'key'] = task.value;
            return { ...ctx.data };
          case 'failUntil':
            // fails while this stage has been called failTimes times or fewer, across visits
            if ((probe.calls.get(ctx.stageId) ?? 0) <= (task.failTimes ?? 1)) throw new SwitchyardError('ENGINE_ERROR', `call ${probe.calls.get(ctx.stageId)} fails`);
            return { calls: probe.calls.get(ctx.stageId) };
          case 'count':
            return probe.calls.get(ctx.stageId);
        }
      } finally {
        probe.running--;
      }
    },
  });
  return Object.assign(adapter, { probe });
}

export function newProbe(): TestAdapterProbe {
  return { calls: new Map(), maxConcurrent: 0, running: 0 };
}
