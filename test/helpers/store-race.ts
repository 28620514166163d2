/**
 * One of several processes racing on a shared run store: `node --import tsx store-race.ts JSON` with
 * `{ mode: 'lease' | 'slots', home?, url?, schema?, runId?, scheduleId?, slots?, ttlMs? }`.
 * Opens the store, prints `ready`, waits for a line on stdin (the parent sends it to every racer at once), then
 * acquires the run's lease (`lease`) or claims each slot (`slots`) and prints the outcome as one JSON line.
 */
import { createInterface } from 'node:readline';
import { leaseOwner, openRunStore } from '../../src/store/index.js';

interface RaceArgs {
  readonly mode: 'lease' | 'slots';
  readonly home?: string;
  readonly url?: string;
  readonly schema?: string;
  readonly runId?: string;
  readonly scheduleId?: string;
  readonly slots?: readonly string[];
  readonly ttlMs?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as RaceArgs;
const store = await openRunStore({ ...(args.home ? { home: args.home } : {}), ...(args.url ? { url: args.url } : {}), ...(args.schema ? { schema: args.schema } : {}) });
const owner = leaseOwner();
try {
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();
  if (args.mode === 'lease') {
    const outcome = await store.acquireLease(args.runId!, { owner, ttlMs: args.ttlMs ?? 60_000 });
    process.stdout.write(`${JSON.stringify({ owner, pid: process.pid, outcome })}\n`);
  } else {
    const won: string[] = [];
    for (const slot of args.slots ?? []) if (await store.claimScheduleSlot(args.scheduleId!, slot, owner)) won.push(slot);
    process.stdout.write(`${JSON.stringify({ owner, pid: process.pid, won })}\n`);
  }
} finally {
  await store.close();
}
