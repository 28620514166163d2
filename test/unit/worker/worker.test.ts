import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../src/errors.js';
import { Worker, type WorkExecutor, type WorkerEvent } from '../../../src/worker/index.js';
import { MemorySource } from './memory-source.js';

const until = async (probe: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** An executor that finishes each job when the test says so (or when its signal aborts). */
function gated() {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const execute: WorkExecutor = async (job) => {
    started.push(job.item.id);
    running++;
    most = Math.max(most, running);
    try {
      const aborted = await new Promise<boolean>((resolve) => {
        gates.set(job.item.id, () => resolve(false));
        job.signal.addEventListener('abort', () => resolve(true), { once: true });
      });
      return aborted ? { ok: false, message: (job.signal.reason as Error).message } : { ok: true, output: { done: job.item.id } };
    } finally {
      running--;
    }
  };
  return { execute, started, release: (id: string) => gates.get(id)?.(), most: () => most };
}

describe('Worker (the core loop over a WorkSource)', () => {
  it('opens the source, heartbeats, claims and starts each item, and reports COMPLETED with the output and logs', async () => {
    const source = new MemorySource();
    source.add('a', 'b');
    const events: WorkerEvent[] = [];
    const worker = new Worker({
      source,
      name: 'w',
      limit: 2,
      heartbeatIntervalMs: 60_000,
      execute: async (job) => {
        job.log(`params ${JSON.stringify(job.parameters)}`, 'warning');
        return { ok: true, output: { id: job.item.id } };
      },
      onEvent: (e) => events.push(e),
    });
    await worker.run({ once: true });
    expect(source.calls.slice(0, 3)).toEqual(['open:w', 'heartbeat:w:60000', 'poll:10']);
    expect(worker.executed).toEqual(['a', 'b']);
    expect(source.status('a')).toBe('COMPLETED');
    expect(source.entries.get('a')!.result).toEqual({ state: 'COMPLETED', message: 'completed on w', data: { id: 'a' } });
    expect(source.entries.get('a')!.logs.map((l) => [l.level, l.message])).toEqual([
      ['info', 'worker w claimed job a'],
      ['warning', 'params {"id":"a"}'],
      ['info', 'completed: completed on w'],
    ]);
    // Logs are written once, before the final state.
    expect(source.calls.filter((c) => c.endsWith(':a'))).toEqual(['claim:a', 'start:a', 'logs:a', 'finish:a']);
    expect(events.filter((e) => e.type !== 'polled')).toEqual([
      { type: 'claimed', flowRunId: 'a', name: 'job-a' },
      { type: 'claimed', flowRunId: 'b', name: 'job-b' },
      { type: 'finished', flowRunId: 'a', name: 'job-a', state: 'COMPLETED', message: 'completed on w' },
      { type: 'finished', flowRunId: 'b', name: 'job-b', state: 'COMPLETED', message: 'completed on w' },
    ]);
  });

  it('never runs more than `limit` items at once, and asks for more candidates than free slots', async () => {
    const source = new MemorySource();
    source.add('a', 'b', 'c', 'd', 'e');
    const gate = gated();
    const worker = new Worker({ source, limit: 2, pollIntervalMs: 5, execute: gate.execute });
    const running = worker.run();
    await until(() => gate.started.length === 2);
    await new Promise((r) => setTimeout(r, 30)); // several polls with the slots full
    expect(gate.started).toEqual(['a', 'b']);
    gate.release('a');
    await until(() => gate.started.length === 3);
    expect(source.calls).toContain('poll:9'); // one free slot + 8
    for (const id of ['b', 'c']) gate.release(id);
    await until(() => gate.started.length === 5);
    for (const id of ['d', 'e']) gate.release(id);
    await until(() => worker.executed.length === 5 && [...source.entries.values()].every((e) => e.status === 'COMPLETED'));
    await worker.stop();
    await running;
    expect(gate.most()).toBe(2);
  });

  it('skips an item another worker claimed first (claim-lost) and fills the slot with the next one', async () => {
    const source = new MemorySource();
    source.add('a', 'b');
    source.stolen.add('a');
    const events: WorkerEvent[] = [];
    const worker = new Worker({ source, execute: async () => ({ ok: true }), onEvent: (e) => events.push(e) });
    await worker.run({ once: true });
    expect(worker.executed).toEqual(['b']);
    expect(events).toContainEqual({ type: 'claim-lost', flowRunId: 'a', reason: 'already PENDING (someone-else)' });
    expect(source.calls).not.toContain('start:a');
    expect(source.status('a')).toBe('PENDING'); // the other worker's, untouched
  });

  it('gives back an item whose start is refused or fails, without running it', async () => {
    const source = new MemorySource();
    source.add('a', 'b');
    source.refuseStart.set('a', 'the run was deleted');
    source.holdStart.set('b', new Promise(() => undefined)); // waits until the hard stop aborts it
    const events: WorkerEvent[] = [];
    let ran = 0;
    const worker = new Worker({ source, limit: 2, execute: async () => ((ran++), { ok: true }), onEvent: (e) => events.push(e) });
    const running = worker.run();
    await until(() => source.calls.includes('release:a') && source.calls.includes('start:b'));
    await worker.stop({ abort: true });
    await running;
    expect(ran).toBe(0);
    expect(worker.executed).toEqual([]);
    expect(events).toContainEqual({ type: 'claim-lost', flowRunId: 'a', reason: 'the run was deleted' });
    expect(events).toContainEqual({ type: 'claim-lost', flowRunId: 'b', reason: 'start wait aborted' });
    expect(source.calls).toContain('release:b');
    expect(source.status('a')).toBe('SCHEDULED');
    expect(source.status('b')).toBe('SCHEDULED');
  });

  it('aborts the job when the item is cancelled at the source, and reports CANCELLED with the reason', async () => {
    const source = new MemorySource();
    source.add('a');
    let seen: AbortSignal | undefined;
    const worker = new Worker({
      source,
      cancelCheckMs: 10,
      execute: async (job) => {
        seen = job.signal;
        await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
        return { ok: false };
      },
    });
    const running = worker.run({ once: true });
    await until(() => seen !== undefined);
    source.cancel('a', 'cancelled by an operator');
    await running;
    expect(seen!.reason).toMatchObject({ code: 'CANCELLED', message: 'cancelled by an operator' });
    expect(source.entries.get('a')!.result).toEqual({ state: 'CANCELLED', message: `cancelled while running on ${worker.name}` });
  });

  it('stop() lets running items finish; stop({ abort: true }) cancels them', async () => {
    const source = new MemorySource();
    source.add('a');
    const gate = gated();
    const gentle = new Worker({ source, name: 'gentle', pollIntervalMs: 5, execute: gate.execute });
    const running = gentle.run();
    await until(() => gate.started.length === 1);
    const stopped = gentle.stop();
    let settled = false;
    void stopped.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // still waiting for the running item
    source.add('b'); // stopped: never polled again
    gate.release('a');
    await stopped;
    await running;
    expect(source.status('a')).toBe('COMPLETED');
    expect(source.status('b')).toBe('SCHEDULED');

    const hard = new Worker({ source, name: 'hard', pollIntervalMs: 5, execute: gate.execute });
    const hardRun = hard.run();
    await until(() => gate.started.includes('b'));
    await hard.stop({ abort: true });
    await hardRun;
    expect(source.entries.get('b')!.result).toEqual({ state: 'CANCELLED', message: 'worker hard stopped' });
  });

  it('reports FAILED with the message of an outcome or of a thrown error', async () => {
    const source = new MemorySource();
    source.add('a', 'b');
    const worker = new Worker({
      source,
      limit: 2,
      execute: async (job) => {
        if (job.item.id === 'a') return { ok: false, message: 'bad input' };
        throw new SwitchyardError('INVALID_INPUT', 'no pipeline');
      },
    });
    await worker.run({ once: true });
    expect(source.entries.get('a')!.result).toEqual({ state: 'FAILED', message: 'bad input' });
    expect(source.entries.get('b')!.result).toEqual({ state: 'FAILED', message: 'no pipeline' });
    expect(source.entries.get('b')!.logs.at(-1)).toMatchObject({ level: 'error', message: 'failed: no pipeline' });
  });

  it('a failing poll is an error event and the loop carries on; a source that cannot open stops run()', async () => {
    const source = new MemorySource();
    source.add('a');
    source.pollErrors = 1;
    const events: WorkerEvent[] = [];
    const worker = new Worker({ source, pollIntervalMs: 5, execute: async () => ({ ok: true }), onEvent: (e) => events.push(e) });
    const running = worker.run();
    await until(() => source.status('a') === 'COMPLETED');
    await worker.stop();
    await running;
    expect(events[0]).toEqual({ type: 'error', message: 'polling memory: queue unreachable' });

    const missing = new MemorySource();
    missing.openError = new SwitchyardError('NOT_FOUND', 'no such queue');
    await expect(new Worker({ source: missing, execute: async () => ({ ok: true }) }).run()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.calls).toHaveLength(1); // no heartbeat, no poll
    expect(missing.calls[0]).toMatch(/^open:switchyard-/);
  });

  it('two workers on one source never run an item twice', async () => {
    const source = new MemorySource();
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    source.add(...ids);
    const runs: string[] = [];
    const execute: WorkExecutor = async (job) => {
      runs.push(job.item.id);
      await new Promise((r) => setTimeout(r, 2));
      return { ok: true };
    };
    const w1 = new Worker({ source, name: 'w1', limit: 3, pollIntervalMs: 1, execute });
    const w2 = new Worker({ source, name: 'w2', limit: 3, pollIntervalMs: 1, execute });
    const both = [w1.run(), w2.run()];
    await until(() => ids.every((id) => source.status(id) === 'COMPLETED'));
    await Promise.all([w1.stop(), w2.stop()]);
    await Promise.all(both);
    expect([...runs].sort()).toEqual([...ids].sort());
    expect(w1.executed.length + w2.executed.length).toBe(ids.length);
  });
});
