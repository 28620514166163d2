import { describe, expect, it } from 'vitest';
import { Resources } from 'switchyard';
import { SpecGraphCache } from '../../../adapters/langgraph/adapter.js';
import type { ObservedSaver } from '../../../adapters/langgraph/checkpointers.js';
import type { RunnableGraph } from '../../../adapters/langgraph/graph-builder.js';
import { planGraph, type GraphPlan } from '../../../adapters/langgraph/graph-plan.js';
import { langgraphTaskSchema, type LanggraphTask } from '../../../adapters/langgraph/task-schema.js';

const saver = {} as ObservedSaver;
const otherSaver = {} as ObservedSaver;
const resources = new Resources();
resources.set('handler', 'a', () => ({ a: 1 }));
resources.set('handler', 'b', () => ({ b: 2 }));

/** A cache and how many graphs it compiled. */
function cache() {
  const built: GraphPlan[] = [];
  const specGraphs = new SpecGraphCache();
  const get = (task: LanggraphTask, on = saver) =>
    specGraphs.get(task, on, () => planGraph(task, resources, 'stages.s.task'), (plan) => (built.push(plan), { plan } as unknown as RunnableGraph));
  return { get, built };
}

const parse = (task: unknown) => langgraphTaskSchema.parse(task);

describe('compiled spec graphs', () => {
  it('compiles once per task object, and once per equal plan of pure data (the same pipeline validated again)', () => {
    const { get, built } = cache();
    const first = parse({ workflow: { nodes: ['a', 'b'] }, input: { seed: 1 } });
    const again = parse({ workflow: { nodes: ['a', 'b'] }, input: { seed: 2 } });
    expect(get(first)).toBe(get(first));
    expect(get(again)).toBe(get(first));
    expect(built).toHaveLength(1);
    // a different spec, or another saver, is another graph
    get(parse({ workflow: { nodes: ['b', 'a'] } }));
    get(first, otherSaver);
    expect(built).toHaveLength(3);
  });

  it('never shares a graph between tasks whose plans hold functions or agent objects', () => {
    const { get, built } = cache();
    get(parse({ workflow: { nodes: [{ name: 'a', handler: () => 1 }] } }));
    get(parse({ workflow: { nodes: [{ name: 'a', handler: () => 2 }] } }));
    class Agent {
      constructor(readonly name: string) {}
      async run() {
        return { content: this.name };
      }
    }
    // equal as JSON, yet two different agents
    get(parse({ workflow: { nodes: ['a'] }, handlers: { a: new Agent('x') } }));
    get(parse({ workflow: { nodes: ['a'] }, handlers: { a: new Agent('x') } }));
    expect(built).toHaveLength(4);
  });
});
