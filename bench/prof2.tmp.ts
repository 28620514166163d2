import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, type RunStore } from 'switchyard';
const noop = defineAdapter({ type: 'noop', taskSchema: z.object({}), execute: async () => null });
const pipeline = { name: 'bench', stages: Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, type: 'noop', task: {} })) };
const nullStore = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : async () => undefined) }) as RunStore;
for (const [label, make] of [['null store', () => nullStore], ['memory', () => new MemoryRunStore()]] as const) {
  for (let r = 0; r < 5; r++) {
    const hub = new HybridOrchestrator({ store: make(), builtins: false, adapters: { noop }, sinks: [{ handle: () => {} }] });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await hub.run(pipeline);
    const v = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 50; i++) await hub.validate(pipeline);
    console.log(label, ((v) / 50 / 100 * 1000).toFixed(1), 'us/stage run;', ((performance.now() - t1) / 50 / 100 * 1000).toFixed(1), 'validate');
  }
}
