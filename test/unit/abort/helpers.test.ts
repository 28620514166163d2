import { describe, expect, it } from 'vitest';
import { SwitchyardError } from 'switchyard';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { createPrefectAdapter } from 'switchyard/prefect';
import * as abort from '../../../src/abort.js';
import * as agnoHelpers from '../../../adapters/agno/run-helpers.js';

describe('the abort helpers live once in src/abort.ts', () => {
  it('agno uses the core abort helpers and the one NEVER_ABORTED signal', () => {
    expect(agnoHelpers.abortError).toBe(abort.abortError);
    expect(agnoHelpers.throwIfAborted).toBe(abort.throwIfAborted);
    expect(agnoHelpers.NEVER_ABORTED).toBe(abort.NEVER_ABORTED);
  });

  it('abortError keeps a SwitchyardError reason, maps a timeout to TIMEOUT and anything else to CANCELLED', () => {
    const deadline = new SwitchyardError('TIMEOUT', 'run deadline of 5 ms exceeded');
    expect(abort.abortError(AbortSignal.abort(deadline))).toBe(deadline);
    const timeout = abort.abortError(AbortSignal.abort(new DOMException('t', 'TimeoutError')), 'before the stage started');
    expect([timeout.code, timeout.message]).toEqual(['TIMEOUT', 'timed out before the stage started']);
    const cancelled = abort.abortError(AbortSignal.abort());
    expect([cancelled.code, cancelled.message]).toEqual(['CANCELLED', 'cancelled']);
    expect(() => abort.throwIfAborted(undefined)).not.toThrow();
  });

  it('the prefect adapter reports a stage cancelled before it started with the run reason', async () => {
    const adapter = createPrefectAdapter();
    const deadline = new SwitchyardError('TIMEOUT', 'run deadline of 5 ms exceeded');
    const context = createTestContext({ engine: 'prefect', signal: AbortSignal.abort(deadline) });
    await expect(adapter.execute({ workflow: { nodes: [{ id: 'a', handler: () => 1 }] } } as never, context)).rejects.toBe(deadline);
    const plain = createTestContext({ engine: 'prefect', signal: AbortSignal.abort() });
    await expect(adapter.execute({ workflow: { nodes: [{ id: 'a', handler: () => 1 }] } } as never, plain)).rejects.toMatchObject({ code: 'CANCELLED', message: 'cancelled before the stage started' });
  });
});

describe('sleep, shared by the adapters', () => {
  it('sleep resolves, and rejects with the abort reason as soon as the signal fires', async () => {
    await expect(abort.sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = abort.sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(abort.sleep(5, AbortSignal.abort(new DOMException('t', 'TimeoutError')))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(agnoHelpers.sleep).toBe(abort.sleep);
    expect(agnoHelpers.withTimeout).toBe(abort.withTimeout);
    const caller = new AbortController().signal;
    expect(abort.withTimeout(caller, undefined)).toBe(caller);
    expect(abort.withTimeout(undefined, undefined)).toBeUndefined();
  });
});
