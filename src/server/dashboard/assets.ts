/**
 * The dashboard's stylesheet and script, served from the server itself (`/assets/dashboard.css`, `/assets/dashboard.js`):
 * no build step, no outside assets, so it works offline and under a strict Content-Security-Policy.
 */

export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --panel: #ffffff; --fg: #1d1f23; --muted: #62666d; --line: #e2e3e0; --accent: #3157d5;
  --ok: #1f8a4c; --run: #2f6fdb; --wait: #b7791f; --fail: #c53030; --partial: #d26a12; --off: #7a7f87; --int: #7b4bc4;
  --code: #f1f2ef; --shadow: 0 1px 2px rgba(0,0,0,.06);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --panel: #1d2024; --fg: #e6e7e9; --muted: #9aa0a8; --line: #30343a; --accent: #7c9cff;
    --ok: #3fb970; --run: #5b93f0; --wait: #e0a341; --fail: #ef6363; --partial: #f08a3c; --off: #8d939b; --int: #a985ea;
    --code: #24282d; --shadow: none; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header.top .brand { font-weight: 700; letter-spacing: .02em; color: var(--fg); }
header.top nav { display: flex; gap: 1rem; flex-wrap: wrap; }
header.top nav a { color: var(--muted); padding: .2rem 0; border-bottom: 2px solid transparent; }
header.top nav a.here { color: var(--fg); border-bottom-color: var(--accent); }
header.top nav a:hover { text-decoration: none; color: var(--fg); }
header.top .who { margin-left: auto; color: var(--muted); font-size: .85rem; display: flex; gap: .75rem; align-items: center; }
main { max-width: 1200px; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
h1 { font-size: 1.45rem; margin: .2rem 0 1rem; font-weight: 650; }
h2 { font-size: 1.08rem; margin: 1.6rem 0 .6rem; font-weight: 650; }
h1 code, h2 code { font-size: .9em; }
h3 { font-size: .85rem; margin: .8rem 0 .3rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
h3 small { text-transform: none; letter-spacing: 0; font-weight: 400; }
#recommendation { margin-top: 1rem; }
.muted { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; box-shadow: var(--shadow); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: .75rem; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: .86em; }
pre { background: var(--code); padding: .6rem .75rem; border-radius: 6px; overflow: auto; max-height: 24rem; margin: .4rem 0; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; box-shadow: var(--shadow); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .78rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; background: var(--panel); }
tr:last-child td { border-bottom: none; }
tbody tr:hover { background: color-mix(in srgb, var(--accent) 5%, transparent); }
td.time, td.nowrap { white-space: nowrap; }
td.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .86rem; white-space: nowrap; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .78rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.s-completed { color: var(--ok); } .s-running { color: var(--run); } .s-waiting { color: var(--wait); } .s-failed { color: var(--fail); }
.s-partial { color: var(--partial); } .s-cancelled, .s-skipped, .s-pending, .s-paused { color: var(--off); } .s-active { color: var(--ok); } .s-interrupted { color: var(--int); }
.badge.s-running::before { content: ""; display: inline-block; width: .45rem; height: .45rem; border-radius: 50%; background: currentColor; margin-right: .35rem; vertical-align: .05rem; animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .25; } }
@media (prefers-reduced-motion: reduce) { .badge.s-running::before { animation: none; } }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; gap: .2rem; font-size: .82rem; color: var(--muted); }
input, select, textarea, button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .4rem .6rem; }
textarea { width: 100%; min-height: 5rem; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .86rem; }
button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); font-weight: 600; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
button.danger { background: var(--fail); border-color: var(--fail); }
button.ok { background: var(--ok); border-color: var(--ok); }
button:hover { filter: brightness(1.08); }
.flash { padding: .6rem .9rem; border-radius: 6px; margin-bottom: 1rem; border: 1px solid; }
.flash.ok { color: var(--ok); background: color-mix(in srgb, var(--ok) 10%, transparent); }
.flash.error { color: var(--fail); background: color-mix(in srgb, var(--fail) 10%, transparent); }
details { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .75rem; margin: .35rem 0; background: var(--panel); }
details > summary { cursor: pointer; font-weight: 600; }
details > summary .muted { font-weight: 400; }
.approval { border-left: 4px solid var(--wait); }
.approval form { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-top: .5rem; }
.approval form label { flex: 1 1 14rem; }
.chart { overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .axis line, svg line.axis { stroke: var(--line); }
svg .tick text, svg text.dim { fill: var(--muted); font-size: 11px; }
svg .bar-completed { fill: var(--ok); } svg .bar-running { fill: var(--run); } svg .bar-waiting { fill: var(--wait); }
svg .bar-failed { fill: var(--fail); } svg .bar-retry { fill: var(--partial); } svg .bar-skipped, svg .bar-cancelled { fill: var(--off); }
svg text.on-bar { fill: #fff; font-size: 11px; font-weight: 600; }
svg .node rect { fill: var(--panel); stroke: var(--line); stroke-width: 1.5; }
svg .node.st-completed rect { stroke: var(--ok); } svg .node.st-running rect { stroke: var(--run); } svg .node.st-waiting rect { stroke: var(--wait); }
svg .node.st-failed rect { stroke: var(--fail); } svg .node.st-skipped rect, svg .node.st-cancelled rect { stroke: var(--off); stroke-dasharray: 4 3; }
svg .node .mark { fill: var(--off); } svg .node.st-completed .mark { fill: var(--ok); } svg .node.st-running .mark { fill: var(--run); }
svg .node.st-waiting .mark { fill: var(--wait); } svg .node.st-failed .mark { fill: var(--fail); }
svg .group { fill: none; stroke: var(--muted); stroke-dasharray: 5 4; }
svg .edge { stroke: var(--muted); fill: none; stroke-width: 1.4; }
svg .goto { stroke: var(--partial); fill: none; stroke-width: 1.4; stroke-dasharray: 6 4; }
svg .arrow { fill: var(--muted); } svg .arrow-goto { fill: var(--partial); }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .8rem; color: var(--muted); margin-top: .4rem; }
.legend span::before { content: ""; display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; vertical-align: -.05rem; background: currentColor; }
.login { max-width: 26rem; margin: 4rem auto; }
.login form { display: flex; flex-direction: column; gap: .8rem; }
.reasons li { margin: .2rem 0; }
.pager { margin-top: .8rem; display: flex; gap: 1rem; }
.empty { padding: 1.5rem; text-align: center; color: var(--muted); }
@media (max-width: 640px) {
  main { padding: 1rem .75rem 2rem; }
  header.top { padding: .5rem .75rem; gap: .75rem; }
  th, td { padding: .4rem .5rem; }
  .hide-narrow { display: none; }
}
`;

/**
 * Live updates, plain JavaScript: the runs list asks `/ui/runs/status` for the rows still running or waiting; a run's
 * page follows `/runs/{id}/events` (the run's event stream behind the session) and refreshes its sections when a
 * stage or the run changes.
 */
export const DASHBOARD_JS = `
(function () {
  'use strict';
  var ACTIVE = { running: true, waiting: true };
  function setBadge(el, status) {
    if (!el) return;
    el.textContent = status;
    el.className = 'badge s-' + status;
  }
  function two(n) { return (n < 10 ? '0' : '') + n; }
  function clock(ms) {
    var d = new Date(ms);
    return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) + '.' + String(d.getUTCMilliseconds()).padStart(3, '0');
  }

  // The runs list: rows that may still change are asked about every 2 s.
  var table = document.querySelector('[data-runs]');
  if (table) {
    var poll = function () {
      var rows = Array.prototype.slice.call(table.querySelectorAll('tr[data-run-id]')).filter(function (row) { return ACTIVE[row.getAttribute('data-status')]; });
      if (rows.length === 0) return;
      var ids = rows.map(function (row) { return row.getAttribute('data-run-id'); });
      fetch('/ui/runs/status?ids=' + encodeURIComponent(ids.join(',')), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (body) {
          rows.forEach(function (row) {
            var run = body[row.getAttribute('data-run-id')];
            if (!run) return;
            row.setAttribute('data-status', run.status);
            setBadge(row.querySelector('.badge'), run.status);
            var updated = row.querySelector('[data-updated]');
            if (updated) updated.textContent = run.updated;
          });
        })
        .catch(function () {})
        .then(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 2000);
  }

  // A run's page: its event stream, live.
  var page = document.querySelector('[data-run]');
  if (!page) return;
  var runId = page.getAttribute('data-run');
  var lastSeq = Number(page.getAttribute('data-last-seq') || '0');
  var source = null;
  var refreshing = null;
  var log = document.getElementById('event-log');
  var live = document.getElementById('live-state');

  function status() { var el = document.getElementById('run-status'); return el ? el.getAttribute('data-status') : ''; }
  function detailOf(e) {
    var parts = [];
    if (e.engine) parts.push(e.engine);
    if (e.attempt && e.attempt > 1) parts.push('attempt ' + e.attempt);
    if (typeof e.durationMs === 'number') parts.push(e.durationMs < 10000 ? Math.round(e.durationMs) + ' ms' : (e.durationMs / 1000).toFixed(1) + ' s');
    if (e.type === 'run.finished') parts.push(e.status);
    if (e.type === 'run.started' && e.resumed) parts.push('resumed');
    if (e.event) parts.push(e.event.kind + (e.event.message ? ': ' + e.event.message : '') + (e.event.progress ? ' ' + e.event.progress.done + '/' + e.event.progress.total : ''));
    if (e.approval) parts.push('waits: ' + e.approval.message);
    if (e.reason) parts.push(e.reason);
    if (e.reasons) parts.push(e.reasons.join('; '));
    if (e.error) parts.push(e.error.code + ': ' + e.error.message);
    return parts.join(' · ');
  }
  function append(e) {
    if (!log) return;
    var empty = log.querySelector('.empty-row');
    if (empty) empty.remove();
    var tr = document.createElement('tr');
    tr.className = 'ev ev-' + e.type.replace('.', '-');
    [String(e.seq), clock(e.at), e.type, e.stageId || '', detailOf(e)].forEach(function (text, i) {
      var td = document.createElement('td');
      td.textContent = text;
      if (i === 2) td.className = 'id';
      tr.appendChild(td);
    });
    log.appendChild(tr);
  }
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = fetch(location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (text) {
        if (!text) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        Array.prototype.forEach.call(doc.querySelectorAll('[data-live]'), function (fresh) {
          var old = document.getElementById(fresh.id);
          if (old) old.replaceWith(document.importNode(fresh, true));
        });
      })
      .catch(function () {})
      .then(function () { refreshing = null; follow(); });
    return refreshing;
  }
  var timer = null;
  function soon() { if (timer) clearTimeout(timer); timer = setTimeout(function () { timer = null; refresh(); }, 150); }
  function setLive(text) { if (live) live.textContent = text; }
  function follow() {
    if (source || status() !== 'running') {
      if (!source && status() === 'waiting') setTimeout(check, 3000);
      if (!source) setLive(status() === 'running' ? '' : 'not live: the run is ' + status());
      return;
    }
    source = new EventSource('/runs/' + encodeURIComponent(runId) + '/events?lastEventId=' + lastSeq);
    setLive('live');
    var onEvent = function (message) {
      var e;
      try { e = JSON.parse(message.data); } catch (_) { return; }
      if (e.seq <= lastSeq) return;
      lastSeq = e.seq;
      append(e);
      if (e.type !== 'stage.engine') soon();
      if (e.type === 'run.finished') { source.close(); source = null; setLive('finished'); soon(); }
    };
    ['run.started', 'stage.started', 'stage.retry', 'stage.engine', 'stage.decision', 'stage.completed', 'stage.failed', 'stage.skipped', 'stage.waiting', 'run.finished'].forEach(function (type) {
      source.addEventListener(type, onEvent);
    });
    source.onerror = function () { setLive('reconnecting…'); };
  }
  // A waiting run may be decided from elsewhere: look every 3 s.
  function check() {
    if (source || status() !== 'waiting') return;
    fetch('/ui/runs/status?ids=' + encodeURIComponent(runId), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (body) { var run = body[runId]; if (run && run.status !== 'waiting') refresh(); else setTimeout(check, 3000); })
      .catch(function () { setTimeout(check, 3000); });
  }
  follow();
})();
`;
