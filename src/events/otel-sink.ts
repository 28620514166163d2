import { context as otelContext, trace, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { EventSink, RunEvent } from './types.js';

export interface OtelSinkOptions {
  /** Defaults to the global tracer provider's `switchyard` tracer (a no-op until an SDK is registered). */
  readonly tracer?: Tracer;
}

/**
 * OpenTelemetry spans through `@opentelemetry/api`: one span per run (`switchyard.run`) and one child
 * span per stage attempt (`switchyard.stage`) with the engine as `switchyard.engine`. Engine events and
 * retries become span events.
 */
export class OtelSink implements EventSink {
  readonly #tracer: Tracer;
  readonly #runs = new Map<string, Span>();
  readonly #stages = new Map<string, Span>();

  constructor(options: OtelSinkOptions = {}) {
    this.#tracer = options.tracer ?? trace.getTracer('switchyard');
  }

  handle(event: RunEvent): void {
    const stageKey = 'stageId' in event ? `${event.runId}\u0000${event.stageId}` : '';
    switch (event.type) {
      case 'run.started': {
        const span = this.#tracer.startSpan('switchyard.run', {
          startTime: event.at,
          attributes: { 'switchyard.run_id': event.runId, 'switchyard.pipeline': event.pipeline, 'switchyard.resumed': event.resumed },
        });
        this.#runs.set(event.runId, span);
        return;
      }
      case 'stage.started': {
        const parent = this.#runs.get(event.runId);
        const ctx = parent ? trace.setSpan(otelContext.active(), parent) : otelContext.active();
        const span = this.#tracer.startSpan(
          'switchyard.stage',
          {
            startTime: event.at,
            attributes: { 'switchyard.run_id': event.runId, 'switchyard.stage_id': event.stageId, 'switchyard.engine': event.engine, 'switchyard.attempt': event.attempt },
          },
          ctx,
        );
        this.#stages.get(stageKey)?.end(event.at);
        this.#stages.set(stageKey, span);
        return;
      }
      case 'stage.retry':
      case 'stage.engine':
      case 'stage.decision': {
        const span = this.#stages.get(stageKey) ?? this.#runs.get(event.runId);
        span?.addEvent(event.type === 'stage.engine' ? event.event.kind : event.type, { 'switchyard.stage_id': event.stageId }, event.at);
        return;
      }
      case 'stage.completed':
      case 'stage.failed':
      case 'stage.waiting': {
        const span = this.#stages.get(stageKey);
        if (!span) return;
        if (event.type === 'stage.failed') {
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
          span.setAttribute('switchyard.error_code', event.error.code);
        } else if (event.type === 'stage.completed') span.setStatus({ code: SpanStatusCode.OK });
        else span.setAttribute('switchyard.waiting', true);
        span.end(event.at);
        this.#stages.delete(stageKey);
        return;
      }
      case 'stage.decided': {
        const parent = this.#runs.get(event.runId);
        const attributes = { 'switchyard.stage_id': event.stageId, 'switchyard.approved': event.approved, ...(event.by ? { 'switchyard.by': event.by } : {}), ...(event.reason ? { 'switchyard.reason': event.reason } : {}) };
        parent?.addEvent('stage.decided', attributes, event.at);
        return;
      }
      case 'stage.skipped': {
        const parent = this.#runs.get(event.runId);
        parent?.addEvent('stage.skipped', { 'switchyard.stage_id': event.stageId, 'switchyard.reason': event.reason }, event.at);
        return;
      }
      case 'run.finished': {
        const span = this.#runs.get(event.runId);
        if (!span) return;
        span.setAttribute('switchyard.status', event.status);
        span.setStatus(event.status === 'completed' || event.status === 'waiting' ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: event.error?.message ?? event.status });
        span.end(event.at);
        this.#runs.delete(event.runId);
        for (const [key, stage] of this.#stages) {
          if (key.startsWith(`${event.runId}\u0000`)) {
            stage.end(event.at);
            this.#stages.delete(key);
          }
        }
        return;
      }
    }
  }
}
