import type { HistoryEntry, StageMemo } from '../adapter.js';
import type { RunStore } from '../store/types.js';

/** The part of the run store a stage's memo uses. */
export type StepResultStore = Pick<RunStore, 'saveStepResult' | 'listStepResults'>;

/**
 * How many times the stage completed before in this run: a stage run again after it completed (an `onFailure.goto`
 * jump back over it) starts a new memo, so its work is done again; retries and resumes of an unfinished stage keep
 * the memo (their history holds `retry` and `failed` entries, not `completed` ones).
 */
export function memoPass(history: readonly HistoryEntry[], stageId: string): number {
  let pass = 0;
  for (const entry of history) if (entry.stageId === stageId && entry.outcome === 'completed') pass++;
  return pass;
}

/**
 * `context.memo` on the run store: one read of the stage's step results on first use, then writes through. A store
 * without the step-result methods (one written before them) gives no memo.
 */
export function stageMemo(store: Partial<StepResultStore> | undefined, runId: string, stageId: string, history: readonly HistoryEntry[]): StageMemo | undefined {
  if (typeof store?.saveStepResult !== 'function' || typeof store.listStepResults !== 'function') return undefined;
  return new StoreMemo(store as StepResultStore, runId, stageId, history);
}

class StoreMemo implements StageMemo {
  readonly #store: StepResultStore;
  readonly #runId: string;
  readonly #stageId: string;
  readonly #history: readonly HistoryEntry[];
  /** Stored keys are prefixed by the pass (`0:` first), so a later pass of the stage never sees an earlier one's. */
  #prefix = '';
  #loaded: Promise<Map<string, unknown>> | undefined;

  constructor(store: StepResultStore, runId: string, stageId: string, history: readonly HistoryEntry[]) {
    this.#store = store;
    this.#runId = runId;
    this.#stageId = stageId;
    this.#history = history;
  }

  async get(key: string): Promise<unknown> {
    return (await this.#load()).get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    // a copy taken now: what the caller changes later is not what gets saved
    const copy = JSON.parse(JSON.stringify(value === undefined ? null : value)) as unknown;
    const values = await this.#load();
    await this.#store.saveStepResult(this.#runId, this.#stageId, this.#prefix + key, copy);
    // the stores keep their own copy of what they were given, so the memo may keep this one
    values.set(key, copy);
  }

  async entries(): Promise<ReadonlyMap<string, unknown>> {
    return new Map(await this.#load());
  }

  #load(): Promise<Map<string, unknown>> {
    // the pass is read on first use only: building a context costs no walk of the history
    if (this.#loaded === undefined) this.#prefix = `${memoPass(this.#history, this.#stageId)}:`;
    this.#loaded ??= this.#store.listStepResults(this.#runId, this.#stageId).then((records) => {
      const values = new Map<string, unknown>();
      const prefix = this.#prefix;
      for (const record of records) {
        if (!record.key.startsWith(prefix)) continue;
        values.set(record.key.slice(prefix.length), record.value);
      }
      return values;
    });
    return this.#loaded;
  }
}
