import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HybridOrchestrator } from 'switchyard';
import { answer, chunk, startChatServer, toolCall } from '../../helpers/chat-server.js';


const run = promisify(execFile);
const example = (path: string) => fileURLToPath(new URL(`../../../examples/${path}`, import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

afterEach(() => vi.unstubAllEnvs());

describe('examples/agno-llm-agent against a local chat-completions server', () => {
  it('the pipeline runs the declared agent with both module tools and structured output', async () => {
    const server = await startChatServer([
      toolCall({ id: 'a', name: 'city_facts', arguments: '{"city":"Lagos"}' }, { id: 'b', name: 'city_facts', arguments: '{"city":"Oslo"}' }),
      toolCall({ id: 'c', name: 'calculate', arguments: '{"op":"subtract","a":15388000,"b":717710}' }),
      answer('{"answer":"Lagos has 14,670,290 more people than Oslo.","populationDifference":14670290}'),
    ]);
    try {
      for (const key of ['OPENAI_API_KEY', 'OLLAMA_HOST', 'SWITCHYARD_MODEL']) vi.stubEnv(key, undefined);
      vi.stubEnv('OPENAI_BASE_URL', server.baseURL);
      const hub = new HybridOrchestrator({ home: mkdtempSync(join(tmpdir(), 'switchyard-agno-llm-')) });
      const result = await hub.run(example('agno-llm-agent/pipeline.yaml'));
      expect(result.error).toBeUndefined();
      expect(result.output).toEqual({ answer: 'Lagos has 14,670,290 more people than Oslo.', populationDifference: 14670290 });
      const toolResults = server.requests[1]!.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)));
      expect(toolResults).toEqual([
        { city: 'Lagos', country: 'Nigeria', population: 15388000 },
        { city: 'Oslo', country: 'Norway', population: 717710 },
      ]);
      expect(JSON.parse(String(server.requests[2]!.body.messages.at(-1)!.content))).toEqual({ result: 14670290 });
    } finally {
      await server.close();
    }
  });

  it('run.ts streams the answer from an SSE response', async () => {
    const server = await startChatServer([
      { sse: [chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'city_facts', arguments: '{"city":"Lima"}' } }] }), chunk({}, 'tool_calls')] },
      { sse: [chunk({ role: 'assistant', content: 'Lima has ' }), chunk({ content: '10,151,200 people.' }), chunk({}, 'stop')] },
    ]);
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'k', SWITCHYARD_MODEL: 'openai:test' };
      delete env.OLLAMA_HOST;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', example('agno-llm-agent/run.ts'), 'How many people live in Lima?'], { cwd: repo, env });
      expect(stdout).toContain('-> city_facts({"city":"Lima"})');
      expect(stdout).toContain('<- {"city":"Lima","country":"Peru","population":10151200}');
      expect(stdout).toContain('Lima has 10,151,200 people.');
      expect(server.requests.map((r) => r.body.stream)).toEqual([true, true]);
    } finally {
      await server.close();
    }
  });

  it('run.ts with no model configured names the settings and exits 2', async () => {
    const env = { ...process.env };
    for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'SWITCHYARD_MODEL']) delete env[key];
    const failure = await run(process.execPath, ['--import', 'tsx', example('agno-llm-agent/run.ts')], { cwd: repo, env }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/MODEL_NOT_CONFIGURED: .*OPENAI_API_KEY.*OLLAMA_HOST/);
  });
});
