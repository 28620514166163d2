import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one scripted turn answers. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A whole JSON body (a chat completion or an error). */
  readonly json?: unknown;
  /** Chunks sent as server-sent events, then `data: [DONE]`. */
  readonly sse?: readonly unknown[];
  /** Wait this long before answering (for cancellation and timeouts). */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown> & { messages: Array<Record<string, unknown>> };
  readonly at: number;
}

export type Turn = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

/**
 * A local chat-completions server that answers with scripted turns, in order.
 * It speaks the real wire protocol (JSON and SSE) so the real `openai` client is exercised.
 */
export async function startChatServer(turns: Turn[]): Promise<{ url: string; baseURL: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const request: RecordedRequest = { url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : { messages: [] }, at: performance.now() };
      requests.push(request);
      const turn = turns[next++];
      if (!turn) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no scripted turn ${next}` } }));
        return;
      }
      const reply = typeof turn === 'function' ? turn(request) : turn;
      const send = () => {
        if (res.destroyed) return;
        if (reply.sse) {
          res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
          for (const chunk of reply.sse) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.json ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let ids = 0;

export function completion(message: { content?: string | null; tool_calls?: Array<{ id?: string; name: string; arguments: string }> }, usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }): ScriptedReply {
  const toolCalls = message.tool_calls?.map((call) => ({ id: call.id ?? `call_${++ids}`, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  return {
    json: {
      id: `chatcmpl-${++ids}`,
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [{ index: 0, finish_reason: toolCalls ? 'tool_calls' : 'stop', message: { role: 'assistant', content: message.content ?? null, ...(toolCalls ? { tool_calls: toolCalls } : {}) } }],
      usage,
    },
  };
}

export function answer(content: string): ScriptedReply {
  return completion({ content });
}

export function toolCall(...calls: Array<{ id?: string; name: string; arguments: string }>): ScriptedReply {
  return completion({ content: null, tool_calls: calls });
}

/** A chunk of a streamed completion. */
export function chunk(delta: Record<string, unknown>, finish: string | null = null, usage?: unknown): unknown {
  return { id: 'chatcmpl-stream', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) };
}
