import { appendFileSync } from 'node:fs';
import { ensurePrivateDir } from '../store/private-files.js';
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
    ensurePrivateDir(dirname(this.file), 'events');
  }

  handle(event: RunEvent): void {
    appendFileSync(this.file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
  }
}
