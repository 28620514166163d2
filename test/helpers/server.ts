import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryRunStore, type RunStore } from 'switchyard';
import { createServer, type ServerOptions, type SwitchyardServer } from '../../src/server/index.js';

export const PIPELINES = resolve(import.meta.dirname, '../fixtures/server/pipelines');

export interface TestServer {
  readonly server: SwitchyardServer;
  readonly store: RunStore;
  readonly home: string;
  /** Lines the server logged. */
  readonly logs: string[];
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Polls GET /api/runs/{id} until its status is one of `statuses`. */
  waitFor(runId: string, statuses: readonly string[], timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A server over the fixture pipelines and an in-memory store (or `options.store`), in this process: no port. */
export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), 'sy-server-'));
  const store = options.store ?? new MemoryRunStore();
  const logs: string[] = [];
  const server = await createServer({ pipelinesDir: PIPELINES, home, log: (line) => void logs.push(line), ...options, store });
  const get = async (path: string, headers: Record<string, string> = {}) => server.request(path, { headers });
  const post = async (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    server.request(path, { method: 'POST', headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const waitFor = async (runId: string, statuses: readonly string[], timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const run = (await (await get(`/api/runs/${runId}`, options.apiKeys?.[0] ? { authorization: `Bearer ${options.apiKeys[0]}` } : {})).json()) as Record<string, unknown>;
      if (statuses.includes(run.status as string)) return run;
      if (Date.now() > until) throw new Error(`run ${runId} is ${String(run.status)} after ${timeoutMs} ms, not ${statuses.join(' or ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    server,
    store,
    home,
    logs,
    get,
    post,
    waitFor,
    close: async () => {
      await server.close({ graceMs: 0 });
      if (!options.store) await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** The messages of an SSE body (read to its end), comments left out. */
export async function readSse(response: Response): Promise<{ messages: SseMessage[]; comments: string[] }> {
  const text = await response.text();
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  for (const block of text.split(/\n\n/)) {
    if (block.trim() === '') continue;
    const message: { id?: string; event?: string; data: string[] } = { data: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) message.data.push(line.slice(6));
    }
    if (message.data.length > 0) messages.push({ ...(message.id !== undefined ? { id: message.id } : {}), ...(message.event !== undefined ? { event: message.event } : {}), data: message.data.join('\n') });
  }
  return { messages, comments };
}
