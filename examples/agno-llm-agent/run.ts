/**
 * An LLM agent with two tools, streamed: `node --import tsx examples/agno-llm-agent/run.ts "Compare Lima and Osaka"`.
 * Needs a model (OPENAI_API_KEY, OPENAI_BASE_URL or OLLAMA_HOST; SWITCHYARD_MODEL picks one, e.g. ollama:qwen2.5).
 * With none configured it says which settings to set and exits with code 2: nothing pretends to be a model.
 */
import { Agent } from 'switchyard/agno';
import { calculate, cityFacts } from './tools.js';

const agent = new Agent({
  name: 'analyst',
  role: 'a careful analyst who uses tools for every figure',
  instructions: 'Look up each city with city_facts and compute differences with calculate. Never guess a number.',
  ...(process.env.SWITCHYARD_MODEL ? { model: process.env.SWITCHYARD_MODEL } : {}),
  tools: [cityFacts, calculate],
  maxToolCalls: 6,
});

const question = process.argv[2] ?? 'How many more people live in Lagos than in Oslo?';
for await (const event of agent.stream(question)) {
  if (event.type === 'content.delta') process.stdout.write(event.delta);
  else if (event.type === 'tool.started') console.log(`\n-> ${event.name}(${JSON.stringify(event.arguments)})`);
  else if (event.type === 'tool.completed') console.log(`<- ${JSON.stringify(event.call.error ?? event.call.result)}`);
  else if (event.type === 'run.completed') console.log(`\n\n[${event.output.toolCalls.length} tool calls, ${event.output.usage?.totalTokens ?? '?'} tokens]`);
  else if (event.type === 'run.failed') {
    console.error(`${event.output.error?.code}: ${event.output.error?.message}`);
    process.exitCode = event.output.error?.code === 'MODEL_NOT_CONFIGURED' ? 2 : 1;
  }
}
