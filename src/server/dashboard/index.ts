import type { Context, MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { isSwitchyardError } from '../../errors.js';
import type { RunEvent, RunStatus } from '../../events/types.js';
import { RUN_STATUSES } from '../../pipeline/run-status.js';
import type { PreparedPipeline, PreparedStage } from '../../pipeline/validate.js';
import { nextRunAt } from '../../schedule/timing.js';
import { profileSummary } from '../../selector/load.js';
import type { Recommendation } from '../../selector/recommender.js';
import type { RunRecord, ScheduleRecord, StageRecord } from '../../store/types.js';
import type { ServerApp, ServerContext, ServerEnv } from '../context.js';
import { rateLimit } from '../limits.js';
import { HttpProblem, problems } from '../problems.js';
import { rootPointer } from '../routes/system.js';
import { lastEventIdOf, runEventStream } from '../sse.js';
import { listRuns, runDetail } from '../views.js';
import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.js';
import type { GraphNode, GraphStep } from './charts.js';
import {
  SINCE,
  errorPage,
  loginPage,
  pipelinePage,
  pipelinesPage,
  profilesPage,
  recommendPage,
  runPage,
  runsPage,
  schedulesPage,
  type Html,
  type PageFrame,
  type PipelineView,
  type RunRow,
  type RunsFilter,
  type ScheduleView,
  type Section,
} from './pages.js';
import { CSRF_FIELD, Sessions, csrfMatches, safeNext, type Session, type SessionOptions } from './session.js';

/**
 * The run dashboard: server-rendered pages at `/` (runs, a run, schedules, pipelines, engine profiles, recommend)
 * with a little plain JavaScript for live updates over the run's event stream. With API keys configured, people sign
 * in with a key and get a session cookie (HttpOnly, SameSite=Strict, a random id kept in memory); without keys
 * (loopback only) everyone who reaches the server gets a session at once. Every form carries the session's CSRF
 * token and every POST is refused (403) without it. The dashboard's actions call what the API's routes call.
 */

export interface DashboardOptions {
  readonly sessions?: SessionOptions;
}

export interface Dashboard {
  readonly sessions: Sessions;
}

/** Answered as an HTML page: `Content-Security-Policy` allows only the server's own script and stylesheet. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The dashboard's paths (the API stays under /api, MCP at /mcp). */
const PAGE_PATHS = ['/', '/runs/*', '/schedules', '/schedules/*', '/pipelines', '/pipelines/*', '/profiles', '/recommend', '/ui/*', '/logout'] as const;

type Ctx = Context<ServerEnv>;

export function mountDashboard(app: ServerApp, context: ServerContext, options: DashboardOptions = {}): Dashboard {
  const sessions = new Sessions(options.sessions);
  const keyed = context.keys.size > 0;
  const sessionOf = new WeakMap<Request, Session>();
  // The API's per-principal rate limit (the guard's second part), when the server has one.
  const limit = context.guard.slice(1);
  // Sign-in attempts share one bucket: keys are long random strings, this only keeps guessing slow.
  const loginLimit = rateLimit<ServerEnv>({ perSecond: 2, burst: 10 });

  const frame = (c: Ctx, title: string, section: Section): PageFrame => ({ title, section, session: sessionOf.get(c.req.raw), keyed, version: context.version });
  const page = async (c: Ctx, body: Html, status: 200 | 400 | 401 | 403 | 404 | 409 = 200) => {
    c.header('content-security-policy', CSP);
    c.header('x-frame-options', 'DENY');
    return c.html(await body, status);
  };
  const back = (c: Ctx, session: Session, to: string, kind: 'ok' | 'error', text: string) => {
    session.flash = { kind, text };
    return c.redirect(to, 303);
  };

  /** A signed-in session (in loopback mode, one made at once), else a redirect to the sign-in page (401 for scripts). */
  const requireSession: MiddlewareHandler<ServerEnv> = async (c, next) => {
    let session = sessions.get(c);
    if (!keyed && session?.principal === undefined) session = sessions.create(c, 'anonymous', session);
    if (session?.principal === undefined) {
      const path = c.req.path;
      if (c.req.method === 'GET' && !path.startsWith('/ui/') && !path.endsWith('/events')) {
        const url = new URL(c.req.url);
        return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
      }
      throw new HttpProblem(401, 'unauthorized', 'sign in to the dashboard first (/login)');
    }
    sessionOf.set(c.req.raw, session);
    c.set('principal', session.principal);
    return next();
  };

  /** Every POST carries the session's CSRF token in the `_csrf` form field: 403 without it. */
  const requireCsrf: MiddlewareHandler<ServerEnv> = async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const session = sessionOf.get(c.req.raw) ?? sessions.get(c);
    const form = await formOf(c);
    if (!csrfMatches(session, form[CSRF_FIELD])) {
      return page(c, errorPage({ title: 'Refused', section: 'runs', session, keyed, version: context.version }, 403, 'This form is out of date or did not come from this dashboard (no valid CSRF token). Reload the page and try again.'), 403);
    }
    return next();
  };

  // `/` stays the JSON pointer for clients that do not ask for HTML (curl, scripts); browsers get the runs list.
  app.use('/', async (c, next) => {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && !/\btext\/html\b/i.test(c.req.header('accept') ?? '')) return c.json(rootPointer(context.version), 200);
    return next();
  });
  // One pass per request, even where two of the paths match it (`/schedules` and `/schedules/*`).
  const chain = every(requireSession, ...limit, requireCsrf);
  const checked = new WeakSet<Request>();
  const guard: MiddlewareHandler<ServerEnv> = async (c, next) => {
    if (checked.has(c.req.raw)) return next();
    checked.add(c.req.raw);
    return chain(c, next);
  };
  for (const path of PAGE_PATHS) app.use(path, guard);

  app.get('/assets/dashboard.css', (c) => {
    c.header('cache-control', 'no-cache');
    return c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
  });
  app.get('/assets/dashboard.js', (c) => {
    c.header('cache-control', 'no-cache');
    return c.body(DASHBOARD_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' });
  });

  // Sign-in and out.
  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (!keyed) return c.redirect(next, 302);
    const current = sessions.get(c);
    if (current?.principal !== undefined) return c.redirect(next, 302);
    const session = current ?? sessions.create(c, undefined);
    return page(c, loginPage({ title: 'Sign in', section: 'login', session, keyed, version: context.version }, next));
  });
  app.post(
    '/login',
    async (c, next) => {
      c.set('principal', 'dashboard-sign-in');
      return next();
    },
    loginLimit,
    async (c) => {
      const form = await formOf(c);
      const next = safeNext(form.next);
      if (!keyed) return c.redirect(next, 303);
      const current = sessions.get(c);
      const frameOf = (session: Session | undefined): PageFrame => ({ title: 'Sign in', section: 'login', session, keyed, version: context.version });
      if (!csrfMatches(current, form[CSRF_FIELD])) {
        const fresh = sessions.create(c, undefined, current);
        return page(c, loginPage(frameOf(fresh), next, 'The sign-in form was out of date; try again.'), 403);
      }
      const principal = typeof form.key === 'string' && form.key !== '' ? context.keys.match(form.key.trim()) : undefined;
      if (!principal) return page(c, loginPage(frameOf(current), next, 'That API key is not valid.'), 401);
      // A new session (new id, new CSRF token) for the signed-in user.
      sessions.create(c, principal, current);
      return c.redirect(next, 303);
    },
  );
  app.post('/logout', (c) => {
    sessions.end(c, sessionOf.get(c.req.raw));
    return c.redirect(keyed ? '/login' : '/', 303);
  });

  // Runs.
  app.get('/', async (c) => {
    const query = c.req.query();
    const status = RUN_STATUSES.includes(query.status as RunStatus) ? query.status : undefined;
    const pipeline = query.pipeline ? query.pipeline : undefined;
    const since = query.since && SINCE[query.since] ? query.since : undefined;
    const filter: RunsFilter = { ...(status ? { status } : {}), ...(pipeline ? { pipeline } : {}), ...(since ? { since } : {}) };
    let page_: Awaited<ReturnType<typeof listRuns>>;
    try {
      page_ = await listRuns(context.store, { limit: 50, ...filter, ...(query.cursor ? { cursor: query.cursor } : {}) });
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      page_ = await listRuns(context.store, { limit: 50, ...filter });
    }
    const cutoff = since ? new Date(Date.now() - SINCE[since]!.ms).toISOString() : undefined;
    const rows: RunRow[] = page_.runs.filter((run) => cutoff === undefined || run.createdAt >= cutoff);
    const more = page_.nextCursor !== null && (cutoff === undefined || rows.length === page_.runs.length);
    const nextLink = more ? `/?${new URLSearchParams({ ...filter, cursor: page_.nextCursor! }).toString()}` : undefined;
    const names = [...new Set([...context.catalog.names(), ...(pipeline ? [pipeline] : [])])];
    return page(c, runsPage(frame(c, 'Runs', 'runs'), rows, filter, RUN_STATUSES, names, nextLink));
  });

  /** `{ [runId]: { status, updated } }` for the runs list's live rows (at most 50 ids). */
  app.get('/ui/runs/status', async (c) => {
    const ids = (c.req.query('ids') ?? '').split(',').filter((id) => id !== '').slice(0, 50);
    const answer: Record<string, { status: string; updated: string }> = {};
    await Promise.all(
      ids.map(async (id) => {
        try {
          const detail = await runDetail(context.store, id);
          answer[id] = { status: String(detail.status), updated: whenText(String(detail.updatedAt)) };
        } catch {
          // an unknown id: left out
        }
      }),
    );
    return c.json(answer, 200);
  });

  app.get('/runs/:id', async (c) => {
    const id = c.req.param('id');
    const run = await context.store.getRun(id);
    if (!run) return page(c, errorPage(frame(c, 'Not found', 'runs'), 404, `No run ${JSON.stringify(id)}.`), 404);
    const [detail, stages, history, approvals, events] = await Promise.all([runDetail(context.store, id), context.store.listStages(id), context.store.listHistory(id), context.store.listApprovals(id), context.store.listEvents(id)]);
    const shown = { ...run, status: detail.status as RunStatus, updatedAt: String(detail.updatedAt) };
    const prepared = await preparedOf(context, run);
    const graph = prepared ? graphOf(prepared, stages) : graphOfDocument(run.pipeline, stages);
    const registered = run.pipelineFile !== undefined && context.catalog.byFile(run.pipelineFile) !== undefined;
    return page(c, runPage(frame(c, `Run ${id}`, 'runs'), { run: shown, stages, history, approvals, events: ordered(events), graph, inputs: inputsOf(prepared, run, stages), registered }));
  });

  // The run's events for the page's EventSource: the API's stream, behind the session.
  app.get('/runs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!(await context.store.getRun(id))) throw problems.notFound(`no run ${JSON.stringify(id)}`);
    return runEventStream(c, id, lastEventIdOf(c), { store: context.store, broker: context.broker, keepAliveMs: context.keepAliveMs, pollMs: context.pollMs, closing: context.closing, log: context.log });
  });

  for (const what of ['approve', 'reject'] as const) {
    app.post(`/runs/:id/${what}`, async (c) => {
      const id = c.req.param('id');
      const session = sessionOf.get(c.req.raw)!;
      const form = await formOf(c);
      const to = `/runs/${encodeURIComponent(id)}`;
      const field = (name: string) => (typeof form[name] === 'string' && form[name] !== '' ? (form[name] as string) : undefined);
      let data: Record<string, unknown> | undefined;
      const rawData = field('data')?.trim();
      if (what === 'approve' && rawData) {
        try {
          const parsed = JSON.parse(rawData) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          data = parsed as Record<string, unknown>;
        } catch {
          return back(c, session, to, 'error', 'The data for the stage must be a JSON object, such as {"version": "2.0.1"}.');
        }
      }
      const stageId = field('stageId');
      const approvalId = field('approvalId');
      const point = field('point');
      const reason = field('reason');
      try {
        await context.runs.decide(id, what === 'approve', {
          by: session.principal ?? 'dashboard',
          ...(stageId ? { stageId } : {}),
          ...(approvalId ? { approvalId } : {}),
          ...(point ? { point } : {}),
          ...(data ? { data } : {}),
          ...(what === 'reject' && reason ? { reason } : {}),
        });
      } catch (error) {
        return back(c, session, to, 'error', messageOf(error));
      }
      return back(c, session, to, 'ok', what === 'approve' ? 'Approved: the run goes on.' : 'Rejected: the run goes on with the rejection.');
    });
  }

  // Schedules.
  app.get('/schedules', async (c) => {
    const schedules = await context.store.listSchedules();
    const views: ScheduleView[] = await Promise.all(
      schedules.map(async (s) => {
        const last = s.lastRunId ? await context.store.getRun(s.lastRunId).catch(() => undefined) : undefined;
        return { ...s, pipeline: context.catalog.byFile(s.pipelineFile)?.name ?? null, pipelineFile: baseName(s.pipelineFile), ...(last ? { lastStatus: last.status } : {}) };
      }),
    );
    return page(c, schedulesPage(frame(c, 'Schedules', 'schedules'), views, context.scheduler !== undefined));
  });
  for (const action of ['pause', 'resume'] as const) {
    app.post(`/schedules/:id/${action}`, async (c) => {
      const session = sessionOf.get(c.req.raw)!;
      const id = c.req.param('id');
      const schedule = await context.store.getSchedule(id);
      if (!schedule) return back(c, session, '/schedules', 'error', `No schedule ${JSON.stringify(id)}.`);
      const updated: ScheduleRecord = { ...schedule, paused: action === 'pause', ...(action === 'resume' ? { nextRunAt: nextRunAt(schedule, new Date()).toISOString() } : {}) };
      await context.store.saveSchedule(updated);
      await context.scheduler?.reload().catch((error: unknown) => context.log(`scheduler: reload failed: ${error instanceof Error ? error.message : String(error)}`));
      return back(c, session, '/schedules', 'ok', `Schedule ${id} ${action === 'pause' ? 'paused' : 'resumed'}.`);
    });
  }

  // Pipelines.
  const pipelineView = (name: string): PipelineView => {
    const entry = context.catalog.get(name);
    return { name: entry.name, goal: entry.prepared.goal, file: baseName(entry.file), graph: graphOf(entry.prepared, []) };
  };
  app.get('/pipelines', (c) => page(c, pipelinesPage(frame(c, 'Pipelines', 'pipelines'), context.catalog.names().map(pipelineView))));
  app.get('/pipelines/:name', (c) => {
    const name = c.req.param('name');
    if (!context.catalog.names().includes(name)) return page(c, errorPage(frame(c, 'Not found', 'pipelines'), 404, `No pipeline named ${JSON.stringify(name)}.`), 404);
    return page(c, pipelinePage(frame(c, name, 'pipelines'), pipelineView(name), ''));
  });
  app.post('/pipelines/:name/run', async (c) => {
    const name = c.req.param('name');
    if (!context.catalog.names().includes(name)) return page(c, errorPage(frame(c, 'Not found', 'pipelines'), 404, `No pipeline named ${JSON.stringify(name)}.`), 404);
    const form = await formOf(c);
    const text = typeof form.input === 'string' ? form.input.trim() : '';
    let input: unknown;
    if (text !== '') {
      try {
        input = JSON.parse(text) as unknown;
      } catch (error) {
        return page(c, pipelinePage(frame(c, name, 'pipelines'), pipelineView(name), text, `The input is not JSON: ${(error as Error).message}`), 400);
      }
    }
    try {
      const runId = await context.runs.start(context.catalog.get(name).prepared, input === undefined ? {} : { input });
      return c.redirect(`/runs/${encodeURIComponent(runId)}`, 303);
    } catch (error) {
      return page(c, pipelinePage(frame(c, name, 'pipelines'), pipelineView(name), text, messageOf(error)), error instanceof HttpProblem && error.status === 429 ? 409 : 400);
    }
  });

  // The selector.
  app.get('/profiles', (c) => page(c, profilesPage(frame(c, 'Engines', 'profiles'), Object.values(context.selector.listAllProfiles()).map(profileSummary), context.selector.guide())));
  app.get('/recommend', (c) => page(c, recommendPage(frame(c, 'Recommend', 'recommend'), '')));
  app.post('/recommend', async (c) => {
    const form = await formOf(c);
    const description = typeof form.description === 'string' ? form.description.slice(0, 4000) : '';
    let result: Recommendation | undefined;
    try {
      result = context.selector.recommend(description);
    } catch (error) {
      return page(c, recommendPage(frame(c, 'Recommend', 'recommend'), description, undefined, messageOf(error)), 400);
    }
    return page(c, recommendPage(frame(c, 'Recommend', 'recommend'), description, result));
  });

  return { sessions };
}

/** The form fields of a POST (urlencoded or multipart; anything else has none). */
async function formOf(c: Ctx): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {};
  try {
    return (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function messageOf(error: unknown): string {
  if (error instanceof HttpProblem) return error.message;
  if (isSwitchyardError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function whenText(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function ordered(events: readonly RunEvent[]): RunEvent[] {
  return [...events].sort((a, b) => a.seq - b.seq);
}

/** The prepared pipeline of a run: the registered one for its file, else its inline document validated again (or none). */
async function preparedOf(context: ServerContext, run: RunRecord): Promise<PreparedPipeline | undefined> {
  if (run.pipelineFile !== undefined) return context.catalog.byFile(run.pipelineFile)?.prepared;
  try {
    return await context.catalog.prepareInline(run.pipeline);
  } catch {
    return undefined;
  }
}

function nodeOf(stage: Pick<PreparedStage, 'id' | 'type'>, records: ReadonlyMap<string, StageRecord>): GraphNode {
  const record = records.get(stage.id);
  return { id: stage.id, type: record?.engine ?? stage.type, ...(record ? { status: record.status } : {}) };
}

function gotoOf(onFailure: unknown): string | undefined {
  return typeof onFailure === 'object' && onFailure !== null && typeof (onFailure as { goto?: unknown }).goto === 'string' ? (onFailure as { goto: string }).goto : undefined;
}

export function graphOf(prepared: PreparedPipeline, stages: readonly StageRecord[]): GraphStep[] {
  const records = new Map(stages.map((s) => [s.stageId, s]));
  return prepared.steps.map((step): GraphStep => {
    const goto = gotoOf(step.onFailure);
    return step.kind === 'stage'
      ? { kind: 'stage', node: nodeOf(step, records), ...(goto ? { goto } : {}) }
      : { kind: 'parallel', id: step.id, branches: step.branches.map((b) => nodeOf(b, records)), ...(goto ? { goto } : {}) };
  });
}

/** The graph from a stored document that no longer validates here: ids as written (else `<type>-<n>`), as the hub names them. */
function graphOfDocument(document: unknown, stages: readonly StageRecord[]): GraphStep[] {
  const records = new Map(stages.map((s) => [s.stageId, s]));
  const list = (document as { stages?: unknown })?.stages;
  if (!Array.isArray(list)) return stages.map((s) => ({ kind: 'stage', node: { id: s.stageId, type: s.engine, status: s.status } }));
  const stageOf = (raw: unknown, n: number) => {
    const item = (raw ?? {}) as { id?: unknown; type?: unknown };
    const type = typeof item.type === 'string' ? item.type : 'stage';
    return nodeOf({ id: typeof item.id === 'string' ? item.id : `${type}-${n}`, type }, records);
  };
  return list.map((raw, i): GraphStep => {
    const item = (raw ?? {}) as { id?: unknown; parallel?: unknown; onFailure?: unknown };
    const goto = gotoOf(item.onFailure);
    if (Array.isArray(item.parallel)) return { kind: 'parallel', id: typeof item.id === 'string' ? item.id : `parallel-${i + 1}`, branches: item.parallel.map((b, j) => stageOf(b, j + 1)), ...(goto ? { goto } : {}) };
    return { kind: 'stage', node: stageOf(raw, i + 1), ...(goto ? { goto } : {}) };
  });
}

/**
 * What each stage was given, where that follows from the pipeline: a stage without an `input` expression gets the
 * output of the last completed stage (the run input before any), a parallel group's branches the group's input.
 */
function inputsOf(prepared: PreparedPipeline | undefined, run: RunRecord, stages: readonly StageRecord[]): Map<string, { label: string; value: unknown }> {
  const inputs = new Map<string, { label: string; value: unknown }>();
  if (!prepared) return inputs;
  const records = new Map(stages.map((s) => [s.stageId, s]));
  let previous: { label: string; value: unknown } = { label: 'the run input', value: run.input ?? null };
  const written = Array.isArray(prepared.document.stages) ? (prepared.document.stages as unknown[]) : [];
  const expressionOf = (raw: unknown) => {
    const input = (raw as { input?: unknown } | undefined)?.input;
    return typeof input === 'string' ? input : '(a function)';
  };
  const given = (step: { input?: unknown }, raw: unknown, from: { label: string; value: unknown }) => (step.input === undefined ? from : { label: 'computed by its input expression', value: expressionOf(raw) });
  prepared.steps.forEach((step, i) => {
    const raw = written[i];
    const input = given(step, raw, previous);
    if (step.kind === 'stage') {
      inputs.set(step.id, input);
      const record = records.get(step.id);
      if (record?.status === 'completed') previous = { label: `the output of ${step.id}`, value: record.output ?? null };
      return;
    }
    const branchesRaw = (raw as { parallel?: unknown[] } | undefined)?.parallel ?? [];
    step.branches.forEach((branch, j) => inputs.set(branch.id, given(branch, branchesRaw[j], input)));
    const outputs: Record<string, unknown> = {};
    let any = false;
    for (const branch of step.branches) {
      const record = records.get(branch.id);
      if (record?.status === 'completed') {
        outputs[branch.id] = record.output ?? null;
        any = true;
      }
    }
    if (any) previous = { label: `the outputs of ${step.id}`, value: outputs };
  });
  return inputs;
}
