import { z } from 'zod';
import type { ResourceRegistry } from 'switchyard';
import { tool } from 'switchyard/agno';

const CITIES: Readonly<Record<string, { country: string; population: number }>> = {
  oslo: { country: 'Norway', population: 717_710 },
  lagos: { country: 'Nigeria', population: 15_388_000 },
  lima: { country: 'Peru', population: 10_151_200 },
  osaka: { country: 'Japan', population: 2_752_000 },
};

export const cityFacts = tool({
  name: 'city_facts',
  description: 'Country and population of a city (Oslo, Lagos, Lima, Osaka)',
  parameters: z.object({ city: z.string().describe('city name, any case') }),
  execute: ({ city }) => {
    const facts = CITIES[city.trim().toLowerCase()];
    if (!facts) throw new Error(`no facts for ${city}; known: ${Object.keys(CITIES).join(', ')}`);
    return { city, ...facts };
  },
});

export const calculate = tool({
  name: 'calculate',
  description: 'Exact arithmetic on two numbers',
  parameters: z.object({ op: z.enum(['add', 'subtract', 'multiply', 'divide']), a: z.number(), b: z.number() }),
  execute: ({ op, a, b }) => {
    if (op === 'divide' && b === 0) throw new Error('division by zero');
    return { result: op === 'add' ? a + b : op === 'subtract' ? a - b : op === 'multiply' ? a * b : a / b };
  },
  timeoutMs: 1_000,
});

export default function register(registry: ResourceRegistry): void {
  registry.set('tool', cityFacts.name, cityFacts);
  registry.set('tool', calculate.name, calculate);
}
