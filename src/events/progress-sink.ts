import cliProgress from 'cli-progress';
import type { EventSink, RunEvent } from './types.js';

export interface ProgressSinkOptions {
  /** Where to draw (default stderr, so `--json` output on stdout stays clean). */
  readonly stream?: NodeJS.WriteStream;
}

/**
 * A terminal display: one line per stage outcome, a live bar for engine events that report
 * progress (documents ingested of total, DAG tasks done), and a line for each engine event that reports a
 * problem (kind ending in `.problem` or `.warning`, or `data.level: "warning"`). Use `ProgressSink.forTerminal()` to get one
 * only when the stream is a TTY.
 */
export class ProgressSink implements EventSink {
  readonly #stream: NodeJS.WriteStream;
  readonly #bars: cliProgress.MultiBar;
  readonly #active = new Map<string, cliProgress.SingleBar>();

  constructor(options: ProgressSinkOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#bars = new cliProgress.MultiBar(
      { stream: this.#stream, clearOnComplete: true, hideCursor: true, format: ' {stage} [{bar}] {value}/{total} {unit}', noTTYOutput: false },
      cliProgress.Presets.shades_classic,
    );
  }

  /** A progress sink when `stream` is a terminal, else undefined. */
  static forTerminal(stream: NodeJS.WriteStream = process.stderr): ProgressSink | undefined {
    return stream.isTTY ? new ProgressSink({ stream }) : undefined;
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        return this.#line(`▶ ${event.pipeline} (${event.runId})${event.resumed ? ' resumed' : ''}`);
      case 'stage.started':
        return this.#line(`  … ${event.stageId} on ${event.engine}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
      case 'stage.decision':
        return this.#line(`  ↳ ${event.stageId}: auto chose ${event.engine} — ${event.reasons.join('; ')}`);
      case 'stage.decided':
        return this.#line(`  ✋ ${event.stageId}: ${event.approved ? 'approved' : 'rejected'}${event.by ? ` by ${event.by}` : ''}${event.reason ? `: ${event.reason}` : ''}`);
      case 'stage.engine': {
        // Problems and warnings an engine reports (a document it had to skip, ...) get a line of their own.
        if (/\.(?:problem|warning)$/.test(event.event.kind) || event.event.data?.level === 'warning') {
          return this.#line(`  ⚠ ${event.stageId}: ${event.event.message ?? event.event.kind}`);
        }
        // a retry or a resume that reused work an earlier attempt finished (the prefect adapter's completed nodes)
        if (event.event.kind === 'dag.reused') return this.#line(`  ↺ ${event.stageId}: ${event.event.message ?? 'reused earlier work'}`);
        const progress = event.event.progress;
        if (!progress) return;
        let bar = this.#active.get(event.stageId);
        if (!bar) {
          bar = this.#bars.create(progress.total, progress.done, { stage: event.stageId, unit: progress.unit ?? '' });
          this.#active.set(event.stageId, bar);
        }
        bar.setTotal(progress.total);
        bar.update(progress.done, { unit: progress.unit ?? '' });
        return;
      }
      case 'stage.retry':
        return this.#line(`  ↻ ${event.stageId} retry in ${event.delayMs} ms: ${event.error.message}`);
      case 'stage.completed':
        this.#endBar(event.stageId);
        return this.#line(`  ✓ ${event.stageId} (${event.engine}) ${Math.round(event.durationMs)} ms`);
      case 'stage.failed':
        this.#endBar(event.stageId);
        return this.#line(`  ✗ ${event.stageId} (${event.engine}) ${event.error.code}: ${event.error.message}`);
      case 'stage.skipped':
        return this.#line(`  – ${event.stageId} skipped: ${event.reason}`);
      case 'stage.waiting':
        this.#endBar(event.stageId);
        return this.#line(`  ⏸ ${event.stageId} waiting for approval: ${event.approval.message}`);
      case 'run.finished':
        for (const id of [...this.#active.keys()]) this.#endBar(id);
        this.#bars.stop();
        return this.#line(`■ ${event.status} in ${Math.round(event.durationMs)} ms${event.error ? ` — ${event.error.message}` : ''}`);
    }
  }

  close(): void {
    this.#bars.stop();
  }

  #endBar(stageId: string): void {
    const bar = this.#active.get(stageId);
    if (!bar) return;
    this.#bars.remove(bar);
    this.#active.delete(stageId);
  }

  #line(text: string): void {
    if (this.#active.size > 0) this.#bars.log(`${text}\n`);
    else this.#stream.write(`${text}\n`);
  }
}
