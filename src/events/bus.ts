import type { RunStore } from '../store/types.js';
import type { EventSink, RunEvent } from './types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A run event before the bus stamps it with run id, time and sequence number. */
export type RunEventInput = DistributiveOmit<RunEvent, 'runId' | 'at' | 'seq'>;

/**
 * One per run: stamps events, hands them to the sinks and the store, in order.
 * Events are frozen (shallowly) before delivery. Sinks are called synchronously; an async sink's promise and the store's writes are
 * collected and awaited by `flush()`, so a slow sink never blocks a stage. A failing sink is reported once, never fatal.
 */
export class RunEventBus {
  readonly runId: string;
  #seq: number;
  readonly #sinks: readonly EventSink[];
  readonly #store: RunStore | undefined;
  #pending: Promise<unknown>[] = [];
  readonly #onSinkError: (error: unknown) => void;

  constructor(runId: string, sinks: readonly EventSink[], store: RunStore | undefined, options: { startSeq?: number; onSinkError?: (error: unknown) => void } = {}) {
    this.runId = runId;
    this.#sinks = sinks;
    this.#store = store;
    this.#seq = options.startSeq ?? 0;
    this.#onSinkError = options.onSinkError ?? (() => {});
  }

  /** Stamps and delivers an event. `input` must be a fresh object: it becomes the event (no copy on the hot path). */
  emit(input: RunEventInput): RunEvent {
    const event = input as { runId: string; at: number; seq: number } & RunEventInput;
    event.runId = this.runId;
    event.at = Date.now();
    event.seq = ++this.#seq;
    // Frozen: every sink and the store see the same event, and none can change it for the others.
    Object.freeze(event);
    if (this.#store) this.#track(this.#store.appendEvent(event as RunEvent));
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

  #track(promise: Promise<unknown>): void {
    this.#pending.push(promise.catch(this.#onSinkError));
    if (this.#pending.length > 256) {
      const batch = this.#pending;
      this.#pending = [Promise.all(batch)];
    }
  }

  /** Waits for the store and async sinks to take every event emitted so far. */
  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await Promise.all(batch);
    }
  }
}
