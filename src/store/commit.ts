import type { RunCommit, RunStore } from './types.js';

/**
 * Writes a durable point of a run through `store.commit` (one transaction where the store has it), else with the
 * store's single-record calls, one after another in the order `RunCommit` names: a pooled store (PostgreSQL) would
 * otherwise let two history entries of one commit land in either order.
 */
export async function commitRun(store: RunStore, commit: RunCommit): Promise<void> {
  if (typeof store.commit === 'function') return store.commit(commit);
  const { runId } = commit;
  if (commit.stage) await store.saveStage(commit.stage);
  for (const entry of commit.history ?? []) await store.appendHistory(runId, entry);
  if (commit.approval) await store.saveApproval(commit.approval);
  if (commit.events?.length) await store.appendEvents(commit.events);
  if (commit.run) await store.updateRun(runId, commit.run);
}
