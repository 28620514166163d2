import { afterAll } from 'vitest';
import { Resources } from 'switchyard';
import { Agent, functionAgent, openAICompatible } from 'switchyard/agno';
import { describeAdapterConformance } from 'switchyard/adapter-kit/conformance';
import { answer, startChatServer } from '../helpers/chat-server.js';

// The slow task is a model agent whose chat-completions server answers only after 10 s, so
// cancellation and timeouts abort a real HTTP call made by the openai client.
const server = await startChatServer(Array.from({ length: 20 }, () => ({ ...answer('too late'), delayMs: 10_000 })));
afterAll(() => server.close());

describeAdapterConformance('agno', async () => (await import('switchyard/agno')).createAdapter(), {
  validTask: { agents: ['summariser'], task: 'Summarise', input: { text: 'Switchyard routes stages to engines.' } },
  invalidTask: { agents: 'summariser' },
  slowTask: { agents: ['slow-model'], task: 'Take your time' },
  input: { lang: 'en' },
  resources: () => {
    const r = new Resources();
    r.set('agent', 'summariser', functionAgent('summariser', (input: { text: string; lang: string }) => ({ summary: input.text.split(' ').slice(0, 3).join(' '), lang: input.lang })));
    r.set('agent', 'slow-model', new Agent({ name: 'slow-model', model: openAICompatible({ baseURL: server.baseURL, model: 'slow', apiKey: 'k', retry: { attempts: 1 } }) }));
    return r;
  },
});
