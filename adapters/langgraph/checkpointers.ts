import { isAbsolute, resolve } from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { SwitchyardError, ensurePrivateFile, sleep } from 'switchyard/adapter-kit';

/** Environment variable naming the checkpoint store for every langgraph stage (`postgres://...` or a SQLite path). */
export const CHECKPOINT_URL_ENV = 'SWITCHYARD_CHECKPOINT_URL';

export interface CheckpointTarget {
  readonly kind: 'sqlite' | 'postgres';
  /** A file path for SQLite, a connection string for PostgreSQL. */
  readonly location: string;
}

/**
 * Where a stage's checkpoints go: the task's `checkpoint.url`, else the adapter option, else
 * `SWITCHYARD_CHECKPOINT_URL`, else `<home>/checkpoints.sqlite`.
 */
export function resolveCheckpointTarget(url: string | undefined, home: string, baseDir: string): CheckpointTarget {
  const chosen = url ?? (process.env[CHECKPOINT_URL_ENV] || undefined);
  if (chosen === undefined) return { kind: 'sqlite', location: resolve(home, 'checkpoints.sqlite') };
  if (/^postgres(ql)?:\/\//i.test(chosen)) return { kind: 'postgres', location: chosen };
  const path = chosen.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:') return { kind: 'sqlite', location: path };
  return { kind: 'sqlite', location: isAbsolute(path) ? path : resolve(baseDir, path) };
}

/** One saver per location per adapter: SQLite connections and PostgreSQL pools are opened once and closed with the adapter. */
export class CheckpointerPool {
  readonly #savers = new Map<string, Promise<BaseCheckpointSaver>>();
  readonly #observed = new WeakMap<BaseCheckpointSaver, ObservedSaver>();

  /** The pool's saver for `target`, observed for checkpoint events. */
  async observed(target: CheckpointTarget): Promise<ObservedSaver> {
    return this.observe(await this.get(target));
  }

  /** One observer per saver (a graph's own checkpointer included), so compiled graphs can be reused. */
  observe(saver: BaseCheckpointSaver): ObservedSaver {
    let observed = this.#observed.get(saver);
    if (!observed) {
      observed = observeCheckpoints(saver);
      this.#observed.set(saver, observed);
    }
    return observed;
  }

  get(target: CheckpointTarget): Promise<BaseCheckpointSaver> {
    const key = `${target.kind}:${target.location}`;
    let saver = this.#savers.get(key);
    if (!saver) {
      saver = open(target);
      saver.catch(() => this.#savers.delete(key));
      this.#savers.set(key, saver);
    }
    return saver;
  }

  async close(): Promise<void> {
    const savers = [...this.#savers.values()];
    this.#savers.clear();
    await Promise.allSettled(savers.map(async (pending) => closeSaver(await pending)));
  }
}

async function open(target: CheckpointTarget): Promise<BaseCheckpointSaver> {
  if (target.kind === 'sqlite') {
    const { SqliteSaver } = await import('@langchain/langgraph-checkpoint-sqlite');
    if (target.location !== ':memory:') ensurePrivateFile(target.location, 'checkpoints');
    return SqliteSaver.fromConnString(target.location);
  }
  const [{ PostgresSaver }, pg] = await Promise.all([import('@langchain/langgraph-checkpoint-postgres'), import('pg')]);
  // allowExitOnIdle: a CLI process that approved a run must not hang on idle pool connections.
  const pool = new pg.default.Pool({ connectionString: target.location, allowExitOnIdle: true, max: 4 });
  const saver = new PostgresSaver(pool);
  try {
    await setupWithRetry(saver);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new SwitchyardError('ENGINE_ERROR', `langgraph checkpoints: cannot use PostgreSQL at ${redact(target.location)}: ${(error as Error).message}`, { cause: error });
  }
  return saver;
}

/** Two processes creating the tables at once can collide on the migrations table; the second try sees them done. */
async function setupWithRetry(saver: { setup(): Promise<void> }): Promise<void> {
  try {
    await saver.setup();
  } catch (error) {
    await sleep(100);
    try {
      await saver.setup();
    } catch {
      throw error;
    }
  }
}

async function closeSaver(saver: BaseCheckpointSaver): Promise<void> {
  const closable = saver as unknown as { end?: () => Promise<void>; db?: { close?: () => void; open?: boolean } };
  if (typeof closable.end === 'function') await closable.end();
  else if (closable.db?.open && typeof closable.db.close === 'function') closable.db.close();
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** What a checkpoint write reports to the stage running on its thread. */
export interface CheckpointWrite {
  readonly threadId: string;
  readonly checkpointId: string | undefined;
  readonly step: number | undefined;
  readonly source: string | undefined;
}

/** A saver whose writes are reported to whoever watches the thread. */
export interface ObservedSaver {
  readonly saver: BaseCheckpointSaver;
  /** Reports writes on `threadId` to `listener` until the returned function is called. */
  watch(threadId: string, listener: (write: CheckpointWrite) => void): () => void;
}

/**
 * Wraps a saver so every `put` is reported, once written, to the stage watching that thread: checkpoint events
 * cost one callback, not a LangGraph stream mode. Everything else passes through; `instanceof` still holds.
 */
export function observeCheckpoints(saver: BaseCheckpointSaver): ObservedSaver {
  const watchers = new Map<string, (write: CheckpointWrite) => void>();
  const put: BaseCheckpointSaver['put'] = async (config, checkpoint, metadata, versions) => {
    const written = await saver.put(config, checkpoint, metadata, versions);
    const threadId = written.configurable?.thread_id as string | undefined;
    const watcher = threadId === undefined ? undefined : watchers.get(threadId);
    watcher?.({ threadId: threadId!, checkpointId: checkpoint.id, step: metadata.step, source: metadata.source });
    return written;
  };
  const proxy = new Proxy(saver, {
    get(target, property) {
      if (property === 'put') return put;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    saver: proxy,
    watch(threadId, listener) {
      watchers.set(threadId, listener);
      return () => {
        if (watchers.get(threadId) === listener) watchers.delete(threadId);
      };
    },
  };
}
