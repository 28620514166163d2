import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, JsonlSink, MemoryRunStore, OtelSink, ProgressSink, RunEventBus, type EventSink, type RunEvent } from 'switchyard';
import { testAdapter } from '../../helpers/hub-adapters.js';

const pipeline = {
  name: 'sinks',
  stages: [
    { id: 'a', type: 'test', task: { op: 'value', value: 1 } },
    { id: 'b', type: 'other', task: { op: 'fail' }, onFailure: 'continue' },
  ],
};

function hub(sinks?: readonly EventSink[]) {
  return new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { test: testAdapter('test'), other: testAdapter('other') }, ...(sinks ? { sinks } : {}) });
}

describe('event sinks', () => {
  it('JSONL: one parseable line per event, in sequence order', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-jsonl-')), 'nested', 'events.jsonl');
    const result = await hub([new JsonlSink(file)]).run(pipeline);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(lines.map((e) => e.type)).toEqual(['run.started', 'stage.started', 'stage.engine', 'stage.completed', 'stage.started', 'stage.engine', 'stage.failed', 'run.finished']);
    expect(lines.every((e) => e.runId === result.runId)).toBe(true);
    expect(lines.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('OpenTelemetry: one span per run and per stage, the engine as an attribute, stages children of the run', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const result = await hub([new OtelSink({ tracer: provider.getTracer('test') })]).run(pipeline);
    const spans = exporter.getFinishedSpans();
    const names = spans.map((s) => `${s.name}:${String(s.attributes['switchyard.stage_id'] ?? '')}`);
    expect(names.sort()).toEqual(['switchyard.run:', 'switchyard.stage:a', 'switchyard.stage:b']);
    const run = spans.find((s) => s.name === 'switchyard.run')!;
    expect(run.attributes['switchyard.run_id']).toBe(result.runId);
    expect(run.attributes['switchyard.status']).toBe('partial');
    const stageA = spans.find((s) => s.attributes['switchyard.stage_id'] === 'a')!;
    const stageB = spans.find((s) => s.attributes['switchyard.stage_id'] === 'b')!;
    expect(stageA.attributes['switchyard.engine']).toBe('test');
    expect(stageB.attributes['switchyard.engine']).toBe('other');
    expect(stageB.status.code).toBe(2); // ERROR
    expect(stageA.parentSpanId).toBe(run.spanContext().spanId);
    expect(stageA.spanContext().traceId).toBe(run.spanContext().traceId);
    expect(stageA.events.map((e) => e.name)).toContain('test.op');
  });

  it('progress display: writes stage lines to a terminal stream and draws a bar for engine progress', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    const sink = new ProgressSink({ stream });
    const bus = new RunEventBus('r1', [sink], undefined);
    bus.emit({ type: 'run.started', pipeline: 'p', resumed: false });
    bus.emit({ type: 'stage.started', stageId: 'ingest', engine: 'llamaindex', attempt: 1 });
    bus.emit({ type: 'stage.engine', stageId: 'ingest', engine: 'llamaindex', event: { kind: 'ingest.progress', progress: { done: 3, total: 10, unit: 'docs' } } });
    bus.emit({ type: 'stage.completed', stageId: 'ingest', engine: 'llamaindex', attempt: 1, durationMs: 12 });
    bus.emit({ type: 'run.finished', status: 'completed', durationMs: 15 });
    expect(text).toContain('▶ p (r1)');
    expect(text).toContain('✓ ingest (llamaindex) 12 ms');
    expect(text).toContain('■ completed in 15 ms');
    expect(ProgressSink.forTerminal(Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream)).toBeUndefined();
  });

  it('the bus never lets a failing sink break a run, and reports the error', async () => {
    const errors: unknown[] = [];
    const bus = new RunEventBus('r2', [{ handle: () => { throw new Error('sink down'); } }, { handle: async () => { throw new Error('async sink down'); } }], undefined, { onSinkError: (e) => errors.push(e) });
    bus.emit({ type: 'run.started', pipeline: 'p', resumed: false });
    await bus.flush();
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async sink down', 'sink down']);
    const result = await hub([{ handle: () => { throw new Error('boom'); } }]).run(pipeline);
    expect(result.status).toBe('partial');
  });
});
