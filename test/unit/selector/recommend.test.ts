import { describe, expect, it } from 'vitest';
import { OrchestratorSelector, SwitchyardError, recommend, recommendOrchestrator, recommend_orchestrator } from 'switchyard';
import { evaluateRecommender, formatReport, loadEvalItems } from '../../../scripts/eval-recommend.js';

const selector = new OrchestratorSelector();

describe('recommend(): seed 002', () => {
  it('"Need to analyze documents and get approval" -> llamaindex with its profile', () => {
    const result = recommendOrchestrator('Need to analyze documents and get approval');
    expect(result.type).toBe('llamaindex');
    expect(result.profile.type).toBe('llamaindex');
    expect(result.profile.name).toBe('LlamaIndex');
  });

  it('suggests a plan: analyze documents with llamaindex, then approval with langgraph', () => {
    const { plan } = selector.recommend('Need to analyze documents and get approval');
    expect(plan?.map((s) => [s.order, s.type, s.intent])).toEqual([
      [1, 'llamaindex', 'document-analysis'],
      [2, 'langgraph', 'approval'],
    ]);
    expect(plan?.[0]?.text).toBe('Need to analyze documents');
    expect(plan?.[1]?.text).toBe('get approval');
  });

  it('explains itself: reasons name the words, the intent and the engine', () => {
    const result = selector.recommend('Need to analyze documents and get approval');
    expect(result.reasons).toContainEqual({ type: 'llamaindex', intent: 'document-analysis', label: 'analyze documents', match: 'documents', weight: 2.5 });
    expect(result.reasons).toContainEqual(expect.objectContaining({ type: 'langgraph', intent: 'approval', match: 'get approval' }));
    expect(result.alternatives.map((a) => a.type)).toEqual(['langgraph', 'agno', 'prefect']);
    expect(result.alternatives[0]!.score).toBeLessThan(result.score);
    expect(result.confidence).toBeGreaterThan(result.alternatives[0]!.confidence);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });
});

describe('recommend(): behaviour', () => {
  it('is deterministic', () => {
    const text = 'every night copy the orders into the warehouse, then have finance sign off';
    expect(JSON.stringify(selector.recommend(text))).toBe(JSON.stringify(new OrchestratorSelector().recommend(text)));
  });

  it('orders plan stages by "after" as well as by position', () => {
    const plan = selector.recommend('Publish the summary of the PDF reports after a manager approves it').plan;
    expect(plan?.map((s) => s.type)).toEqual(['langgraph', 'llamaindex']);
  });

  it('plans three stages across three engines, in the order described', () => {
    const result = selector.recommend('Search the contracts for risky clauses, have legal sign off on the changes, then every night sync the results into the warehouse');
    expect(result.plan?.map((s) => [s.order, s.type, s.intent, s.text])).toEqual([
      [1, 'llamaindex', 'document-analysis', 'Search the contracts for risky clauses'],
      [2, 'langgraph', 'approval', 'have legal sign off on the changes'],
      [3, 'prefect', 'scheduling', 'every night sync the results into the warehouse'],
    ]);
  });

  it('merges neighbouring clauses of the same engine and gives no plan for one intent', () => {
    const result = selector.recommend('Index the PDFs, and search the wiki for the relevant passages');
    expect(result.type).toBe('llamaindex');
    expect(result.plan).toBeUndefined();
  });

  it('ignores negated words', () => {
    const plain = selector.recommend('summarize an email, no approval needed and nothing scheduled');
    expect(plain.type).toBe('agno');
    expect(plain.reasons.some((r) => r.type === 'langgraph' || r.type === 'prefect')).toBe(false);
  });

  it('falls back to the default engine with zero confidence when nothing matches', () => {
    const result = selector.recommend('zxqv blorp');
    expect(result).toMatchObject({ type: 'agno', confidence: 0, score: 0, reasons: [] });
  });

  it('stems: inflections match the same intent', () => {
    expect(selector.recommend('scheduling').type).toBe('prefect');
    expect(selector.recommend('approvals').type).toBe('langgraph');
    expect(selector.recommend('retrieving passages').type).toBe('llamaindex');
  });

  it('rejects an empty description', () => {
    expect(() => selector.recommend('   ')).toThrow(SwitchyardError);
    expect(() => recommend('')).toThrow(/description: expected a non-empty description/);
  });

  it('has the seed alias', () => {
    expect(recommend_orchestrator('nightly ETL into the warehouse').type).toBe('prefect');
  });
});

describe('recommend(): evaluation set', () => {
  const items = loadEvalItems();

  it('has at least 150 labeled descriptions, balanced over the four engines', () => {
    expect(items.length).toBeGreaterThanOrEqual(150);
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.expected, (counts.get(item.expected) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['agno', 'langgraph', 'llamaindex', 'prefect']);
    const values = [...counts.values()];
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(2);
    expect(new Set(items.map((i) => i.text.toLowerCase())).size).toBe(items.length);
  });

  it('is mostly worded without the profiles\' own words', () => {
    const report = evaluateRecommender(items, selector);
    expect(report.withoutProfileWords / report.total).toBeGreaterThan(0.5);
  });

  it('reaches at least 90% top-1 accuracy', () => {
    const report = evaluateRecommender(items, selector);
    expect(report.accuracy, formatReport(report, true)).toBeGreaterThanOrEqual(0.9);
    // the holdout half was never used to tune the vocabulary; it must clear the bar on its own too
    expect(report.bySplit.holdout!.accuracy, formatReport(report, true)).toBeGreaterThanOrEqual(0.9);
  });
});
