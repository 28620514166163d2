import type { RunStore } from '../store/types.js';
import type { EventSink, RunEvent } from './types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A run event before the bus stamps it with run id, time and sequence number. */
export type RunEventInput = DistributiveOmit<RunEvent, 'runId' | 'at' | 'seq'>;

/** Event types after which buffered events are written to the store at once: a stage or the run ended (or waits). */
const WRITE_AFTER = new Set<RunEvent['type']>(['stage.completed', 'stage.failed', 'stage.waiting', 'stage.skipped', 'run.finished']);
const NONE: ReadonlySet<RunEvent['type']> = new Set();
/** Most events held before a write, and longest time (ms) an event waits for one during a long stage. */
const MAX_BUFFERED = 128;
const MAX_DELAY_MS = 100;

/**
 * One per run: stamps events, hands them to the sinks and the store, in order.
 * Events are frozen (shallowly) before delivery. Sinks are called synchronously; an async sink's promise and the store's writes are
 * collected and awaited by `flush()`, so a slow sink never blocks a stage. A failing sink is reported once, never fatal.
 * The store gets events in batches (`appendEvents`, one transaction for SQLite): when a stage ends, waits or is skipped,
 * when the run ends, every 128 events, and at most 100 ms after an event during a long stage; `flush()` writes the rest.
 * With `ownerCommits` the owner writes the buffered events itself at its durable points (`take()`, the hub's stage
 * and run commits), and the bus writes only on the count and the timer.
 */
export class RunEventBus {
  readonly runId: string;
  #seq: number;
  readonly #sinks: readonly EventSink[];
  readonly #store: RunStore | undefined;
  #pending: Promise<unknown>[] = [];
  #buffer: RunEvent[] = [];
  /** Waiting for the shared timer to write this bus's events. */
  #scheduled = false;
  /** Buses with events that wait for the shared timer: one timer for every run in the process. */
  static readonly #dirty = new Set<RunEventBus>();
  static #timer: NodeJS.Timeout | undefined;
  readonly #onSinkError: (error: unknown) => void;
  readonly #writeAfter: ReadonlySet<RunEvent['type']>;

  constructor(
    runId: string,
    sinks: readonly EventSink[],
    store: RunStore | undefined,
    options: { startSeq?: number; onSinkError?: (error: unknown) => void; ownerCommits?: boolean } = {},
  ) {
    this.runId = runId;
    this.#sinks = sinks;
    this.#store = store;
    this.#seq = options.startSeq ?? 0;
    this.#onSinkError = options.onSinkError ?? (() => {});
    this.#writeAfter = options.ownerCommits ? NONE : WRITE_AFTER;
  }

  /** Stamps and delivers an event. `input` must be a fresh object: it becomes the event (no copy on the hot path). */
  emit(input: RunEventInput): RunEvent {
    const event = input as { runId: string; at: number; seq: number } & RunEventInput;
    event.runId = this.runId;
    event.at = Date.now();
    event.seq = ++this.#seq;
    // Frozen: every sink and the store see the same event, and none can change it for the others.
    Object.freeze(event);
    if (this.#store) {
      this.#buffer.push(event as RunEvent);
      if (this.#writeAfter.has(event.type) || this.#buffer.length >= MAX_BUFFERED) this.#write();
      else if (!this.#scheduled) this.#schedule();
    }
    for (const sink of this.#sinks) {
      try {
        const result = sink.handle(event as RunEvent);
        if (result) this.#track(result);
      } catch (error) {
        this.#onSinkError(error);
      }
    }
    return event as RunEvent;
  }

  get seq(): number {
    return this.#seq;
  }

  /** The events not yet handed to the store, for the owner to write with its own commit; the bus forgets them. */
  take(): RunEvent[] {
    if (this.#scheduled) {
      this.#scheduled = false;
      RunEventBus.#dirty.delete(this);
    }
    const batch = this.#buffer;
    this.#buffer = [];
    return batch;
  }

  #schedule(): void {
    this.#scheduled = true;
    RunEventBus.#dirty.add(this);
    if (RunEventBus.#timer === undefined) RunEventBus.#timer = setTimeout(() => RunEventBus.#writeDirty(), MAX_DELAY_MS).unref();
  }

  static #writeDirty(): void {
    RunEventBus.#timer = undefined;
    for (const bus of RunEventBus.#dirty) {
      bus.#scheduled = false;
      bus.#write();
    }
    RunEventBus.#dirty.clear();
  }

  /** Hands the buffered events to the store in one call. */
  #write(): void {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    const store = this.#store!;
    try {
      // a store written before appendEvents existed still gets every event, one call each
      this.#track(typeof store.appendEvents === 'function' ? store.appendEvents(batch) : Promise.all(batch.map((event) => store.appendEvent(event))));
    } catch (error) {
      this.#onSinkError(error);
    }
  }

  #track(promise: Promise<unknown>): void {
    this.#pending.push(promise.catch(this.#onSinkError));
    if (this.#pending.length > 256) {
      const batch = this.#pending;
      this.#pending = [Promise.all(batch)];
    }
  }

  /** Waits for the store and async sinks to take every event emitted so far. */
  async flush(): Promise<void> {
    if (this.#scheduled) {
      this.#scheduled = false;
      RunEventBus.#dirty.delete(this);
    }
    this.#write();
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await Promise.all(batch);
    }
  }
}
