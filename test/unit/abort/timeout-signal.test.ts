import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { abortError, timeoutSignal, withTimeout } from '../../../src/abort.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Resolves with the signal's reason when it fires; rejects if it has not fired after `guardMs` (liveness guard only). */
function fired(signal: AbortSignal, guardMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`signal did not fire within ${guardMs} ms`)), guardMs);
    signal.addEventListener('abort', () => {
      clearTimeout(guard);
      resolve(signal.reason);
    }, { once: true });
  });
}

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('timeouts survive garbage collection', () => {
  it('withTimeout fires even when only an AbortSignal.any() composite refers to it (Node 20 collects AbortSignal.timeout there)', async () => {
    const caller = new AbortController();
    const signal = AbortSignal.any([withTimeout(caller.signal, 60)!]);
    const reason = fired(signal);
    await collectGarbage();
    expect(await reason).toMatchObject({ name: 'TimeoutError' });
    expect(abortError(signal)).toMatchObject({ code: 'TIMEOUT' });
    expect(caller.signal.aborted).toBe(false);
  });

  it('timeoutSignal fires with a TimeoutError reason after garbage collection', async () => {
    const signal = AbortSignal.any([timeoutSignal(40)]);
    const reason = fired(signal);
    await collectGarbage();
    expect(await reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('the caller signal still cancels first, as CANCELLED', async () => {
    const caller = new AbortController();
    const signal = withTimeout(caller.signal, 60_000)!;
    const reason = fired(signal);
    caller.abort(new DOMException('stop', 'AbortError'));
    expect(await reason).toMatchObject({ name: 'AbortError' });
    expect(abortError(signal)).toMatchObject({ code: 'CANCELLED' });
  });

  it('no timeout: the caller signal itself', () => {
    const caller = new AbortController();
    expect(withTimeout(caller.signal, undefined)).toBe(caller.signal);
    expect(withTimeout(undefined, undefined)).toBeUndefined();
  });
});
