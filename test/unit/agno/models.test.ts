import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent, ollamaBaseURL, resolveModel } from 'switchyard/agno';
import { isSwitchyardError } from 'switchyard';
import { answer, startChatServer } from '../../helpers/chat-server.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

function clearModelEnv() {
  for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'SWITCHYARD_MODEL']) vi.stubEnv(key, undefined);
}

describe('model resolution', () => {
  it('names the settings to set when nothing is configured', () => {
    let caught: unknown;
    try {
      resolveModel(undefined, {}, {});
    } catch (error) {
      caught = error;
    }
    expect(isSwitchyardError(caught)).toBe(true);
    const error = caught as { code: string; message: string; isUserError: boolean };
    expect(error.code).toBe('MODEL_NOT_CONFIGURED');
    expect(error.isUserError).toBe(true);
    for (const setting of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST']) expect(error.message).toContain(setting);
  });

  it('rejects openai:* without a key or base URL, and unknown providers', () => {
    expect(() => resolveModel('openai:gpt-4o-mini', {}, {})).toThrow(/OPENAI_API_KEY/);
    expect(() => resolveModel('vllm:llama', {}, {})).toThrow(/OPENAI_BASE_URL/);
    expect(() => resolveModel('acme:x', {}, { OPENAI_API_KEY: 'k' })).toThrow(/unknown provider "acme"/);
  });

  it('builds providers from provider:model strings and the environment', () => {
    expect(resolveModel('openai:gpt-4o-mini', {}, { OPENAI_API_KEY: 'k' }).id).toBe('openai:gpt-4o-mini');
    expect(resolveModel('gpt-4o', {}, { OPENAI_API_KEY: 'k' }).id).toBe('openai:gpt-4o');
    expect(resolveModel('ollama:qwen2.5', {}, {}).id).toBe('ollama:qwen2.5');
    expect(resolveModel(undefined, {}, { OLLAMA_HOST: 'localhost:11434' }).id).toBe('ollama:qwen2.5');
    expect(resolveModel(undefined, {}, { SWITCHYARD_MODEL: 'lmstudio:phi', OPENAI_BASE_URL: 'http://x/v1' }).id).toBe('lmstudio:phi');
    expect(ollamaBaseURL('localhost:11434')).toBe('http://localhost:11434/v1');
    expect(ollamaBaseURL('http://gpu:11434/')).toBe('http://gpu:11434/v1');
    expect(ollamaBaseURL('http://gpu:11434/v1')).toBe('http://gpu:11434/v1');
  });

  it('an agent with no model configured fails with MODEL_NOT_CONFIGURED, not a fake answer', async () => {
    clearModelEnv();
    const out = await new Agent({ name: 'lonely' }).run('hello');
    expect(out.status).toBe('failed');
    expect(out.content).toBeNull();
    expect(out.error?.code).toBe('MODEL_NOT_CONFIGURED');
    expect(out.error?.message).toMatch(/OPENAI_API_KEY/);
  });

  it('talks to Ollama through OLLAMA_HOST + /v1', async () => {
    const server = await startChatServer([answer('hi from ollama')]);
    try {
      clearModelEnv();
      vi.stubEnv('OLLAMA_HOST', server.url);
      const out = await new Agent({ name: 'local', model: 'ollama:qwen2.5' }).run('hello');
      expect(out.content).toBe('hi from ollama');
      expect(server.requests[0]!.url).toBe('/v1/chat/completions');
      expect(server.requests[0]!.body.model).toBe('qwen2.5');
    } finally {
      await server.close();
    }
  });

  it('talks to any OpenAI-compatible server through OPENAI_BASE_URL', async () => {
    const server = await startChatServer([answer('hi from vllm')]);
    try {
      clearModelEnv();
      vi.stubEnv('OPENAI_BASE_URL', server.baseURL);
      const out = await new Agent({ name: 'remote', model: 'vllm:meta-llama/Llama-3.1-8B-Instruct' }).run('hello');
      expect(out.content).toBe('hi from vllm');
      expect(server.requests[0]!.body.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable default Ollama (no OLLAMA_HOST) as MODEL_NOT_CONFIGURED naming OLLAMA_HOST', async () => {
    const provider = resolveModel('ollama:qwen2.5', { retry: { attempts: 1 } }, {});
    const out = await new Agent({ name: 'a', model: provider }).run('hi');
    expect(out.status).toBe('failed');
    expect(out.error?.code).toBe('MODEL_NOT_CONFIGURED');
    expect(out.error?.message).toMatch(/no model reachable at http:\/\/127\.0\.0\.1:11434\/v1; set OLLAMA_HOST/);
  });

  it('a configured but unreachable server is a REMOTE_ERROR naming the address', async () => {
    const server = await startChatServer([]);
    await server.close(); // nothing listens there any more
    const out = await new Agent({ name: 'a', model: resolveModel('compatible:x', { retry: { attempts: 1 } }, { OPENAI_BASE_URL: server.baseURL }) }).run('hi');
    expect(out.error?.code).toBe('REMOTE_ERROR');
    expect(out.error?.message).toContain(`could not reach ${server.baseURL}`);
  });
});

describe('lazy loading', () => {
  it('no module reachable from switchyard/agno imports openai at the top level', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../adapters/agno');
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) {
        const [, typeOnly, specifier] = match;
        if (specifier!.startsWith('.')) {
          if (!typeOnly) visit(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
        } else if (!typeOnly && (specifier === 'openai' || specifier!.startsWith('openai/'))) offenders.push(file);
      }
    };
    visit(resolve(root, 'index.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
    expect(readFileSync(resolve(root, 'models/openai-compatible.ts'), 'utf8')).toContain("import('openai')");
  });
});
