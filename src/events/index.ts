export { RunEventBus } from './bus.js';
export type { RunEventInput } from './bus.js';
export { JsonlSink } from './jsonl-sink.js';
export { OtelSink } from './otel-sink.js';
export type { OtelSinkOptions } from './otel-sink.js';
export { ProgressSink } from './progress-sink.js';
export type { ProgressSinkOptions } from './progress-sink.js';
