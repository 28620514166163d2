import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { RunEvent } from '../events/types.js';
import { shownRun } from '../pipeline/run-status.js';
import type { RunStore } from '../store/types.js';
import type { EventBroker } from './broker.js';
import { problems } from './problems.js';

/**
 * `GET /api/runs/{id}/events` as Server-Sent Events. Each message is one run event: `id:` its sequence number,
 * `event:` its type, `data:` the event as JSON. A client that reconnects with `Last-Event-ID` (or `?lastEventId=`)
 * gets only what came after it: first what the store and this process's log hold, then live events (the broker for
 * runs executing here; the store, polled, for runs of other processes). The stream ends after a `run.finished` with
 * nothing after it (a run that finished, or waits for approval); a comment line keeps idle connections open.
 */

export interface EventStreamOptions {
  readonly store: RunStore;
  readonly broker: EventBroker;
  /** Ms between keep-alive comments on a quiet stream (default 15 s). */
  readonly keepAliveMs: number;
  /** Ms between store reads for runs executing in other processes (default 500). */
  readonly pollMs: number;
  /** Aborted when the server stops: open streams end. */
  readonly closing: AbortSignal;
  /** Where a failure while streaming is logged (the stream then ends; the client may reconnect). */
  readonly log: (line: string) => void;
}

/** `Last-Event-ID` (or the `lastEventId` query parameter): the sequence number of the last event the client has. */
export function lastEventIdOf(c: Context): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (raw === undefined || raw.trim() === '') return 0;
  if (!/^\s*\d{1,15}\s*$/.test(raw)) throw problems.invalid('Last-Event-ID', 'Last-Event-ID: expected the id (a whole number) of an event of this run', { got: raw });
  return Number(raw);
}

export function runEventStream(c: Context, runId: string, after: number, options: EventStreamOptions): Response {
  c.header('x-accel-buffering', 'no');
  c.header('cache-control', 'no-cache, no-store');
  return streamSSE(c, async (stream) => {
    const queue: RunEvent[] = [];
    let wake: (() => void) | undefined;
    const poke = () => {
      wake?.();
      wake = undefined;
    };
    let ended = false;
    const end = () => {
      ended = true;
      poke();
    };
    stream.onAbort(end);
    options.closing.addEventListener('abort', end, { once: true });
    const subscription = options.broker.subscribe(runId, (event) => {
      queue.push(event);
      poke();
    });
    let last = after;
    let lastType: RunEvent['type'] | undefined;
    let lastWrite = Date.now();
    const send = async (events: readonly RunEvent[]) => {
      for (const event of events) {
        if (ended) return;
        // The client has this one already: it still tells whether the run has finished.
        if (event.seq <= last) {
          if (event.seq === last) lastType = event.type;
          continue;
        }
        await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
        last = event.seq;
        lastType = event.type;
        lastWrite = Date.now();
      }
    };
    /** Polls in a row that found nothing new while the stored run is not running. */
    let settled = 0;
    try {
      // What came before: the store, then this process's log (which holds what the store may not have yet).
      const stored = await options.store.listEvents(runId);
      await send(merge(stored, subscription.log, queue.splice(0)));
      for (;;) {
        if (ended) break;
        if (queue.length > 0) {
          await send(queue.splice(0));
          continue;
        }
        const live = options.broker.isActive(runId);
        if (lastType === 'run.finished' && !live) break;
        if (live) {
          await idle(stream, options.keepAliveMs - (Date.now() - lastWrite), (resolve) => (wake = resolve));
        } else {
          // Another process runs it (or nobody does yet): read the store.
          await idle(stream, Math.min(options.pollMs, options.keepAliveMs), (resolve) => (wake = resolve));
          if (ended || queue.length > 0) continue;
          const before = last;
          await send((await options.store.listEvents(runId)).filter((e) => e.seq >= last));
          if (lastType !== 'run.finished' && queue.length === 0 && !options.broker.isActive(runId)) {
            const run = await options.store.getRun(runId);
            const status = run ? (await shownRun(options.store, run)).status : undefined;
            // Nobody runs it (its process died, or it ended without a run.finished the client has not seen):
            // once two reads in a row found nothing new, no more events will come until someone resumes it.
            settled = status === undefined || (status !== 'running' && last === before) ? settled + 1 : 0;
            if (settled >= 2 || status === 'interrupted') break;
          }
        }
        if (!ended && Date.now() - lastWrite >= options.keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      }
    } catch (error) {
      options.log(`events of run ${runId}: the stream ended on an error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      subscription.unsubscribe();
      options.closing.removeEventListener('abort', end);
    }
  });
}

/** Waits up to `ms` (at least 1) or until `arm`'s resolver is called. */
async function idle(stream: SSEStreamingApi, ms: number, arm: (resolve: () => void) => void): Promise<void> {
  if (stream.aborted || stream.closed) return;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    arm(resolve);
    timer = setTimeout(resolve, Math.max(1, ms));
  });
  clearTimeout(timer);
}

/** Events of several sources, one per sequence number, in order. */
function merge(...sources: readonly (readonly RunEvent[])[]): RunEvent[] {
  const bySeq = new Map<number, RunEvent>();
  for (const source of sources) for (const event of source) if (!bySeq.has(event.seq)) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
