import { describe, expect, it } from 'vitest';
import type { OrchestratorAdapter, ResourceRegistry } from '../../adapter.js';
import { createTestContext } from './test-context.js';

export interface ConformanceFixtures {
  /** A task that runs to completion quickly and emits at least one engine event. */
  readonly validTask: unknown;
  /** A task the adapter's schema must reject. */
  readonly invalidTask: unknown;
  /** A task that runs long enough (well over 200 ms) to be cancelled or timed out. */
  readonly slowTask: unknown;
  /** Stage input for the tasks. */
  readonly input?: unknown;
  /** Agents, tools and handlers the tasks refer to. */
  readonly resources?: () => ResourceRegistry;
  readonly home?: () => string;
  readonly baseDir?: string;
}

/**
 * The one suite every orchestrator adapter passes: schema validation of a bad task,
 * cancellation, timeout, engine events and the result shape.
 */
export function describeAdapterConformance(name: string, load: () => Promise<OrchestratorAdapter>, fixtures: ConformanceFixtures): void {
  const context = (signal?: AbortSignal, stageId = 'conformance') =>
    createTestContext({
      engine: name,
      stageId,
      runId: `conf-${Math.random().toString(36).slice(2)}`,
      input: fixtures.input,
      ...(signal ? { signal } : {}),
      ...(fixtures.resources ? { resources: fixtures.resources() } : {}),
      ...(fixtures.home ? { home: fixtures.home() } : {}),
      ...(fixtures.baseDir ? { baseDir: fixtures.baseDir } : {}),
    });

  describe(`adapter conformance: ${name}`, () => {
    it('declares its type', async () => {
      const adapter = await load();
      expect(adapter.type).toBe(name);
    });

    it('rejects a bad task with a path-named issue', async () => {
      const adapter = await load();
      const result = adapter.taskSchema.safeParse(fixtures.invalidTask);
      expect(result.success).toBe(false);
      const issues = result.success ? [] : result.error.issues;
      expect(issues.length).toBeGreaterThan(0);
      // a path-named issue: the first issue points into the task, not at its root
      expect(issues[0]?.path.length ?? 0).toBeGreaterThan(0);
    });

    it('accepts the valid task and returns a JSON-serialisable result', async () => {
      const adapter = await load();
      const task = adapter.taskSchema.parse(fixtures.validTask);
      const ctx = context();
      const output = await adapter.execute(task, ctx);
      expect(output).not.toBeUndefined();
      // JSON-serialisable: survives a round trip unchanged (no functions, Dates, NaN, Maps or cycles)
      expect(JSON.parse(JSON.stringify(output)) as unknown).toEqual(output);
    });

    it('emits engine events', async () => {
      const adapter = await load();
      const ctx = context();
      await adapter.execute(adapter.taskSchema.parse(fixtures.validTask), ctx);
      expect(ctx.events.length).toBeGreaterThan(0);
      for (const event of ctx.events) expect(typeof event.kind).toBe('string');
    });

    it('stops when cancelled', async () => {
      const adapter = await load();
      const controller = new AbortController();
      const ctx = context(controller.signal);
      const started = Date.now();
      const pending = adapter.execute(adapter.taskSchema.parse(fixtures.slowTask), ctx);
      setTimeout(() => controller.abort(new DOMException('cancelled', 'AbortError')), 50);
      await expect(pending).rejects.toSatisfy((error: unknown) => isCancellation(error));
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('stops on a timeout signal', async () => {
      const adapter = await load();
      const ctx = context(AbortSignal.timeout(80));
      await expect(adapter.execute(adapter.taskSchema.parse(fixtures.slowTask), ctx)).rejects.toSatisfy((error: unknown) => isCancellation(error));
    });

    it('rejects at once when the signal is already aborted', async () => {
      const adapter = await load();
      const controller = new AbortController();
      controller.abort(new DOMException('cancelled', 'AbortError'));
      await expect(adapter.execute(adapter.taskSchema.parse(fixtures.validTask), context(controller.signal))).rejects.toSatisfy((error: unknown) => isCancellation(error));
    });
  });
}

function isCancellation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: string; code?: string };
  return name === 'AbortError' || name === 'TimeoutError' || code === 'CANCELLED' || code === 'TIMEOUT';
}
