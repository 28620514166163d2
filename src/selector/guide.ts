import type { OrchestratorProfile } from '../profiles/schema.js';

/** Seed 002's quick-reference guide (task -> orchestrator type), built from the profiles' `guide` entries by rank. */
export function buildGuide(profiles: readonly OrchestratorProfile[]): Record<string, string> {
  const entries: { task: string; rank: number; type: string; order: number }[] = [];
  let order = 0;
  for (const profile of profiles) {
    for (const entry of profile.guide ?? []) entries.push({ task: entry.task, rank: entry.rank, type: profile.type, order: order++ });
  }
  entries.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const guide: Record<string, string> = {};
  for (const entry of entries) if (!(entry.task in guide)) guide[entry.task] = entry.type;
  return guide;
}
