import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { HybridOrchestrator } from '../pipeline/orchestrator.js';
import type { Scheduler } from '../schedule/types.js';
import type { SelectorCore } from '../selector/core.js';
import type { RunStore } from '../store/types.js';
import type { ApiKeys, AuthVariables } from './auth.js';
import type { EventBroker } from './broker.js';
import type { PipelineCatalog } from './catalog.js';
import type { IdempotencyKeys } from './idempotency.js';
import type { RunManager } from './runs.js';
import type { Webhooks } from './webhooks.js';

/** What every route shares: the hub and its store, the registered pipelines, the runs in flight, the limits. */

export interface ServerVariables extends AuthVariables {
  /** A fresh id per request: the `X-Request-Id` header, and the correlation id of a 500 problem. */
  requestId: string;
}

export type ServerEnv = { Variables: ServerVariables };

export type ServerApp = OpenAPIHono<ServerEnv>;

export interface ServerContext {
  readonly version: string;
  readonly hub: HybridOrchestrator;
  readonly store: RunStore;
  readonly catalog: PipelineCatalog;
  readonly runs: RunManager;
  readonly broker: EventBroker;
  readonly webhooks: Webhooks;
  readonly idempotency: IdempotencyKeys;
  readonly selector: SelectorCore;
  readonly keys: ApiKeys;
  /** The embedded scheduler, when the server runs one (`--scheduler`). */
  readonly scheduler: Scheduler | undefined;
  readonly maxRunsInFlight: number;
  readonly keepAliveMs: number;
  readonly pollMs: number;
  /** Aborted when the server starts stopping. */
  readonly closing: AbortSignal;
  readonly log: (line: string) => void;
  /**
   * The API's guard, to put in front of routes mounted on the server (`/mcp`, the dashboard's data routes):
   * the API key check (401 problem) then the per-key rate limit (429 problem).
   */
  readonly guard: readonly MiddlewareHandler<ServerEnv>[];
}
