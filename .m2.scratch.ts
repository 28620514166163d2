import { functionAgent } from 'switchyard/agno';
import { createTestContext } from 'switchyard/testing';
import { nsPerCall } from './bench/record.js';
const agent = functionAgent('inc', (input: { n: number }) => ({ n: input.n + 1 }));
const ctx = createTestContext({ input: { n: 1 }, engine: 'agno' });
const noop = { ...ctx, emit() {} };
const m = (fn: () => unknown) => nsPerCall(fn, { iterations: 50000, rounds: 5 });
for (let i = 0; i < 3; i++) {
console.log('run', await m(() => agent.run({ n: 1 })));
console.log('run+signal', await m(() => agent.run({ n: 1 }, { signal: ctx.signal })));
console.log('run+ctx(noop emit)', await m(() => agent.run({ n: 1 }, { context: noop })));
console.log('raw promise', await m(async () => { const p = new Promise((r) => Promise.resolve(1).then(r)); await p; }));
}
