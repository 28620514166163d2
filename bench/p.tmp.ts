import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter } from 'switchyard';
const noop = defineAdapter({ type: 'noop', taskSchema: z.object({}), execute: async () => null });
const pipeline = { name: 'bench', stages: Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, type: 'noop', task: {} })) };
for (let r = 0; r < 10; r++) {
  const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { noop }, sinks: [{ handle: () => {} }] });
  const ready = await hub.validate(pipeline);
  for (let i = 0; i < 50; i++) await hub.run(ready);
}
