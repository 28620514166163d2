import { SwitchyardError } from '../errors.js';
import type { RunStatus } from '../events/types.js';
import { assertTtl, leaseOwner } from '../store/leases.js';
import type { LeaseAcquisition, RunLease, RunStore } from '../store/types.js';

/**
 * How the hub owns a run while it runs (design: src/store/leases.ts). `run` takes the lease when it creates the
 * record; `resume`, `approve` and `reject` take it before anything else, with the statuses they may continue from,
 * so of several processes (on any machines sharing the store) exactly one continues a run. The lease is renewed
 * while stages run and released when the run ends or waits for approval; a `running` run whose lease expired is
 * interrupted.
 */

export interface LeaseSettings {
  /** How long a run's lease lasts without a renewal (ms). */
  readonly ttlMs: number;
  /** How often the running process renews it (ms, less than `ttlMs`). */
  readonly renewMs: number;
}

/** Default lease: 30 s, renewed every 10 s. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

/**
 * The lease settings from the hub option, else `SWITCHYARD_LEASE_TTL_MS` / `SWITCHYARD_LEASE_RENEW_MS`, else
 * 30 s renewed every ttl/3. Throws INVALID_INPUT for a value that is not a positive integer or a renewal
 * interval not shorter than the ttl.
 */
export function resolveLeaseSettings(option: { readonly ttlMs?: number; readonly renewMs?: number } | undefined, env: NodeJS.ProcessEnv = process.env): LeaseSettings {
  const fromEnv = (name: string): number | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    return assertTtl(/^\d+$/.test(text) ? Number(text) : text, name);
  };
  const ttlMs = option?.ttlMs !== undefined ? assertTtl(option.ttlMs, 'lease.ttlMs') : (fromEnv('SWITCHYARD_LEASE_TTL_MS') ?? DEFAULT_LEASE_TTL_MS);
  const renewMs = option?.renewMs !== undefined ? assertTtl(option.renewMs, 'lease.renewMs') : (fromEnv('SWITCHYARD_LEASE_RENEW_MS') ?? Math.max(1, Math.floor(ttlMs / 3)));
  if (renewMs >= ttlMs) {
    throw new SwitchyardError('INVALID_INPUT', `lease.renewMs: expected less than the lease ttl (${ttlMs} ms); got ${renewMs}`, { path: 'lease.renewMs', expected: `less than ${ttlMs}`, got: renewMs });
  }
  return { ttlMs, renewMs };
}

/** `process 4242 on build-7 (build-7:4242:ab12cd34)` for an owner id made by `leaseOwner()`. */
export function describeOwner(owner: string): string {
  const parts = owner.split(':');
  if (parts.length >= 3 && /^\d+$/.test(parts[parts.length - 2]!)) {
    return `process ${parts[parts.length - 2]} on ${parts.slice(0, -2).join(':')} (${owner})`;
  }
  return owner;
}

/** The CONFLICT for a run another process holds: one line naming the holder and until when. */
export function heldError(runId: string, held: Extract<LeaseAcquisition, { reason: 'held' }>): SwitchyardError {
  return new SwitchyardError('CONFLICT', `run ${runId} is held by ${describeOwner(held.holder)} until ${held.expiresAt} (status ${held.status}); only one process can continue it`, {
    details: { runId, holder: held.holder, expiresAt: held.expiresAt, status: held.status },
  });
}

/**
 * Takes the run's lease for a new owner, atomically with the status check. Returns the lease, or the status the
 * run has when it is not one of `expect` (the caller words that error); throws CONFLICT naming the holder when
 * another process holds it, NOT_FOUND for an unknown run.
 */
export async function takeRunLease(
  store: RunStore,
  runId: string,
  expect: readonly RunStatus[],
  settings: LeaseSettings,
): Promise<{ readonly lease: RunLease } | { readonly status: RunStatus }> {
  const outcome = await store.acquireLease(runId, { owner: leaseOwner(), ttlMs: settings.ttlMs, expect });
  if (outcome.acquired) return { lease: outcome.lease };
  if (outcome.reason === 'held') throw heldError(runId, outcome);
  return { status: outcome.status };
}

/**
 * Keeps a run's lease while it runs: renews it every `renewMs` (the timer does not keep the process alive);
 * a renewal that finds the lease gone (this process was stopped longer than the ttl and another took the run
 * over) calls `onLost` once. A failed renewal (the store unreachable) is tried again at the next tick.
 */
export class LeaseKeeper {
  readonly #store: RunStore;
  #lease: RunLease;
  readonly #settings: LeaseSettings;
  readonly #onLost: (error: SwitchyardError) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing: Promise<void> = Promise.resolve();
  #lost = false;

  constructor(store: RunStore, lease: RunLease, settings: LeaseSettings, onLost: (error: SwitchyardError) => void) {
    this.#store = store;
    this.#lease = lease;
    this.#settings = settings;
    this.#onLost = onLost;
    this.#timer = setInterval(() => {
      this.#renewing = this.#renew();
    }, settings.renewMs);
    this.#timer.unref?.();
  }

  get lease(): RunLease {
    return this.#lease;
  }

  /** True once a renewal found the lease taken over: the run must not write its end. */
  get lost(): boolean {
    return this.#lost;
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    try {
      const renewed = await this.#store.renewLease(this.#lease, this.#settings.ttlMs);
      if (renewed) {
        this.#lease = renewed;
        return;
      }
      this.#lost = true;
      this.#stopTimer();
      this.#onLost(
        new SwitchyardError('CONFLICT', `run ${this.#lease.runId}: this process lost the run's lease (it was not renewed within ${this.#settings.ttlMs} ms and another process took it over)`, {
          details: { runId: this.#lease.runId, owner: this.#lease.owner },
        }),
      );
    } catch {
      // the store did not answer: the next tick tries again, within the ttl
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops renewing and frees the lease (nothing to free when it was lost). */
  async release(): Promise<void> {
    this.#stopTimer();
    await this.#renewing;
    if (this.#lost) return;
    await this.#store.releaseLease(this.#lease).catch(() => false);
  }
}
