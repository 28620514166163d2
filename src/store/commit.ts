import type { RunCommit, RunStore } from './types.js';

/**
 * Writes a durable point of a run through `store.commit` (one transaction where the store has it), else with the
 * store's single-record calls, made in the order `RunCommit` names and awaited together.
 */
export function commitRun(store: RunStore, commit: RunCommit): Promise<void> {
  if (typeof store.commit === 'function') return store.commit(commit);
  const { runId } = commit;
  const writes: Promise<void>[] = [];
  if (commit.stage) writes.push(store.saveStage(commit.stage));
  for (const entry of commit.history ?? []) writes.push(store.appendHistory(runId, entry));
  if (commit.approval) writes.push(store.saveApproval(commit.approval));
  if (commit.events?.length) writes.push(store.appendEvents(commit.events));
  if (commit.run) writes.push(store.updateRun(runId, commit.run));
  return Promise.all(writes).then(() => undefined);
}
