import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventSink, RunEvent } from './types.js';

/**
 * Appends every event as one JSON line. Writes are synchronous and unbuffered on purpose:
 * a run killed mid-stage leaves every event it emitted in the file.
 */
export class JsonlSink implements EventSink {
  readonly file: string;

  constructor(file: string) {
    this.file = resolve(file);
    mkdirSync(dirname(this.file), { recursive: true });
  }

  handle(event: RunEvent): void {
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }
}
