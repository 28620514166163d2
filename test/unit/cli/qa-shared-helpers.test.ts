import { describe, expect, it } from 'vitest';
import { SwitchyardError } from 'switchyard';
import { createTestContext } from 'switchyard/testing';
import { createPrefectAdapter } from 'switchyard/prefect';
import * as abort from '../../../src/abort.js';
import { didYouMean } from '../../../src/did-you-mean.js';
import { parseJsonOption } from '../../../src/cli/json-option.js';
import * as agnoHelpers from '../../../adapters/agno/run-helpers.js';

describe('helpers shared across parts live once in src/', () => {
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

  it('parseJsonOption: absent, valid, and malformed JSON naming the flag', () => {
    expect(parseJsonOption(undefined, '--input')).toBeUndefined();
    expect(parseJsonOption('{"a":[1]}', '--input')).toEqual({ a: [1] });
    expect(() => parseJsonOption('{bad', '--data')).toThrow(/^--data: expected JSON \(.+\); got "\{bad"$/);
    try {
      parseJsonOption('', '--input');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '--input', isUserError: true });
    }
  });

  it('didYouMean suggests only close candidates', () => {
    expect(didYouMean('langgrph', ['agno', 'langgraph'])).toBe(' (did you mean "langgraph"?)');
    expect(didYouMean('airflow', ['agno', 'langgraph', 'llamaindex', 'prefect'])).toBe('');
    expect(didYouMean('x', [])).toBe('');
  });
});
