import { appendFileSync } from 'node:fs';
import type { StageContext } from 'switchyard';

/**
 * A release graph shared by the PostgreSQL test and the child process that plays "another machine":
 * build, approve, ship. `ship` appends to the file named in the state so the test can see it ran once.
 */
export function releaseTask() {
  return {
    workflow: { nodes: ['build', 'approve', 'ship'], conditional: { approve: 'approved ? "ship" : "end"' } },
    handlers: {
      build: (state: { version: string }, context: StageContext) => ({ artifact: `app-${state.version}.tgz`, builtBy: process.pid, stage: context.stageId }),
      ship: (state: { artifact: string; ledger: string }) => {
        appendFileSync(state.ledger, `${state.artifact} pid=${process.pid}\n`);
        return { shipped: true, shippedBy: process.pid };
      },
    },
  };
}
