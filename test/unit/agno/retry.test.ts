import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from 'switchyard';
import type { Deprecation } from 'switchyard/adapter-kit';
import { Agent, openAICompatible, registerDeclaredAgents } from 'switchyard/agno';
import { answer, startChatServer } from '../../helpers/chat-server.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

const failing = { status: 503, json: { error: { message: 'overloaded' } } };

function declare(agents: unknown) {
  const resources = new Resources();
  const warnings: Deprecation[] = [];
  registerDeclaredAgents(agents, { path: '', resources, baseDir: process.cwd(), warn: (d) => void warnings.push(d) });
  return { resources, warnings };
}

describe('agno model calls take the shared retry shape', () => {
  it('a declared agent takes retry: { attempts, ... } for its model calls', () => {
    const { resources, warnings } = declare({ writer: { model: 'openai:gpt-4o-mini', retry: { attempts: 2, minDelayMs: 10 } } });
    expect(resources.get<Agent>('agent', 'writer')?.options.retry).toEqual({ attempts: 2, minDelayMs: 10 });
    expect(warnings).toEqual([]);
  });

  it('the old `retries` still works, translated, with a deprecation naming the new field', () => {
    const { resources, warnings } = declare({ writer: { model: 'openai:gpt-4o-mini', retries: 3 } });
    expect(resources.get<Agent>('agent', 'writer')?.options.retry).toEqual({ attempts: 4 });
    expect(warnings).toEqual([{ path: 'agents.writer.retries', message: 'deprecated, use retry: { attempts: 4 }', spelling: 'agno.retries' }]);
  });

  it('a model call that fails twice then succeeds with retry: { attempts: 3 }', async () => {
    const server = await startChatServer([failing, failing, answer('recovered')]);
    servers.push(server);
    const out = await new Agent({ name: 'a', model: openAICompatible({ baseURL: server.baseURL, model: 'm', apiKey: 'k', retry: { attempts: 3 } }) }).run('hi');
    expect(out.content).toBe('recovered');
    expect(server.requests).toHaveLength(3);
  });

  it('the deprecated code options (retries, minRetryDelayMs) still work', async () => {
    const server = await startChatServer([failing, failing, answer('never')]);
    servers.push(server);
    const out = await new Agent({ name: 'a', model: openAICompatible({ baseURL: server.baseURL, model: 'm', apiKey: 'k', retries: 1, minRetryDelayMs: 1 }) }).run('hi');
    expect(out.status).toBe('failed');
    expect(server.requests).toHaveLength(2);
  });
});
