import { closest, distance } from 'fastest-levenshtein';

/**
 * ` (did you mean "langgraph"?)` when one of `candidates` is close enough to `got` to be a typo, else ''.
 * Shared by every "unknown X" error (pipeline keys and types, profiles, orchestrator types).
 */
export function didYouMean(got: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(got, [...candidates]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(got.toLowerCase(), best.toLowerCase()) <= limit ? ` (did you mean ${JSON.stringify(best)}?)` : '';
}
