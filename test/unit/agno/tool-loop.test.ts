import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent, openAICompatible, tool } from 'switchyard/agno';
import type { AgentEvent } from 'switchyard/agno';
import { answer, chunk, completion, startChatServer, toolCall } from '../../helpers/chat-server.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function serve(...turns: Parameters<typeof startChatServer>[0]) {
  const server = await startChatServer(turns);
  servers.push(server);
  return server;
}

const model = (baseURL: string, extra: Partial<Parameters<typeof openAICompatible>[0]> = {}) =>
  openAICompatible({ baseURL, model: 'scripted', apiKey: 'test-key', retry: { minDelayMs: 10 }, ...extra });

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string().describe('City name') }),
  execute: ({ city }) => ({ city, tempC: city === 'Oslo' ? 4 : 20 }),
});

describe('agent tool loop against a chat-completions server', () => {
  it('runs a requested tool, feeds the result back and returns the answer with usage', async () => {
    const server = await serve(toolCall({ id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' }), answer('It is 4 °C in Oslo.'));
    const agent = new Agent({ name: 'forecaster', role: 'weather helper', instructions: 'Be brief.', model: model(server.baseURL), tools: [weather] });
    const out = await agent.run('Weather in Oslo?');

    expect(out.status).toBe('completed');
    expect(out.content).toBe('It is 4 °C in Oslo.');
    expect(out.toolCalls).toHaveLength(1);
    expect(out.toolCalls[0]).toMatchObject({ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' }, result: { city: 'Oslo', tempC: 4 } });
    expect(out.usage).toEqual({ promptTokens: 20, completionTokens: 10, totalTokens: 30 });

    const [first, second] = server.requests;
    expect(first!.url).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer test-key');
    expect(first!.body.model).toBe('scripted');
    expect(first!.body.messages[0]).toMatchObject({ role: 'system' });
    expect(String(first!.body.messages[0]!.content)).toContain('Be brief.');
    expect(first!.body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: expect.objectContaining({ type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] }) } },
    ]);
    const toolMessage = second!.body.messages.at(-1)!;
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'c1' });
    expect(JSON.parse(String(toolMessage.content))).toEqual({ city: 'Oslo', tempC: 4 });
    expect(second!.body.messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'c1', function: { name: 'get_weather' } }] });
  });

  it('turns a malformed tool call into an error the model sees, without running the tool', async () => {
    let ran = 0;
    const counted = tool({ name: 'count', description: 'count', parameters: z.object({ n: z.number() }), execute: ({ n }) => (ran++, n) });
    const server = await serve(toolCall({ id: 'bad', name: 'count', arguments: '{"n": 1,' }), answer('sorry'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [counted] }).run('go');

    expect(out.status).toBe('completed');
    expect(ran).toBe(0);
    expect(out.toolCalls[0]).toMatchObject({ id: 'bad', arguments: '{"n": 1,' });
    expect(out.toolCalls[0]!.error).toMatch(/not valid JSON/);
    const fed = server.requests[1]!.body.messages.at(-1)!;
    expect(fed).toMatchObject({ role: 'tool', tool_call_id: 'bad' });
    expect(JSON.parse(String(fed.content)).error).toMatch(/not valid JSON/);
  });

  it('reports arguments that fail the zod schema, unknown tools and throwing tools as tool errors', async () => {
    const boom = tool({ name: 'boom', description: 'fails', parameters: z.object({}), execute: () => { throw new Error('disk full'); } });
    const server = await serve(
      toolCall({ id: 'x1', name: 'get_weather', arguments: '{"city": 3}' }, { id: 'x2', name: 'nope', arguments: '{}' }, { id: 'x3', name: 'boom', arguments: '{}' }),
      answer('done'),
    );
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [weather, boom] }).run('go');
    expect(out.status).toBe('completed');
    const errors = Object.fromEntries(out.toolCalls.map((c) => [c.id, c.error]));
    expect(errors.x1).toMatch(/invalid arguments for get_weather: city/);
    expect(errors.x2).toMatch(/unknown tool "nope"; available: get_weather, boom/);
    expect(errors.x3).toBe('disk full');
    const fed = server.requests[1]!.body.messages.filter((m) => m.role === 'tool');
    expect(fed.map((m) => m.tool_call_id)).toEqual(['x1', 'x2', 'x3']);
    expect(JSON.parse(String(fed[2]!.content))).toEqual({ error: 'disk full' });
  });

  it('runs independent tool calls of one turn in parallel', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const wait = tool({
      name: 'wait',
      description: 'waits',
      parameters: z.object({ id: z.string() }),
      execute: async ({ id }) => {
        started.push(id);
        if (started.length === 2) release();
        await gate; // resolves only once both calls have started: a sequential loop would never get here
        return id;
      },
    });
    const server = await serve(toolCall({ id: 'p1', name: 'wait', arguments: '{"id":"a"}' }, { id: 'p2', name: 'wait', arguments: '{"id":"b"}' }), answer('both'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [wait] }).run('go');
    expect(out.content).toBe('both');
    expect(out.toolCalls.map((c) => c.result)).toEqual(['a', 'b']);
  });

  it('times out a slow tool per call and tells the model', async () => {
    const slow = tool({ name: 'slow', description: 'slow', parameters: z.object({}), timeoutMs: 20, execute: () => new Promise(() => {}) });
    const server = await serve(toolCall({ id: 's', name: 'slow', arguments: '{}' }), answer('gave up'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [slow] }).run('go');
    expect(out.content).toBe('gave up');
    expect(out.toolCalls[0]!.error).toBe('timed out after 20 ms');
  });

  it('stops offering tools at the tool-call limit', async () => {
    const server = await serve(
      toolCall({ id: 'l1', name: 'get_weather', arguments: '{"city":"Oslo"}' }, { id: 'l2', name: 'get_weather', arguments: '{"city":"Rome"}' }),
      answer('Oslo is cold'),
    );
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [weather], maxToolCalls: 1 }).run('go');
    expect(out.content).toBe('Oslo is cold');
    expect(out.toolCalls.map((c) => c.id)).toEqual(['l1']);
    const second = server.requests[1]!.body;
    expect(second.tools).toBeUndefined();
    expect(String(second.messages.at(-1)!.content)).toMatch(/tool call limit \(1\)/);
  });

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'slow down' } } }, answer('ok'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL) }).run('hi');
    expect(out.status).toBe('completed');
    expect(out.content).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx with backoff and gives up with REMOTE_ERROR after the retries', async () => {
    const failing = { status: 503, json: { error: { message: 'overloaded' } } };
    const server = await serve(failing, answer('recovered'));
    expect((await new Agent({ name: 'a', model: model(server.baseURL) }).run('hi')).content).toBe('recovered');

    const down = await serve(failing, failing, failing);
    const out = await new Agent({ name: 'a', model: model(down.baseURL, { retry: { attempts: 3, minDelayMs: 10 } }) }).run('hi');
    expect(out.status).toBe('failed');
    expect(out.error?.code).toBe('REMOTE_ERROR');
    expect(out.error?.message).toMatch(/503/);
    expect(down.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const server = await serve({ status: 400, json: { error: { message: 'bad model' } } }, answer('never'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL) }).run('hi');
    expect(out.status).toBe('failed');
    expect(out.error?.message).toMatch(/400.*bad model/);
    expect(server.requests).toHaveLength(1);
  });

  it('applies a timeout to every model call', async () => {
    const server = await serve({ ...answer('late'), delayMs: 5_000 });
    const out = await new Agent({ name: 'a', model: model(server.baseURL, { timeoutMs: 50, retry: { attempts: 1 } }) }).run('hi');
    expect(out.status).toBe('failed');
    expect(out.error).toMatchObject({ code: 'REMOTE_ERROR' });
    expect(out.error?.message).toMatch(/timed out after 50 ms/);
  });

  it('stops on cancellation while waiting for the model', async () => {
    const server = await serve({ ...answer('late'), delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const out = await new Agent({ name: 'a', model: model(server.baseURL) }).run('hi', { signal: controller.signal });
    expect(out.status).toBe('cancelled');
    expect(out.error?.code).toBe('CANCELLED');
  });

  it('streams content deltas and tool calls from an SSE response', async () => {
    const server = await serve(
      {
        sse: [
          chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'st1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }),
          chunk({}, 'tool_calls'),
        ],
      },
      {
        sse: [
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Rome is ' }),
          chunk({ content: '20 °C.' }),
          chunk({}, 'stop'),
          { id: 'chatcmpl-stream', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
        ],
      },
    );
    const events: AgentEvent[] = [];
    for await (const event of new Agent({ name: 'streamer', model: model(server.baseURL), tools: [weather] }).stream('Rome?')) events.push(event);

    expect(events.map((e) => e.type)).toEqual(['run.started', 'tool.started', 'tool.completed', 'content.delta', 'content.delta', 'run.completed']);
    expect(events.filter((e) => e.type === 'content.delta').map((e) => (e as { delta: string }).delta).join('')).toBe('Rome is 20 °C.');
    const last = events.at(-1) as Extract<AgentEvent, { type: 'run.completed' }>;
    expect(last.output.content).toBe('Rome is 20 °C.');
    expect(last.output.toolCalls[0]).toMatchObject({ id: 'st1', arguments: { city: 'Rome' }, result: { city: 'Rome', tempC: 20 } });
    expect(last.output.usage).toEqual({ promptTokens: 7, completionTokens: 3, totalTokens: 10 });
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('asks for JSON-schema output, validates it and retries once with the validation error', async () => {
    const Verdict = z.object({ verdict: z.enum(['pass', 'fail']), score: z.number().min(0).max(1) });
    const server = await serve(answer('{"verdict":"maybe","score":3}'), answer('```json\n{"verdict":"pass","score":0.9}\n```'));
    const out = await new Agent({ name: 'judge', model: model(server.baseURL), outputSchema: Verdict }).run('judge this');

    expect(out.status).toBe('completed');
    expect(out.structured).toEqual({ verdict: 'pass', score: 0.9 });
    const format = server.requests[0]!.body.response_format as { type: string; json_schema: { name: string; schema: Record<string, unknown> } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.name).toBe('judge');
    expect(format.json_schema.schema).toMatchObject({ type: 'object', required: ['verdict', 'score'] });
    const retry = String(server.requests[1]!.body.messages.at(-1)!.content);
    expect(retry).toMatch(/did not match the required JSON schema/);
    expect(retry).toMatch(/verdict/);
    expect(retry).toMatch(/score/);
  });

  it('falls back to the schema in the prompt when the server rejects response_format with a 400', async () => {
    const server = await serve({ status: 400, json: { error: { message: 'response_format json_schema is not supported' } } }, answer('{"ok":true}'), answer('{"ok":false}'));
    const agent = new Agent({ name: 'judge', model: model(server.baseURL), outputSchema: z.object({ ok: z.boolean() }) });
    expect((await agent.run('x')).structured).toEqual({ ok: true });
    expect((await agent.run('y')).structured).toEqual({ ok: false });
    expect(server.requests.map((r) => r.body.response_format === undefined)).toEqual([false, true, true]);
    expect(String(server.requests[1]!.body.messages[0]!.content)).toMatch(/Answer with only a JSON value matching this JSON Schema/);
  });

  it('fails when structured output is still invalid after the one retry', async () => {
    const server = await serve(answer('not json'), answer('{"wrong":true}'), answer('{"ok":true}'));
    const out = await new Agent({ name: 'judge', model: model(server.baseURL), outputSchema: z.object({ ok: z.boolean() }) }).run('x');
    expect(out.status).toBe('failed');
    expect(out.error?.message).toMatch(/did not match the output schema after one retry/);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps content and tool calls of a completion that has both', async () => {
    const server = await serve(completion({ content: 'checking', tool_calls: [{ id: 'b1', name: 'get_weather', arguments: '{"city":"Rome"}' }] }), answer('20'));
    const out = await new Agent({ name: 'a', model: model(server.baseURL), tools: [weather] }).run('go');
    expect(out.content).toBe('20');
    expect(server.requests[1]!.body.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'checking' });
  });
});
