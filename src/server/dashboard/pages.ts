import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ApprovalItem, ApprovalRecord, RunRecord, ScheduleRecord, StageRecord } from '../../store/types.js';
import type { HistoryEntry } from '../../adapter.js';
import type { RunEvent } from '../../events/types.js';
import type { Recommendation } from '../../selector/recommender.js';
import { graphSvg, timelineBars, timelineSvg, type GraphStep } from './charts.js';
import { CSRF_FIELD, type Session } from './session.js';

/**
 * The dashboard's pages, rendered on the server with `hono/html` (every interpolated value is escaped; only other
 * `html` fragments go in as they are).
 */

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type Section = 'runs' | 'schedules' | 'pipelines' | 'profiles' | 'recommend' | 'login';

export interface PageFrame {
  readonly title: string;
  readonly section: Section;
  readonly session: Session | undefined;
  /** Whether the server asks for API keys (then the header shows who is signed in, and a sign-out button). */
  readonly keyed: boolean;
  readonly version: string;
}

export const csrfField = (session: Session | undefined) => html`<input type="hidden" name="${CSRF_FIELD}" value="${session?.csrf ?? ''}">`;

export function layout(frame: PageFrame, body: Html): Html {
  const link = (href: string, section: Section, text: string) => html`<a href="${href}" class="${frame.section === section ? 'here' : ''}">${text}</a>`;
  const flash = frame.session?.flash;
  if (frame.session) delete frame.session.flash;
  const signedIn = frame.session?.principal !== undefined;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · switchyard</title><link rel="stylesheet" href="/assets/dashboard.css"><link rel="icon" href="data:,"></head>
<body><header class="top"><a class="brand" href="/">switchyard</a>
${frame.section === 'login' ? '' : html`<nav>${link('/', 'runs', 'Runs')}${link('/schedules', 'schedules', 'Schedules')}${link('/pipelines', 'pipelines', 'Pipelines')}${link('/profiles', 'profiles', 'Engines')}${link('/recommend', 'recommend', 'Recommend')}<a href="/api/docs">API</a></nav>`}
<span class="who">${signedIn ? html`<span>${frame.keyed ? `signed in as ${frame.session!.principal}` : 'loopback, no sign-in'}</span>${frame.keyed ? html`<form class="inline" method="post" action="/logout">${csrfField(frame.session)}<button class="secondary" type="submit">Sign out</button></form>` : ''}` : ''}<span>v${frame.version}</span></span></header>
<main>${flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : ''}${body}</main>
<script src="/assets/dashboard.js" defer></script></body></html>`;
}

export function badge(status: string, id?: string): Html {
  return id ? html`<span id="${id}" data-status="${status}" class="badge s-${status}">${status}</span>` : html`<span class="badge s-${status}">${status}</span>`;
}

export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const MAX_JSON = 20_000;

export function jsonBlock(value: unknown): Html {
  let text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2) ?? String(value);
  if (text.length > MAX_JSON) text = `${text.slice(0, MAX_JSON)}\n… (${text.length - MAX_JSON} more characters: see the API)`;
  return html`<pre>${text}</pre>`;
}

export function loginPage(frame: PageFrame, next: string, error?: string): Html {
  return layout(
    frame,
    html`<section class="login panel"><h1>Sign in</h1>
<p class="muted">This server asks for an API key (one of <code>SWITCHYARD_API_KEYS</code> or the <code>--key-file</code>). The dashboard keeps you signed in with a session cookie.</p>
${error ? html`<div class="flash error" role="alert">${error}</div>` : ''}
<form method="post" action="/login">${csrfField(frame.session)}<input type="hidden" name="next" value="${next}">
<label>API key<input type="password" name="key" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button></form></section>`,
  );
}

export interface RunsFilter {
  readonly status?: string;
  readonly pipeline?: string;
  readonly since?: string;
}

export const SINCE: Readonly<Record<string, { label: string; ms: number }>> = {
  '1h': { label: 'last hour', ms: 3600_000 },
  '24h': { label: 'last 24 hours', ms: 86_400_000 },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'last 30 days', ms: 30 * 86_400_000 },
};

export interface RunRow {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export function runsPage(frame: PageFrame, runs: readonly RunRow[], filter: RunsFilter, statuses: readonly string[], pipelines: readonly string[], next: string | undefined): Html {
  const option = (value: string, current: string | undefined, text = value) => html`<option value="${value}"${current === value ? html` selected` : ''}>${text}</option>`;
  return layout(
    frame,
    html`<h1>Runs</h1>
<form class="filters" method="get" action="/">
<label>Status<select name="status">${option('', filter.status, 'any')}${statuses.map((s) => option(s, filter.status))}</select></label>
<label>Pipeline<select name="pipeline">${option('', filter.pipeline, 'any')}${pipelines.map((p) => option(p, filter.pipeline))}</select></label>
<label>Started<select name="since">${option('', filter.since, 'any time')}${Object.entries(SINCE).map(([key, s]) => option(key, filter.since, s.label))}</select></label>
<button type="submit">Filter</button>${filter.status || filter.pipeline || filter.since ? html` <a href="/">clear</a>` : ''}
</form>
<div class="table-wrap"><table data-runs><thead><tr><th>Run</th><th>Pipeline</th><th>Status</th><th class="hide-narrow">Started</th><th>Updated</th><th class="hide-narrow">Error</th></tr></thead><tbody>
${runs.length === 0 ? html`<tr><td colspan="6" class="empty">No runs${filter.status || filter.pipeline || filter.since ? ' match these filters' : ' yet: start one from a pipeline'}.</td></tr>` : ''}
${runs.map(
  (run) => html`<tr data-run-id="${run.runId}" data-status="${run.status}"><td class="id"><a href="/runs/${encodeURIComponent(run.runId)}">${run.runId}</a></td><td class="nowrap">${run.pipeline}</td><td>${badge(run.status)}</td><td class="hide-narrow time">${when(run.createdAt)}</td><td class="time" data-updated>${when(run.updatedAt)}</td><td class="hide-narrow">${run.error ? html`<code>${run.error.code}</code> ${clip(run.error.message, 80)}` : ''}</td></tr>`,
)}
</tbody></table></div>
${next ? html`<div class="pager"><a href="${next}">Older runs →</a></div>` : ''}`,
  );
}

export interface RunView {
  readonly run: RunRecord & { readonly status: RunRecord['status'] };
  readonly stages: readonly StageRecord[];
  readonly history: readonly HistoryEntry[];
  readonly approvals: readonly ApprovalRecord[];
  readonly events: readonly RunEvent[];
  readonly graph: readonly GraphStep[];
  /** What each stage was given, where the dashboard can tell (the run input, or the previous stage's output). */
  readonly inputs: ReadonlyMap<string, { readonly label: string; readonly value: unknown }>;
  readonly registered: boolean;
}

export interface PendingView {
  readonly stageId: string;
  readonly point: string;
  readonly approvalId?: string;
  readonly message: string;
  readonly payload: unknown;
}

export function pendingOf(view: Pick<RunView, 'run' | 'approvals'>): PendingView[] {
  if (view.run.status !== 'waiting') return [];
  return view.approvals
    .filter((a) => a.decision === undefined)
    .flatMap((a) =>
      (a.approvals?.filter((item: ApprovalItem) => item.decision === undefined) ?? [a.approval]).map((item) => ({
        stageId: a.stageId,
        point: item.point,
        ...(item.approvalId !== undefined ? { approvalId: item.approvalId } : {}),
        message: item.message,
        payload: item.payload ?? null,
      })),
    );
}

export function runPage(frame: PageFrame, view: RunView): Html {
  const { run } = view;
  const lastSeq = view.events.reduce((max, e) => Math.max(max, e.seq), 0);
  const pending = pendingOf(view);
  return layout(
    frame,
    html`<div data-run="${run.runId}" data-last-seq="${lastSeq}">
<p class="muted"><a href="/">Runs</a> / ${run.pipelineName}</p>
<section id="run-head" data-live><h1><code>${run.runId}</code> ${badge(run.status, 'run-status')}</h1>
<div class="panel"><dl class="kv"><dt>Pipeline</dt><dd>${view.registered ? html`<a href="/pipelines/${encodeURIComponent(run.pipelineName)}">${run.pipelineName}</a>` : html`${run.pipelineName} <span class="muted">(submitted inline)</span>`}</dd>
<dt>Started</dt><dd>${when(run.createdAt)}</dd><dt>Updated</dt><dd>${when(run.updatedAt)}</dd>
${run.error ? html`<dt>Error</dt><dd><code>${run.error.code}</code> ${run.error.message}</dd>` : ''}
<dt>Live</dt><dd id="live-state" class="muted">${run.status === 'running' ? 'connecting…' : `not live: the run is ${run.status}`}</dd></dl></div></section>
<section id="approvals" data-live>${pending.length === 0 ? '' : html`<h2>Waiting for approval</h2>${pending.map((p) => approvalForm(frame.session, run.runId, p, pending.length > 1))}`}</section>
<section id="timeline" data-live><h2>Timeline</h2><div class="panel chart">${timelineSvg(timelineBars(view.events))}
<div class="legend"><span class="s-completed">completed</span><span class="s-running">running</span><span class="s-waiting">waiting</span><span class="s-partial">retried</span><span class="s-failed">failed</span><span class="s-cancelled">cancelled or skipped</span></div></div></section>
<section id="graph" data-live><h2>Pipeline</h2><div class="panel chart">${graphSvg(view.graph)}</div></section>
<section id="stages" data-live><h2>Stages</h2>${view.stages.length === 0 ? html`<p class="muted">No stage has run yet.</p>` : view.stages.map((stage) => stageDetails(stage, view))}
<details><summary>Run input</summary>${jsonBlock(run.input ?? null)}</details>
${run.output !== undefined ? html`<details${run.status === 'completed' ? html` open` : ''}><summary>Run output</summary>${jsonBlock(run.output)}</details>` : ''}</section>
<section><h2>Events</h2><div class="table-wrap"><table><thead><tr><th>#</th><th>Time (UTC)</th><th>Event</th><th>Stage</th><th>Detail</th></tr></thead>
<tbody id="event-log">${view.events.length === 0 ? html`<tr class="empty-row"><td colspan="5" class="empty">No events yet.</td></tr>` : view.events.map(eventRow)}</tbody></table></div></section>
</div>`,
  );
}

function approvalForm(session: Session | undefined, runId: string, pending: PendingView, several: boolean): Html {
  const action = (what: 'approve' | 'reject') => `/runs/${encodeURIComponent(runId)}/${what}`;
  const fields = html`${csrfField(session)}<input type="hidden" name="stageId" value="${pending.stageId}">${several ? html`${pending.approvalId !== undefined ? html`<input type="hidden" name="approvalId" value="${pending.approvalId}">` : html`<input type="hidden" name="point" value="${pending.point}">`}` : ''}`;
  return html`<div class="panel approval" data-approval="${pending.approvalId ?? pending.point}">
<p><strong>${pending.message}</strong> <span class="muted">stage <code>${pending.stageId}</code>, point <code>${pending.point}</code>${pending.approvalId !== undefined ? html`, approval <code>${pending.approvalId}</code>` : ''}</span></p>
${pending.payload !== null ? html`<details><summary>What to decide on</summary>${jsonBlock(pending.payload)}</details>` : ''}
<form method="post" action="${action('approve')}">${fields}<label>Data for the stage (JSON object, optional)<textarea name="data" rows="2" placeholder='{"version": "2.0.1"}'></textarea></label><button class="ok" type="submit">Approve</button></form>
<form method="post" action="${action('reject')}">${fields}<label>Reason (optional)<input type="text" name="reason" maxlength="2000"></label><button class="danger" type="submit">Reject</button></form></div>`;
}

function stageDetails(stage: StageRecord, view: RunView): Html {
  const input = view.inputs.get(stage.stageId);
  const tries = view.history.filter((h) => h.stageId === stage.stageId && h.outcome !== 'decision');
  return html`<details class="stage" data-stage="${stage.stageId}"${stage.status === 'failed' ? html` open` : ''}><summary><code>${stage.stageId}</code> ${badge(stage.status)} <span class="muted">${stage.engine}${stage.attempts > 1 ? ` · ${stage.attempts} attempts` : ''}${stage.durationMs !== undefined ? ` · ${ms(stage.durationMs)}` : ''}</span></summary>
${input ? html`<h3 class="muted">Input <small>(${input.label})</small></h3>${jsonBlock(input.value)}` : ''}
${stage.error ? html`<h3 class="muted">Error</h3><pre>${stage.error.code}: ${stage.error.message}${stage.error.path ? `\nat ${stage.error.path}` : ''}</pre>` : ''}
${stage.output !== undefined ? html`<h3 class="muted">Output</h3>${jsonBlock(stage.output)}` : ''}
${tries.length > 1 ? html`<h3 class="muted">Attempts</h3><ul>${tries.map((t) => html`<li>attempt ${t.attempt} on ${t.engine}: ${t.outcome}, ${ms(t.durationMs)}${t.error ? `: ${t.error.code}: ${t.error.message}` : ''}</li>`)}</ul>` : ''}
</details>`;
}

export function eventDetail(event: RunEvent): string {
  const e = event as unknown as Record<string, unknown> & { event?: { kind: string; message?: string; progress?: { done: number; total: number } }; approval?: { message: string }; error?: { code: string; message: string }; reasons?: string[] };
  const parts: string[] = [];
  if (typeof e.engine === 'string') parts.push(e.engine);
  if (typeof e.attempt === 'number' && e.attempt > 1) parts.push(`attempt ${e.attempt}`);
  if (typeof e.durationMs === 'number') parts.push(ms(e.durationMs));
  if (event.type === 'run.finished') parts.push(event.status);
  if (event.type === 'run.started' && event.resumed) parts.push('resumed');
  if (e.event) parts.push(`${e.event.kind}${e.event.message ? `: ${e.event.message}` : ''}${e.event.progress ? ` ${e.event.progress.done}/${e.event.progress.total}` : ''}`);
  if (e.approval) parts.push(`waits: ${e.approval.message}`);
  if (typeof e.reason === 'string') parts.push(e.reason);
  if (Array.isArray(e.reasons)) parts.push(e.reasons.join('; '));
  if (e.error) parts.push(`${e.error.code}: ${e.error.message}`);
  return parts.join(' · ');
}

function eventRow(event: RunEvent): Html {
  const stageId = 'stageId' in event ? event.stageId : '';
  return html`<tr class="ev ev-${event.type.replace('.', '-')}"><td>${event.seq}</td><td>${new Date(event.at).toISOString().slice(11, 23)}</td><td class="id">${event.type}</td><td>${stageId}</td><td>${eventDetail(event)}</td></tr>`;
}

export interface ScheduleView extends ScheduleRecord {
  readonly pipeline: string | null;
  readonly lastStatus?: string;
}

export function schedulesPage(frame: PageFrame, schedules: readonly ScheduleView[], schedulerRunning: boolean): Html {
  return layout(
    frame,
    html`<h1>Schedules</h1>
<p class="muted">${schedulerRunning ? 'This server fires them (--scheduler).' : 'This server does not fire schedules: start it with --scheduler, or run switchyard scheduler on the same run store.'}</p>
<div class="table-wrap"><table><thead><tr><th>Schedule</th><th>Pipeline</th><th>When</th><th>Next firing</th><th>Last run</th><th>State</th><th></th></tr></thead><tbody>
${schedules.length === 0 ? html`<tr><td colspan="7" class="empty">No schedules (add them with POST /api/schedules or switchyard schedule add).</td></tr>` : ''}
${schedules.map(
  (s) => html`<tr data-schedule="${s.id}"><td class="id">${s.id}</td><td>${s.pipeline ?? html`<span class="muted">${s.pipelineFile}</span>`}</td>
<td>${s.cron !== undefined ? html`<code>${s.cron}</code>${s.timezone ? html` <span class="muted">${s.timezone}</span>` : ''}` : s.intervalMs !== undefined ? `every ${s.intervalMs / 1000} s` : '–'}</td>
<td>${s.paused ? html`<span class="muted">paused</span>` : when(s.nextRunAt)}</td>
<td>${s.lastRunId ? html`<a href="/runs/${encodeURIComponent(s.lastRunId)}">${when(s.lastRunAt)}</a>${s.lastStatus ? html` ${badge(s.lastStatus)}` : ''}` : html`<span class="muted">never</span>`}</td>
<td>${s.paused ? badge('paused') : badge('active')}</td>
<td><form class="inline" method="post" action="/schedules/${encodeURIComponent(s.id)}/${s.paused ? 'resume' : 'pause'}">${csrfField(frame.session)}<button class="secondary" type="submit">${s.paused ? 'Resume' : 'Pause'}</button></form></td></tr>`,
)}
</tbody></table></div>`,
  );
}

export interface PipelineView {
  readonly name: string;
  readonly goal: string;
  readonly file: string;
  readonly graph: readonly GraphStep[];
}

export function pipelinesPage(frame: PageFrame, pipelines: readonly PipelineView[]): Html {
  return layout(
    frame,
    html`<h1>Pipelines</h1>
${pipelines.length === 0 ? html`<p class="muted">This server serves no pipelines (start it with --pipelines DIR).</p>` : ''}
<div class="table-wrap"><table><thead><tr><th>Name</th><th>Goal</th><th>Stages</th><th class="hide-narrow">File</th></tr></thead><tbody>
${pipelines.map((p) => html`<tr><td><a href="/pipelines/${encodeURIComponent(p.name)}">${p.name}</a></td><td>${p.goal}</td><td>${p.graph.map((s, i) => html`${i > 0 ? ' → ' : ''}${s.kind === 'stage' ? html`<code>${s.node.id}</code>` : html`[${s.branches.map((b, j) => html`${j > 0 ? ' ‖ ' : ''}<code>${b.id}</code>`)}]`}`)}</td><td class="hide-narrow muted">${p.file}</td></tr>`)}
</tbody></table></div>`,
  );
}

export function pipelinePage(frame: PageFrame, pipeline: PipelineView, input: string, error?: string): Html {
  return layout(
    frame,
    html`<p class="muted"><a href="/pipelines">Pipelines</a> / ${pipeline.name}</p><h1>${pipeline.name}</h1>
<p>${pipeline.goal}</p><div class="panel chart">${graphSvg(pipeline.graph)}</div>
<h2>Start a run</h2>${error ? html`<div class="flash error" role="alert">${error}</div>` : ''}
<form class="panel" method="post" action="/pipelines/${encodeURIComponent(pipeline.name)}/run">${csrfField(frame.session)}
<label>Input (JSON, optional)<textarea name="input" rows="4">${input}</textarea></label><p><button type="submit">Start run</button></p></form>`,
  );
}

export function profilesPage(frame: PageFrame, profiles: readonly Record<string, unknown>[], guide: Readonly<Record<string, string>>): Html {
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? html`<ul>${value.map((v) => html`<li>${String(v)}</li>`)}</ul>` : html`<span class="muted">–</span>`);
  return layout(
    frame,
    html`<h1>Engine profiles</h1><div class="grid">
${profiles.map(
  (p) => html`<article class="panel" data-profile="${String(p.type)}"><h2><code>${String(p.type)}</code> ${String(p.name ?? '')}</h2><p>${String(p.summary ?? '')}</p>
<dl class="kv"><dt>Complexity</dt><dd>${String(p.complexity ?? '–')}</dd><dt>Stateful</dt><dd>${String(p.stateful ?? '–')}</dd><dt>Routing</dt><dd>${String(p.routing ?? '–')}</dd><dt>Scheduling</dt><dd>${String(p.scheduling ?? '–')}</dd><dt>Overhead</dt><dd>${String(p.overhead ?? '–')}</dd></dl>
<details><summary>Strengths and weaknesses</summary><h3 class="muted">Strengths</h3>${list(p.strengths)}<h3 class="muted">Weaknesses</h3>${list(p.weaknesses)}</details>
<details><summary>Best for</summary>${list(p.bestFor)}<h3 class="muted">Task types</h3>${list(p.taskTypes)}</details></article>`,
)}</div>
<h2>Quick reference</h2><div class="table-wrap"><table><thead><tr><th>Task</th><th>Engine</th></tr></thead><tbody>${Object.entries(guide).map(([task, engine]) => html`<tr><td>${task}</td><td><code>${engine}</code></td></tr>`)}</tbody></table></div>`,
  );
}

export function recommendPage(frame: PageFrame, description: string, result?: Recommendation, error?: string): Html {
  return layout(
    frame,
    html`<h1>Which engine?</h1>
<form class="panel" method="post" action="/recommend">${csrfField(frame.session)}<label>Describe the task<textarea name="description" rows="3" required placeholder="analyze contracts and get legal sign-off">${description}</textarea></label><p><button type="submit">Recommend</button></p></form>
${error ? html`<div class="flash error" role="alert">${error}</div>` : ''}
${result
  ? html`<section class="panel" id="recommendation"><h2>Recommended: <code>${result.type}</code> <span class="muted">${result.profile.name} · confidence ${Math.round(result.confidence * 100)}%</span></h2><p>${result.profile.summary}</p>
<h3>Reasons</h3>${result.reasons.length === 0 ? html`<p class="muted">Nothing in the description matched an engine's intents: this is the default.</p>` : html`<ul class="reasons">${result.reasons.map((r) => html`<li><code>${r.type}</code> ${r.label}: “${r.match}” <span class="muted">(weight ${r.weight})</span></li>`)}</ul>`}
${result.plan && result.plan.length > 0 ? html`<h3>Plan</h3><ol>${result.plan.map((s) => html`<li><code>${s.type}</code> ${s.label}: <span class="muted">${s.text}</span></li>`)}</ol>` : ''}
<h3>Alternatives</h3><ul>${result.alternatives.map((a) => html`<li><code>${a.type}</code> <span class="muted">confidence ${Math.round(a.confidence * 100)}%</span></li>`)}</ul></section>`
  : ''}`,
  );
}

export function errorPage(frame: PageFrame, status: number, message: string): Html {
  return layout(frame, html`<h1>${status === 404 ? 'Not found' : status === 403 ? 'Refused' : 'Something went wrong'}</h1><div class="flash error">${message}</div><p><a href="/">Back to the runs</a></p>`);
}

/** A duration for people: whole milliseconds below 10 s, else seconds. */
export function ms(value: number): string {
  return value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
