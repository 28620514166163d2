/**
 * Offline function-agent pipeline: `node --import tsx examples/agno-function-agents/run.ts`
 * (or `switchyard run examples/agno-function-agents/pipeline.yaml --input '{"requirements":["About me","Projects"]}'`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HybridOrchestrator } from 'switchyard';

const pipeline = fileURLToPath(new URL('./pipeline.yaml', import.meta.url));
const home = process.env.SWITCHYARD_HOME ?? mkdtempSync(join(tmpdir(), 'switchyard-agno-'));
const hub = new HybridOrchestrator({ home });
const result = await hub.run(pipeline, { input: { requirements: ['About me', 'Projects', 'Contact'] } });

console.log(`run ${result.runId}: ${result.status} in ${result.durationMs.toFixed(0)} ms`);
for (const stage of result.stages) console.log(`  ${stage.id.padEnd(7)} ${stage.status}`);
console.log(JSON.stringify(result.output, null, 2));
process.exitCode = result.status === 'completed' ? 0 : 1;
