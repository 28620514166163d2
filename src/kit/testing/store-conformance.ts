import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../adapter.js';
import type { RunEvent } from '../../events/types.js';
import { commitRun } from '../../store/commit.js';
import type { RunCommit, RunStore, ScheduleRecord } from '../../store/types.js';
import { runRecord } from './records.js';

export { runRecord };

export interface StoreConformanceOptions {
  /** A fresh, empty store. */
  readonly open: () => Promise<RunStore>;
  /** Opens the same storage again (a new process would); omit for stores that live in memory. */
  readonly reopen?: (store: RunStore) => Promise<RunStore>;
}

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

const history = (stageId: string, outcome: HistoryEntry['outcome'] = 'completed'): HistoryEntry => ({
  stageId,
  engine: 'agno',
  attempt: 1,
  startedAt: at(1),
  endedAt: at(2),
  durationMs: 60_000,
  outcome,
  output: { stageId },
});

const event = (runId: string, seq: number): RunEvent => ({ type: 'stage.started', runId, seq, at: seq, stageId: `s${seq}`, engine: 'agno', attempt: 1 });

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ms = (iso: string) => Date.parse(iso);

const schedule = (id: string, createdAt: string): ScheduleRecord => ({ id, pipelineFile: '/p.yaml', cron: '0 2 * * *', paused: false, overlap: 'skip', missed: 'skip', createdAt });

/**
 * The one suite every RunStore passes (the in-memory reference, SQLite and PostgreSQL).
 * The hub relies on exactly these behaviours for runs, resume, approvals, leases and schedule slots.
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  describe(`run store conformance: ${name}`, () => {
    const open: RunStore[] = [];
    const fresh = async () => {
      const store = await options.open();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    it('creates and reads a run; unknown runs are undefined', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      expect(await store.getRun('r1')).toEqual(runRecord('r1'));
      expect(await store.getRun('nope')).toBeUndefined();
    });

    it('refuses a second run with the same id', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await expect(store.createRun(runRecord('r1'))).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('patches a run, keeps the other fields, and stamps updatedAt', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await store.updateRun('r1', { status: 'completed', output: { answer: 42 }, data: { k: 'v' } });
      const run = await store.getRun('r1');
      expect(run).toMatchObject({ runId: 'r1', status: 'completed', output: { answer: 42 }, data: { k: 'v' }, input: { q: 1 }, pipelineName: 'p' });
      expect(run!.updatedAt > at(0)).toBe(true);
      await store.updateRun('r1', { status: 'failed', error: { code: 'ENGINE_ERROR', message: 'x' }, updatedAt: at(9) });
      expect(await store.getRun('r1')).toMatchObject({ status: 'failed', updatedAt: at(9), output: { answer: 42 } });
      await expect(store.updateRun('nope', { status: 'failed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists runs newest first, with a limit and a status filter', async () => {
      const store = await fresh();
      await store.createRun(runRecord('old', { createdAt: at(1) }));
      await store.createRun(runRecord('new', { createdAt: at(3), status: 'completed' }));
      await store.createRun(runRecord('mid', { createdAt: at(2), status: 'completed' }));
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
      expect((await store.listRuns({ limit: 2 })).map((r) => r.runId)).toEqual(['new', 'mid']);
      expect((await store.listRuns({ status: 'completed' })).map((r) => r.runId)).toEqual(['new', 'mid']);
      expect(await store.listRuns({ status: 'waiting' })).toEqual([]);
    });

    it('saves stages by (run, stage): an update replaces the record and keeps its first position', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await store.saveStage({ runId: 'r1', stageId: 'b', engine: 'agno', status: 'running', attempts: 1 });
      await store.saveStage({ runId: 'r1', stageId: 'a', engine: 'prefect', status: 'completed', attempts: 1, output: [1, 2] });
      await store.saveStage({ runId: 'r1', stageId: 'b', engine: 'agno', status: 'completed', attempts: 2, output: 'done', durationMs: 5 });
      expect(await store.listStages('r1')).toEqual([
        { runId: 'r1', stageId: 'b', engine: 'agno', status: 'completed', attempts: 2, output: 'done', durationMs: 5 },
        { runId: 'r1', stageId: 'a', engine: 'prefect', status: 'completed', attempts: 1, output: [1, 2] },
      ]);
      expect(await store.listStages('other')).toEqual([]);
    });

    it('appends history in order', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      for (const id of ['a', 'b', 'c']) await store.appendHistory('r1', history(id));
      await store.appendHistory('r1', { ...history('d', 'decision'), reasons: ['why'] });
      expect((await store.listHistory('r1')).map((h) => h.stageId)).toEqual(['a', 'b', 'c', 'd']);
      expect((await store.listHistory('r1'))[3]).toEqual({ ...history('d', 'decision'), reasons: ['why'] });
      expect(await store.listHistory('other')).toEqual([]);
    });

    it('returns events by sequence number whatever the order they were appended in', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await store.createRun(runRecord('r2'));
      for (const seq of [2, 1, 3]) await store.appendEvent(event('r1', seq));
      await store.appendEvent(event('r2', 1));
      expect((await store.listEvents('r1')).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.listEvents('r2')).toEqual([event('r2', 1)]);
    });

    it('appends events in batches, across runs, in sequence order; an empty batch is a no-op', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await store.createRun(runRecord('r2'));
      await store.appendEvents([]);
      await store.appendEvents([event('r1', 3), event('r2', 1), event('r1', 1)]);
      await store.appendEvents([event('r1', 2)]);
      await store.appendEvent(event('r1', 4));
      expect((await store.listEvents('r1')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(await store.listEvents('r2')).toEqual([event('r2', 1)]);
      expect(await store.listEvents('r1')).toEqual([1, 2, 3, 4].map((seq) => event('r1', seq)));
    });

    it('keeps one approval per waiting stage and records the decision on it', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const pending = { runId: 'r1', stageId: 'approve', approval: { point: 'approve', message: 'ok?', payload: { n: 1 } }, createdAt: at(1) };
      await store.saveApproval(pending);
      expect(await store.listApprovals('r1')).toEqual([pending]);
      const decided = { ...pending, decision: { approved: true, data: { note: 'yes' }, by: 'ana' }, decidedAt: at(2) };
      await store.saveApproval(decided);
      expect(await store.listApprovals('r1')).toEqual([decided]);
      expect(await store.listApprovals('other')).toEqual([]);
    });

    it('commits a durable point: stage record, history, approval, events and run patch in one call (commitRun without `commit`)', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const approval = { runId: 'r1', stageId: 'b', approval: { point: 'gate', message: 'ok?' }, createdAt: at(2) };
      const first: RunCommit = {
        runId: 'r1',
        stage: { runId: 'r1', stageId: 'a', engine: 'agno', status: 'completed', attempts: 1, output: { n: 1 } },
        history: [history('a')],
        events: [event('r1', 2), event('r1', 1)],
        run: { data: { k: 1 } },
      };
      await commitRun(store, first);
      await commitRun(store, {
        runId: 'r1',
        stage: { runId: 'r1', stageId: 'b', engine: 'agno', status: 'waiting', attempts: 1 },
        history: [history('b', 'waiting'), history('b', 'decision')],
        approval,
        events: [event('r1', 3)],
        run: { status: 'waiting', output: 'partial' },
      });
      expect((await store.listStages('r1')).map((s) => [s.stageId, s.status])).toEqual([['a', 'completed'], ['b', 'waiting']]);
      expect((await store.listHistory('r1')).map((h) => [h.stageId, h.outcome])).toEqual([['a', 'completed'], ['b', 'waiting'], ['b', 'decision']]);
      expect(await store.listApprovals('r1')).toEqual([approval]);
      expect((await store.listEvents('r1')).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.getRun('r1')).toMatchObject({ status: 'waiting', output: 'partial', data: { k: 1 }, input: { q: 1 } });
      // a stage committed again is updated in place and keeps its position
      await commitRun(store, { runId: 'r1', stage: { runId: 'r1', stageId: 'a', engine: 'agno', status: 'failed', attempts: 2 } });
      expect((await store.listStages('r1')).map((s) => [s.stageId, s.status])).toEqual([['a', 'failed'], ['b', 'waiting']]);
    });

    it('commit keeps nothing when the run does not exist', async () => {
      const store = await fresh();
      if (typeof store.commit !== 'function') return; // without `commit` the hub writes one record at a time
      await expect(store.commit({ runId: 'ghost', stage: { runId: 'ghost', stageId: 'a', engine: 'agno', status: 'completed', attempts: 1 }, history: [history('a')], events: [event('ghost', 1)] })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store.commit({ runId: 'ghost', history: [history('a')], run: { status: 'completed' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.listStages('ghost')).toEqual([]);
      expect(await store.listHistory('ghost')).toEqual([]);
      expect(await store.listEvents('ghost')).toEqual([]);
    });

    it('keeps step results by (run, stage, key): a save replaces the value and keeps its first position', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      await store.createRun(runRecord('r2'));
      expect(await store.listStepResults('r1', 'a')).toEqual([]);
      await store.saveStepResult('r1', 'a', 'node:x', { output: { n: 1 } });
      await store.saveStepResult('r1', 'a', 'node:y', { output: [1, 'two', null, true] });
      await store.saveStepResult('r1', 'b', 'node:x', { output: 'other stage' });
      await store.saveStepResult('r2', 'a', 'node:x', { output: 'other run' });
      await store.saveStepResult('r1', 'a', 'node:x', { output: { n: 2 } });
      const results = await store.listStepResults('r1', 'a');
      expect(results.map((r) => [r.key, r.value])).toEqual([
        ['node:x', { output: { n: 2 } }],
        ['node:y', { output: [1, 'two', null, true] }],
      ]);
      for (const r of results) expect(Number.isNaN(Date.parse(r.savedAt))).toBe(false);
      expect((await store.listStepResults('r1', 'b')).map((r) => r.value)).toEqual([{ output: 'other stage' }]);
      expect((await store.listStepResults('r2', 'a')).map((r) => r.value)).toEqual([{ output: 'other run' }]);
      expect(await store.listStepResults('ghost', 'a')).toEqual([]);
      await expect(store.saveStepResult('ghost', 'a', 'node:x', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // what was saved cannot be changed through the object passed or got
      const value = { output: { list: [1] } };
      await store.saveStepResult('r1', 'c', 'k', value);
      value.output.list.push(2);
      const [got] = await store.listStepResults('r1', 'c');
      (got!.value as typeof value).output.list.push(3);
      expect((await store.listStepResults('r1', 'c'))[0]!.value).toEqual({ output: { list: [1] } });
    });

    it('saves, lists, replaces and removes schedules', async () => {
      const store = await fresh();
      await store.saveSchedule(schedule('b', at(2)));
      await store.saveSchedule(schedule('a', at(1)));
      expect((await store.listSchedules()).map((s) => s.id)).toEqual(['a', 'b']);
      await store.saveSchedule({ ...schedule('a', at(1)), paused: true });
      expect((await store.getSchedule('a'))?.paused).toBe(true);
      expect(await store.removeSchedule('a')).toBe(true);
      expect(await store.removeSchedule('a')).toBe(false);
      expect(await store.getSchedule('a')).toBeUndefined();
    });

    it('does not let callers change stored records by mutating what they passed or got', async () => {
      const store = await fresh();
      const record = runRecord('r1', { data: { list: [1] } });
      await store.createRun(record);
      (record.data!.list as number[]).push(2);
      const read = await store.getRun('r1');
      expect(read?.data).toEqual({ list: [1] });
      (read!.data!.list as number[]).push(3);
      expect((await store.getRun('r1'))?.data).toEqual({ list: [1] });
    });

    it('leases: of two acquirers one wins, the other sees the holder and when it expires', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const [a, b] = await Promise.all([store.acquireLease('r1', { owner: 'host-a:1', ttlMs: 60_000 }), store.acquireLease('r1', { owner: 'host-b:2', ttlMs: 60_000 })]);
      const outcomes = [a, b];
      const won = outcomes.filter((o) => o.acquired);
      expect(won).toHaveLength(1);
      const winner = won[0]!.acquired ? won[0]!.lease : undefined;
      const loser = outcomes.find((o) => !o.acquired)!;
      expect(winner).toMatchObject({ runId: 'r1', token: expect.any(Number) });
      expect(ms(winner!.expiresAt)).toBeGreaterThan(Date.now() + 50_000);
      expect(loser).toEqual({ acquired: false, reason: 'held', holder: winner!.owner, expiresAt: winner!.expiresAt, status: 'running' });
      expect(await store.getLease('r1')).toEqual(winner);
      // the holder may acquire again: the lease is extended, its token kept
      const again = await store.acquireLease('r1', { owner: winner!.owner, ttlMs: 120_000 });
      expect(again).toMatchObject({ acquired: true, lease: { owner: winner!.owner, token: winner!.token } });
      // the lease lives beside the run: the record is unchanged, and updates keep the lease
      expect(await store.getRun('r1')).toEqual(runRecord('r1'));
      await store.updateRun('r1', { status: 'waiting' });
      expect((await store.getLease('r1'))?.owner).toBe(winner!.owner);
    });

    it('leases: an expired lease is taken over, and the old holder can neither renew nor release it', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const first = await store.acquireLease('r1', { owner: 'old', ttlMs: 40 });
      if (!first.acquired) throw new Error('the first acquire of a free lease must win');
      await pause(150);
      expect(await store.getLease('r1')).toBeUndefined();
      const second = await store.acquireLease('r1', { owner: 'new', ttlMs: 60_000 });
      if (!second.acquired) throw new Error(`an expired lease must be taken over; got ${JSON.stringify(second)}`);
      expect(second.lease.owner).toBe('new');
      expect(second.lease.token).toBeGreaterThan(first.lease.token);
      expect(await store.renewLease(first.lease, 60_000)).toBeUndefined();
      expect(await store.releaseLease(first.lease)).toBe(false);
      expect(await store.getLease('r1')).toEqual(second.lease);
      expect(await store.acquireLease('r1', { owner: 'old', ttlMs: 60_000 })).toMatchObject({ acquired: false, reason: 'held', holder: 'new' });
    });

    it('leases: renew extends a held lease; a lease past its expiry nobody took can still be renewed', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const taken = await store.acquireLease('r1', { owner: 'me', ttlMs: 1_000 });
      if (!taken.acquired) throw new Error('the first acquire of a free lease must win');
      const renewed = await store.renewLease(taken.lease, 60_000);
      expect(renewed).toMatchObject({ runId: 'r1', owner: 'me', token: taken.lease.token });
      expect(ms(renewed!.expiresAt)).toBeGreaterThan(ms(taken.lease.expiresAt));
      expect(await store.getLease('r1')).toEqual(renewed);
      expect(await store.acquireLease('r1', { owner: 'other', ttlMs: 1_000 })).toMatchObject({ acquired: false, holder: 'me', expiresAt: renewed!.expiresAt });

      const short = await store.renewLease(taken.lease, 30);
      await pause(120);
      const late = await store.renewLease(short!, 60_000);
      expect(late).toMatchObject({ owner: 'me', token: taken.lease.token });
      expect(await store.renewLease({ ...taken.lease, token: taken.lease.token + 1 }, 1_000)).toBeUndefined();
      expect(await store.renewLease({ ...taken.lease, runId: 'nope' }, 1_000)).toBeUndefined();
      await expect(store.renewLease(taken.lease, 0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('leases: release frees the lease at once; releasing twice is false', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1'));
      const taken = await store.acquireLease('r1', { owner: 'me', ttlMs: 60_000 });
      if (!taken.acquired) throw new Error('the first acquire of a free lease must win');
      expect(await store.releaseLease({ ...taken.lease, owner: 'someone else' })).toBe(false);
      expect(await store.releaseLease(taken.lease)).toBe(true);
      expect(await store.releaseLease(taken.lease)).toBe(false);
      expect(await store.getLease('r1')).toBeUndefined();
      const next = await store.acquireLease('r1', { owner: 'next', ttlMs: 60_000 });
      expect(next).toMatchObject({ acquired: true, lease: { owner: 'next' } });
      expect(next.acquired && next.lease.token).toBeGreaterThan(taken.lease.token);
      // the released holder coming back is a new holder: a new token
      expect(await store.releaseLease((next as { lease: { runId: string; owner: string; token: number } }).lease)).toBe(true);
      const back = await store.acquireLease('r1', { owner: 'me', ttlMs: 60_000 });
      expect(back.acquired && back.lease.token).toBeGreaterThan(next.acquired ? next.lease.token : Infinity);
    });

    it('leases: `expect` takes the lease only from the listed statuses, in the same step', async () => {
      const store = await fresh();
      await store.createRun(runRecord('r1', { status: 'waiting' }));
      expect(await store.acquireLease('r1', { owner: 'a', ttlMs: 60_000, expect: ['failed', 'cancelled'] })).toEqual({ acquired: false, reason: 'status', status: 'waiting' });
      expect(await store.getLease('r1')).toBeUndefined();
      const taken = await store.acquireLease('r1', { owner: 'a', ttlMs: 60_000, expect: ['waiting'] });
      expect(taken).toMatchObject({ acquired: true, lease: { owner: 'a' } });
      // another owner sees the holder first, whatever its expectation
      expect(await store.acquireLease('r1', { owner: 'b', ttlMs: 60_000, expect: ['failed'] })).toMatchObject({ acquired: false, reason: 'held', holder: 'a', status: 'waiting' });
      await store.updateRun('r1', { status: 'running' });
      expect(await store.acquireLease('r1', { owner: 'a', ttlMs: 60_000, expect: ['waiting'] })).toEqual({ acquired: false, reason: 'status', status: 'running' });
      await expect(store.acquireLease('nope', { owner: 'a', ttlMs: 1_000 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.acquireLease('r1', { owner: '', ttlMs: 1_000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.acquireLease('r1', { owner: 'a', ttlMs: -5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.acquireLease('r1', { owner: 'a', ttlMs: 1.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('schedule slots: each (schedule, slot) is claimed once, by one of several racing claimers', async () => {
      const store = await fresh();
      const slot = '2026-01-01T02:00:00.000Z';
      const claims = await Promise.all(['s1', 's2', 's3', 's4', 's5'].map((owner) => store.claimScheduleSlot('nightly', slot, owner)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimScheduleSlot('nightly', slot, 's1')).toBe(false);
      // the same instant written another way is the same slot
      expect(await store.claimScheduleSlot('nightly', '2026-01-01T02:00:00Z', 's2')).toBe(false);
      expect(await store.claimScheduleSlot('nightly', '2026-01-01T03:00:00+01:00', 's2')).toBe(false);
      expect(await store.claimScheduleSlot('nightly', '2026-01-02T02:00:00.000Z', 's2')).toBe(true);
      expect(await store.claimScheduleSlot('hourly', slot, 's3')).toBe(true);
      // a newer claim keeps the recent ones
      expect(await store.claimScheduleSlot('nightly', '2026-01-05T02:00:00.000Z', 's2')).toBe(true);
      expect(await store.claimScheduleSlot('nightly', slot, 's4')).toBe(false);
      await expect(store.claimScheduleSlot('nightly', 'tomorrow', 's1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.claimScheduleSlot('', slot, 's1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    if (options.reopen) {
      it('keeps leases and claimed slots when opened again', async () => {
        const store = await fresh();
        await store.createRun(runRecord('r1'));
        const taken = await store.acquireLease('r1', { owner: 'me', ttlMs: 60_000 });
        expect(await store.claimScheduleSlot('nightly', '2026-01-01T02:00:00.000Z', 'me')).toBe(true);
        const again = await options.reopen!(store);
        open.push(again);
        expect(await again.getLease('r1')).toEqual(taken.acquired ? taken.lease : undefined);
        expect(await again.acquireLease('r1', { owner: 'other', ttlMs: 1_000 })).toMatchObject({ acquired: false, holder: 'me' });
        expect(await again.claimScheduleSlot('nightly', '2026-01-01T02:00:00.000Z', 'other')).toBe(false);
      });

      it('keeps everything when opened again', async () => {
        const store = await fresh();
        await store.createRun(runRecord('r1'));
        await store.saveStage({ runId: 'r1', stageId: 'a', engine: 'agno', status: 'completed', attempts: 1, output: 1 });
        await store.appendHistory('r1', history('a'));
        await store.appendEvent(event('r1', 1));
        await store.appendEvents([event('r1', 2), event('r1', 3)]);
        await store.saveStepResult('r1', 'a', 'node:x', { output: 1 });
        const again = await options.reopen!(store);
        open.push(again);
        expect(await again.getRun('r1')).toEqual(runRecord('r1'));
        expect((await again.listStages('r1')).map((s) => s.stageId)).toEqual(['a']);
        expect(await again.listHistory('r1')).toEqual([history('a')]);
        expect(await again.listEvents('r1')).toEqual([event('r1', 1), event('r1', 2), event('r1', 3)]);
        expect((await again.listStepResults('r1', 'a')).map((r) => [r.key, r.value])).toEqual([['node:x', { output: 1 }]]);
      });
    }
  });
}
