import { afterEach, describe, expect, it } from 'vitest';
import { Agent, Team, functionAgent, openAICompatible } from 'switchyard/agno';
import type { AgentEvent } from 'switchyard/agno';
import { isAgentLike, resolveHandler, Resources } from 'switchyard';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { answer, startChatServer, toolCall } from '../../helpers/chat-server.js';

const upper = functionAgent('upper', (x: string) => x.toUpperCase(), { role: 'shouts' });
const lower = functionAgent('lower', (x: string) => x.toLowerCase(), { role: 'whispers' });
const broken = functionAgent('broken', () => {
  throw new Error('member down');
});

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

describe('Team', () => {
  it('broadcast: runs every member in parallel and reports a failed member without failing', async () => {
    const out = await new Team({ name: 't', members: [upper, lower, broken], mode: 'broadcast' }).run('MiXeD');
    expect(out.status).toBe('completed');
    expect(out.content).toEqual({ results: { upper: 'MIXED', lower: 'mixed' }, failed: [{ agent: 'broken', code: 'STAGE_FAILED', message: 'member down' }] });
    expect(out.members?.map((m) => [m.agent, m.status])).toEqual(
      expect.arrayContaining([['upper', 'completed'], ['lower', 'completed'], ['broken', 'failed']]),
    );
  });

  it('broadcast: fails only when every member fails', async () => {
    const out = await new Team({ name: 't', members: [broken], mode: 'broadcast' }).run('x');
    expect(out.status).toBe('failed');
    expect(out.error?.message).toMatch(/every member of team t failed: broken: member down/);
  });

  it('route: a router function picks one member per input', async () => {
    const team = new Team({ name: 't', members: [upper, lower], mode: 'route', router: (input) => (String(input).endsWith('!') ? 'upper' : lower) });
    expect((await team.run('hey!')).content).toBe('HEY!');
    const quiet = await team.run('Hush');
    expect(quiet.content).toBe('hush');
    expect(quiet.members?.map((m) => m.agent)).toEqual(['lower']);
  });

  it('route: a model picks the member (JSON-schema answer)', async () => {
    const server = await startChatServer([answer('{"member":"lower"}')]);
    servers.push(server);
    const team = new Team({ name: 't', members: [upper, lower], mode: 'route', model: openAICompatible({ baseURL: server.baseURL, model: 'm', apiKey: 'k' }) });
    const out = await team.run('QUIET PLEASE');
    expect(out.content).toBe('quiet please');
    const body = server.requests[0]!.body as { response_format: { json_schema: { schema: { properties: { member: { enum: string[] } } } } }; messages: Array<{ content: string }> };
    expect(body.response_format.json_schema.schema.properties.member.enum).toEqual(['upper', 'lower']);
    expect(body.messages[0]!.content).toContain('upper: shouts');
  });

  it('coordinate: a model leader delegates to members through a tool and combines', async () => {
    const server = await startChatServer([
      toolCall({ id: 'd1', name: 'delegate', arguments: '{"member":"upper","task":"shout it"}' }, { id: 'd2', name: 'delegate', arguments: '{"member":"broken","task":"try"}' }),
      answer('Combined: HELLO (broken failed)'),
    ]);
    servers.push(server);
    const team = new Team({ name: 'crew', members: [upper, broken], mode: 'coordinate', model: openAICompatible({ baseURL: server.baseURL, model: 'm', apiKey: 'k' }) });
    const out = await team.run('hello');
    expect(out.status).toBe('completed');
    expect(out.content).toBe('Combined: HELLO (broken failed)');
    expect(out.toolCalls.map((c) => [c.id, c.result ?? c.error])).toEqual([['d1', 'HELLO'], ['d2', 'broken failed: member down']]);
    const tools = server.requests[0]!.body.tools as Array<{ function: { parameters: { properties: { member: { enum: string[] } } } } }>;
    expect(tools[0]!.function.parameters.properties.member.enum).toEqual(['upper', 'broken']);
  });

  it('coordinate: a coordinator function delegates in code', async () => {
    const team = new Team({
      name: 'crew',
      members: [upper, lower],
      mode: 'coordinate',
      coordinator: async (input, { delegate }) => {
        const [a, b] = await Promise.all([delegate('upper', input), delegate('lower', input)]);
        return `${String(a.content)}/${String(b.content)}`;
      },
    });
    expect((await team.run('Ab')).content).toBe('AB/ab');
  });

  it('sequential: each member gets the previous result; teams nest', async () => {
    const exclaim = functionAgent('exclaim', (x: string) => `${x}!`);
    const inner = new Team({ name: 'inner', members: [lower, exclaim], mode: 'sequential' });
    const outer = new Team({ name: 'outer', members: [inner, upper], mode: 'sequential' });
    const events: AgentEvent[] = [];
    for await (const e of outer.stream('Hi')) events.push(e);
    const done = events.at(-1) as Extract<AgentEvent, { type: 'run.completed' }>;
    expect(done.output.content).toBe('HI!');
    expect(events.filter((e) => e.type === 'run.started').map((e) => e.agent)).toEqual(['outer', 'inner', 'lower', 'exclaim', 'upper']);
  });

  it('is cancelled with its members', async () => {
    const stuck = functionAgent('stuck', () => new Promise(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const out = await new Team({ name: 't', members: [stuck, upper] }).run('x', { signal: controller.signal });
    expect(out.status).toBe('cancelled');
  });

  it('binds to graph nodes and DAG tasks as an AgentLike', async () => {
    const team = new Team({ name: 't', members: [upper, lower], mode: 'sequential' });
    expect(isAgentLike(team)).toBe(true);
    expect(await resolveHandler(team, new Resources(), 'nodes.t')('MiX', createTestContext())).toBe('mix'); // upper, then lower
  });

  it('rejects bad definitions by path', () => {
    expect(() => new Team({ name: 't', members: [] })).toThrow(/team\(t\).members: expected at least one agent/);
    expect(() => new Team({ name: 't', members: [upper, upper] })).toThrow(/members\[1\].name: expected a name unique/);
    expect(() => new Team({ name: 't', members: [upper], mode: 'route' })).toThrow(/router function or a model/);
    expect(() => new Team({ name: 't', members: [upper], mode: 'coordinate' })).toThrow(/coordinator function or a model/);
    expect(() => new Agent({ name: '' })).toThrow(/agent.name/);
  });
});
