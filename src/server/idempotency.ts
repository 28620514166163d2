import { createHash } from 'node:crypto';
import { HttpProblem, problems } from './problems.js';

/**
 * `Idempotency-Key` for `POST /api/runs`: the same key with the same body (per API key) gives the same run, so a
 * client may retry a request whose answer it lost; the same key with another body is a 422 problem. Keys are kept in
 * this process for 24 hours (at most 10,000; the oldest go first).
 */

export const IDEMPOTENCY_HEADER = 'idempotency-key';

interface Entry {
  readonly fingerprint: string;
  readonly at: number;
  readonly runId: Promise<string>;
}

export class IdempotencyKeys {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#max = options.max ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** A header value as a key: 1 to 255 printable ASCII characters, else a 400 problem. */
  static parse(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (!/^[\x20-\x7e]{1,255}$/.test(value)) throw problems.invalid('Idempotency-Key', 'Idempotency-Key: expected 1 to 255 printable ASCII characters');
    return value;
  }

  /**
   * The run for this key: a new one from `create`, or the one a first request with the key made (`replayed`).
   * A failed `create` forgets the key, so the client may retry it.
   */
  async run(scope: string, key: string, body: unknown, create: () => Promise<string>): Promise<{ runId: string; replayed: boolean }> {
    this.#prune();
    const id = `${scope}\u0000${key}`;
    const fingerprint = fingerprintOf(body);
    const existing = this.#entries.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new HttpProblem(422, 'idempotency-key-reused', `Idempotency-Key ${JSON.stringify(key)} was used with another request body; use a new key for a new request`);
      }
      return { runId: await existing.runId, replayed: true };
    }
    const runId = create();
    this.#entries.set(id, { fingerprint, at: this.#now(), runId });
    try {
      return { runId: await runId, replayed: false };
    } catch (error) {
      if (this.#entries.get(id)?.runId === runId) this.#entries.delete(id);
      throw error;
    }
  }

  #prune(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (now - entry.at < this.#ttlMs && this.#entries.size < this.#max) break;
      this.#entries.delete(id);
    }
  }
}

/** SHA-256 of the body as canonical JSON (object keys sorted), so key order does not make two bodies differ. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
