import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { except } from 'hono/combine';
import type { ResourceRegistry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import { HybridOrchestrator } from '../pipeline/orchestrator.js';
import type { AdapterSource } from '../registry.js';
import type { Scheduler } from '../schedule/types.js';
import type { RunStore } from '../store/types.js';
import { apiKeys, requireApiKey } from './auth.js';
import { EventBroker } from './broker.js';
import { PipelineCatalog } from './catalog.js';
import type { ServerApp, ServerContext, ServerEnv } from './context.js';
import { IdempotencyKeys } from './idempotency.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT, limitBody, rateLimit, type RateLimit } from './limits.js';
import { HttpProblem, problemOf, problemResponse } from './problems.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { runRoutes } from './routes/runs.js';
import { scheduleRoutes } from './routes/schedules.js';
import { selectorRoutes } from './routes/selector.js';
import { mountDashboard } from './dashboard/index.js';
import { mountMcp } from './mcp.js';
import { DOCS_PATH, OPENAPI_PATH, rootPointer, systemRoutes } from './routes/system.js';
import { RunManager } from './runs.js';
import { validationHook } from './validation.js';
import { WEBHOOK_SECRET_ENV, Webhooks, webhookOriginsFromEnv } from './webhooks.js';

export interface ServerOptions {
  /** The operator's pipelines folder: every *.yaml, *.yml and *.json at its top is served by name. */
  readonly pipelinesDir?: string;
  /** The switchyard home (SQLite store, checkpoints, indexes): else SWITCHYARD_HOME, else ./.switchyard. */
  readonly home?: string;
  /** A run store to use (the server does not close it); else `storeUrl`, SWITCHYARD_STORE_URL or SQLite under `home`. */
  readonly store?: RunStore;
  readonly storeUrl?: string;
  /** API keys; none: no authentication (then listen on loopback only, see `assertBindable`). */
  readonly apiKeys?: readonly string[];
  /** Largest request body in bytes (default 1 MiB); larger is a 413 problem. */
  readonly maxBodyBytes?: number;
  /** Per-key token bucket (default 20 requests/s, bursts of 40); `false` turns it off. */
  readonly rateLimit?: RateLimit | false;
  /** Most runs executing at once (default 16); more is a 429 problem. */
  readonly maxRunsInFlight?: number;
  /** Secret for webhook signatures (default SWITCHYARD_WEBHOOK_SECRET); without one, webhooks are refused. */
  readonly webhookSecret?: string;
  /** Origins webhooks may go to (default SWITCHYARD_WEBHOOK_ORIGINS, comma-separated; else any http(s) URL). */
  readonly webhookOrigins?: readonly string[];
  /** Keep-alive comment interval on event streams (default 15000 ms). */
  readonly keepAliveMs?: number;
  /** How often event streams read the store for runs of other processes (default 500 ms). */
  readonly pollMs?: number;
  /** A folder of custom orchestrator profiles for the selector routes. */
  readonly profilesDir?: string;
  /** Also fire the store's schedules in this process (the embedded bree scheduler). */
  readonly scheduler?: boolean | { readonly reloadMs?: number };
  /** Adapters and resources registered in code (library use and tests), besides what the pipelines' modules register. */
  readonly adapters?: Readonly<Record<string, AdapterSource>>;
  readonly resources?: ResourceRegistry;
  /** Where warnings and unexpected errors are logged (default: stderr, one line each). */
  readonly log?: (line: string) => void;
  /** The run dashboard at `/` (default on; `false` leaves `/` to the JSON pointer). */
  readonly dashboard?: boolean;
}

export interface CloseOptions {
  /** How long runs in flight may finish before they are cancelled (recorded `cancelled`, resumable); default 30 s. */
  readonly graceMs?: number;
}

export interface CloseReport {
  readonly finished: number;
  readonly cancelled: number;
}

/** The server: a hono app (`app.request()`, `app.fetch`, mount more routes with `app.route`) with its context and `close()`. */
export type SwitchyardServer = ServerApp & {
  readonly context: ServerContext;
  /** Stops: no new runs, open event streams end, runs in flight get `graceMs` then are cancelled; the scheduler stops; the hub closes. */
  close(options?: CloseOptions): Promise<CloseReport>;
};

/** Paths anyone may read: health, the OpenAPI document and the reference page. */
const OPEN_PATHS = new Set(['/api/health', OPENAPI_PATH, DOCS_PATH]);

/**
 * Builds the HTTP gateway: loads and validates the operator's pipelines, opens the run store, and returns the hono
 * app with every `/api` route. Nothing listens: serve it with `listen()` (./listen.ts), or call `app.request()` in tests.
 * `/` answers a pointer to the docs until another route (the dashboard) is mounted there.
 */
export async function createServer(options: ServerOptions = {}): Promise<SwitchyardServer> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const keys = apiKeys(options.apiKeys ?? []);
  const maxRunsInFlight = options.maxRunsInFlight ?? 16;
  if (!Number.isInteger(maxRunsInFlight) || maxRunsInFlight < 1) throw new SwitchyardError('INVALID_INPUT', `maxRunsInFlight: expected a whole number of at least 1; got ${maxRunsInFlight}`, { path: 'maxRunsInFlight' });
  const { openRunStore } = await import('../store/index.js');
  // The store opens once the pipelines have validated: a start refused for a bad pipeline writes nothing.
  const deferred = options.store ? undefined : deferredStore(() => openRunStore({ ...(options.home ? { home: options.home } : {}), ...(options.storeUrl ? { url: options.storeUrl } : {}) }));
  const store = options.store ?? deferred!.store;
  const ownsStore = options.store === undefined;
  const broker = new EventBroker();
  const hub = new HybridOrchestrator({ store, sinks: [broker], ...(options.home ? { home: options.home } : {}), ...(options.adapters ? { adapters: options.adapters } : {}), ...(options.resources ? { resources: options.resources } : {}) });
  const closing = new AbortController();
  // Every open event stream listens for the server closing: thousands at once are expected, not a leak.
  setMaxListeners(0, closing.signal);
  let scheduler: Scheduler | undefined;
  try {
    const catalog = await PipelineCatalog.load(options.pipelinesDir, hub.registry, options.resources);
    // Opened now, so a bad store URL stops the start; the routes use it directly (the hub keeps the deferred one).
    const opened = deferred ? await deferred.open() : store;
    const { loadSelector } = await import('../selector/load.js');
    const selector = await loadSelector(options.profilesDir);
    const secret = options.webhookSecret ?? process.env[WEBHOOK_SECRET_ENV];
    const origins = options.webhookOrigins ?? webhookOriginsFromEnv();
    const webhooks = new Webhooks({ secret: secret || undefined, ...(origins.length > 0 ? { allow: origins } : {}), log });
    const runs = new RunManager({ hub, store: opened, broker, catalog, webhooks, maxInFlight: maxRunsInFlight, log });
    if (options.scheduler) scheduler = await startScheduler(hub, opened, catalog, log, typeof options.scheduler === 'object' ? options.scheduler.reloadMs : undefined);

    const guard: MiddlewareHandler<ServerEnv>[] = [requireApiKey(keys)];
    if (options.rateLimit !== false) guard.push(rateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT));
    const context: ServerContext = {
      version: packageVersion(),
      hub,
      store: opened,
      catalog,
      runs,
      broker,
      webhooks,
      idempotency: new IdempotencyKeys(),
      selector,
      keys,
      scheduler,
      maxRunsInFlight,
      keepAliveMs: options.keepAliveMs ?? 15_000,
      pollMs: options.pollMs ?? 500,
      closing: closing.signal,
      log,
      guard,
    };

    const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });
    app.use('*', async (c, next) => {
      const requestId = randomUUID();
      c.set('requestId', requestId);
      await next();
      c.header('x-request-id', requestId);
      c.header('x-content-type-options', 'nosniff');
      c.header('referrer-policy', 'no-referrer');
      if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
    });
    app.use('/api/*', except((c) => OPEN_PATHS.has(c.req.path), ...guard));
    // After the guard: a caller without a key never gets a body read.
    app.use('*', limitBody(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
    app.onError((error, c) => {
      const { body, headers } = problemOf(error, { instance: c.req.path, requestId: c.get('requestId') ?? randomUUID(), log });
      return problemResponse(c, body, headers);
    });
    app.notFound((c) => {
      if (c.req.path === '/' && (c.req.method === 'GET' || c.req.method === 'HEAD')) return c.json(rootPointer(context.version), 200);
      const { body } = problemOf(new HttpProblem(404, 'not-found', `no route ${c.req.method} ${c.req.path} (see ${DOCS_PATH})`), { instance: c.req.path, requestId: c.get('requestId') ?? '', log });
      return problemResponse(c, body);
    });

    systemRoutes(app, context);
    pipelineRoutes(app, context);
    runRoutes(app, context);
    scheduleRoutes(app, context);
    selectorRoutes(app, context);
    const mcp = await mountMcp(app, context);
    if (options.dashboard !== false) mountDashboard(app, context);

    let closed: Promise<CloseReport> | undefined;
    const close = (closeOptions: CloseOptions = {}) =>
      (closed ??= (async () => {
        closing.abort();
        const stopping = scheduler?.stop({ graceMs: closeOptions.graceMs ?? 30_000 });
        const report = await runs.close(closeOptions.graceMs ?? 30_000);
        await mcp.close();
        await stopping;
        await hub.close();
        broker.clear();
        if (ownsStore) await store.close();
        return report;
      })());
    return Object.assign(app, { context, close });
  } catch (error) {
    await scheduler?.stop({ graceMs: 0 }).catch(() => {});
    await hub.close().catch(() => {});
    if (ownsStore) await store.close().catch(() => {});
    throw error;
  }
}

/** A run store opened on first use (or by `open()`); closing one never opened does nothing. */
function deferredStore(open: () => Promise<RunStore>): { store: RunStore; open: () => Promise<RunStore> } {
  let opening: Promise<RunStore> | undefined;
  const get = () => (opening ??= open());
  const store = new Proxy({} as RunStore, {
    get(_target, name) {
      if (name === 'then') return undefined;
      if (name === 'close') return async () => (opening ? (await opening).close() : undefined);
      return async (...args: unknown[]) => {
        const real = (await get()) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return real[name]!(...args);
      };
    },
  });
  return { store, open: get };
}

/** The embedded scheduler on the server's hub: registered pipelines run as validated at start, other files as the CLI runs them. */
async function startScheduler(hub: HybridOrchestrator, store: RunStore, catalog: PipelineCatalog, log: (line: string) => void, reloadMs: number | undefined): Promise<Scheduler> {
  const { createPipelineRunner } = await import('../schedule/pipeline-runner.js');
  const { BUILTIN_SCHEDULER } = await import('../builtin-adapters.js');
  const base = createPipelineRunner(hub, store);
  const createScheduler = await BUILTIN_SCHEDULER();
  const scheduler = createScheduler({
    store,
    ...(reloadMs !== undefined ? { reloadMs } : {}),
    runner: {
      ...base,
      async run(schedule, { runId, signal }) {
        const entry = catalog.byFile(schedule.pipelineFile);
        const result = await hub.run(entry?.prepared ?? schedule.pipelineFile, { runId, signal, ...(schedule.input !== undefined ? { input: schedule.input } : {}) });
        return { runId: result.runId, status: result.status };
      },
    },
    onEvent: (event) => {
      if (event.type === 'scheduler.error') log(`scheduler: ${event.scheduleId ? `${event.scheduleId}: ` : ''}${event.message}`);
    },
  });
  await scheduler.start();
  return scheduler;
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}
