import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RunEvent } from '../../events/types.js';

/** The run's timeline and the pipeline's graph, drawn as plain SVG (classes only: the page's CSS colours them). */

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type BarOutcome = 'completed' | 'failed' | 'retry' | 'waiting' | 'running' | 'skipped' | 'cancelled';

export interface TimelineBar {
  readonly stageId: string;
  readonly engine: string;
  readonly attempt: number;
  readonly start: number;
  readonly end: number;
  readonly outcome: BarOutcome;
}

/** One bar per stage attempt (and per execution: a stage that waited and ran again after the approval gets two). */
export function timelineBars(events: readonly RunEvent[], now = Date.now()): TimelineBar[] {
  const bars: TimelineBar[] = [];
  const open = new Map<string, { stageId: string; engine: string; attempt: number; start: number }>();
  const close = (stageId: string, at: number, outcome: BarOutcome) => {
    const bar = open.get(stageId);
    if (!bar) return;
    open.delete(stageId);
    bars.push({ ...bar, end: Math.max(at, bar.start), outcome });
  };
  let finished: number | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'run.started':
        finished = undefined;
        break;
      case 'stage.started':
        close(event.stageId, event.at, 'cancelled');
        open.set(event.stageId, { stageId: event.stageId, engine: event.engine, attempt: event.attempt, start: event.at });
        break;
      case 'stage.completed':
        close(event.stageId, event.at, 'completed');
        break;
      case 'stage.failed':
        close(event.stageId, event.at, 'failed');
        break;
      case 'stage.retry':
        close(event.stageId, event.at, 'retry');
        break;
      case 'stage.waiting':
        close(event.stageId, event.at, 'waiting');
        break;
      case 'stage.skipped':
        bars.push({ stageId: event.stageId, engine: 'skipped', attempt: 0, start: event.at, end: event.at, outcome: 'skipped' });
        break;
      case 'run.finished':
        finished = event.at;
        for (const id of [...open.keys()]) close(id, event.at, 'cancelled');
        break;
      default:
        break;
    }
  }
  for (const id of [...open.keys()]) close(id, finished ?? now, 'running');
  return bars;
}

const round = (n: number) => Math.round(n * 10) / 10;

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3600_000)} h ${Math.round((ms % 3600_000) / 60_000)} min`;
}

/** The timeline: one row per bar on a shared time axis, the stage and attempt on the left, the engine on the bar. */
export function timelineSvg(bars: readonly TimelineBar[]): Html {
  if (bars.length === 0) return html`<p class="muted">No stage has started yet.</p>`;
  const labelW = 160;
  const chartW = 860;
  const rowH = 26;
  const top = 22;
  const width = labelW + chartW + 30;
  const height = top + bars.length * rowH + 8;
  const t0 = Math.min(...bars.map((b) => b.start));
  const t1 = Math.max(...bars.map((b) => b.end));
  const span = Math.max(t1 - t0, 1);
  const x = (t: number) => labelW + ((t - t0) / span) * chartW;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: labelW + f * chartW, text: duration(f * span) }));
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Stage timeline">
<g class="axis">${ticks.map((t) => html`<line x1="${round(t.at)}" y1="${top - 6}" x2="${round(t.at)}" y2="${height - 4}"></line>`)}</g>
<g class="tick">${ticks.map((t, i) => html`<text x="${round(t.at)}" y="12" text-anchor="${i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}">${t.text}</text>`)}</g>
${bars.map((bar, i) => {
  const y = top + i * rowH;
  const bx = x(bar.start);
  const bw = Math.max(x(bar.end) - bx, 3);
  const label = `${bar.stageId}${bar.attempt > 1 ? ` · attempt ${bar.attempt}` : ''}`;
  const title = `${bar.stageId} (attempt ${bar.attempt}) on ${bar.engine}: ${bar.outcome}, ${duration(bar.end - bar.start)}`;
  const text = `${bar.engine} · ${bar.outcome} · ${duration(bar.end - bar.start)}`;
  const textW = text.length * 6.4;
  // The bar's text: right of it where it fits, else inside it, else left of it.
  const place = bx + bw + 6 + textW <= width - 4 ? 'right' : bw > textW + 12 ? 'inside' : 'left';
  const tx = place === 'right' ? bx + bw + 6 : place === 'inside' ? bx + 6 : bx - 6;
  return html`<g class="bar" data-stage="${bar.stageId}" data-outcome="${bar.outcome}"><title>${title}</title>
<text x="${labelW - 10}" y="${y + 16}" text-anchor="end">${label}</text>
<rect class="bar-${bar.outcome}" x="${round(bx)}" y="${y + 3}" width="${round(bw)}" height="${rowH - 8}" rx="3"></rect>
<text class="${place === 'inside' ? 'on-bar' : 'dim'}" x="${round(tx)}" y="${y + 16}"${place === 'left' ? html` text-anchor="end"` : ''}>${text}</text></g>`;
})}
</svg>`;
}

export interface GraphNode {
  readonly id: string;
  readonly type: string;
  readonly status?: string;
}

export type GraphStep =
  | { readonly kind: 'stage'; readonly node: GraphNode; readonly goto?: string }
  | { readonly kind: 'parallel'; readonly id: string; readonly branches: readonly GraphNode[]; readonly goto?: string };

/** The pipeline as a graph: steps left to right, a parallel group's branches stacked in one column, goto edges below. */
export function graphSvg(steps: readonly GraphStep[]): Html {
  if (steps.length === 0) return html`<p class="muted">No stages.</p>`;
  const nodeW = 150;
  const nodeH = 46;
  const colW = 200;
  const gapY = 14;
  const pad = 20;
  const groupPad = 10;
  const rows = Math.max(...steps.map((s) => (s.kind === 'parallel' ? s.branches.length : 1)));
  const bodyH = rows * nodeH + (rows - 1) * gapY + 2 * groupPad;
  const gotos = steps.map((s, i) => ({ from: i, to: steps.findIndex((t) => (t.kind === 'stage' ? t.node.id : t.id) === s.goto) })).filter((g) => g.to >= 0);
  const gotoH = gotos.length > 0 ? 30 + gotos.length * 16 : 0;
  const width = pad * 2 + (steps.length - 1) * colW + nodeW;
  const height = pad * 2 + bodyH + gotoH + 14;
  const midY = pad + 14 + bodyH / 2;
  const colX = (i: number) => pad + i * colW;
  const nodesOf = (step: GraphStep) => (step.kind === 'stage' ? [step.node] : step.branches);
  const nodeY = (step: GraphStep, j: number) => {
    const n = nodesOf(step).length;
    const total = n * nodeH + (n - 1) * gapY;
    return midY - total / 2 + j * (nodeH + gapY);
  };
  const parts: Html[] = [];
  // Edges from every node of a step to every node of the next.
  for (let i = 0; i + 1 < steps.length; i++) {
    const a = steps[i]!;
    const b = steps[i + 1]!;
    nodesOf(a).forEach((_n, j) => {
      nodesOf(b).forEach((_m, k) => {
        const x1 = colX(i) + nodeW;
        const y1 = nodeY(a, j) + nodeH / 2;
        const x2 = colX(i + 1) - 4;
        const y2 = nodeY(b, k) + nodeH / 2;
        const mx = (x1 + x2) / 2;
        parts.push(html`<path class="edge" marker-end="url(#arrow)" d="M${round(x1)},${round(y1)} C${round(mx)},${round(y1)} ${round(mx)},${round(y2)} ${round(x2)},${round(y2)}"></path>`);
      });
    });
  }
  steps.forEach((step, i) => {
    if (step.kind === 'parallel') {
      const n = step.branches.length;
      const total = n * nodeH + (n - 1) * gapY;
      const y = midY - total / 2 - groupPad;
      parts.push(html`<rect class="group" x="${colX(i) - groupPad}" y="${round(y)}" width="${nodeW + 2 * groupPad}" height="${round(total + 2 * groupPad)}" rx="8"></rect><text class="dim" x="${colX(i) - groupPad + 2}" y="${round(y - 5)}">parallel: ${step.id}</text>`);
    }
    nodesOf(step).forEach((node, j) => {
      const x = colX(i);
      const y = nodeY(step, j);
      const status = node.status ?? 'none';
      parts.push(html`<g class="node st-${status}" data-stage="${node.id}"><title>${node.id} (${node.type})${node.status ? `: ${node.status}` : ''}</title>
<rect x="${x}" y="${round(y)}" width="${nodeW}" height="${nodeH}" rx="6"></rect>
<rect class="mark" x="${x}" y="${round(y)}" width="5" height="${nodeH}" rx="2"></rect>
<text x="${x + 14}" y="${round(y + 19)}" font-weight="600">${clip(node.id, 19)}</text>
<text class="dim" x="${x + 14}" y="${round(y + 36)}">${clip(node.status ? `${node.type} · ${node.status}` : node.type, 22)}</text></g>`);
    });
  });
  // goto edges: from the bottom of the step down, across, and up into the target.
  gotos.forEach((g, k) => {
    const from = steps[g.from]!;
    const to = steps[g.to]!;
    const bottom = (step: GraphStep) => nodeY(step, nodesOf(step).length - 1) + nodeH + (step.kind === 'parallel' ? groupPad : 0);
    const x1 = colX(g.from) + nodeW / 2 + 10;
    const x2 = colX(g.to) + nodeW / 2 - 10;
    const low = pad + 14 + bodyH + 20 + k * 16;
    parts.push(html`<path class="goto" marker-end="url(#arrow-goto)" d="M${round(x1)},${round(bottom(from))} L${round(x1)},${round(low)} L${round(x2)},${round(low)} L${round(x2)},${round(bottom(to) + 4)}"></path><text class="dim" x="${round(Math.min(x1, x2) + Math.abs(x1 - x2) / 2)}" y="${round(low - 4)}" text-anchor="middle">on failure: goto ${to.kind === 'stage' ? to.node.id : to.id}</text>`);
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Pipeline graph">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"></path></marker>
<marker id="arrow-goto" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-goto" d="M0,0 L10,5 L0,10 z"></path></marker></defs>
${parts}
</svg>`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
