import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { getOrchestratorGuide, recommendOrchestrator, selectOrchestrator } from '../../selector/api.js';
import { profileSummary } from '../../selector/load.js';
import { answer, toolResult } from '../results.js';
import { profileSummarySchema } from '../schemas.js';

const selectInput = z.strictObject({
  taskType: z.string().trim().min(1).describe('The kind of task, e.g. rag_workflow, approval_workflow, batch_job, simple_task.'),
  requiresState: z.boolean().optional().describe('The task keeps state across steps and must recover from failures.'),
  requiresRouting: z.boolean().optional().describe('The task branches on conditions.'),
  requiresScheduling: z.boolean().optional().describe('The task runs on a schedule.'),
});

const selectOutput = z.object({
  type: z.string().describe('The orchestrator chosen: agno, langgraph, llamaindex, prefect, or a registered one.'),
  rule: z.enum(['task-type', 'task-type-words', 'capabilities', 'precedence', 'default']).describe('The rule that decided.'),
  rulePath: z.array(z.string()).describe('Every rule tried, in order, with its outcome; the last names the winner.'),
});

const recommendInput = z.strictObject({
  description: z.string().trim().min(1).describe('What the task does, in plain words, e.g. "Need to analyze documents and get approval".'),
});

const recommendOutput = z.object({
  type: z.string().describe('The recommended orchestrator.'),
  profile: profileSummarySchema,
  confidence: z.number().describe('0..1: how clearly it won (0 when nothing matched and the default was used).'),
  score: z.number(),
  reasons: z.array(z.object({ type: z.string(), intent: z.string(), label: z.string(), match: z.string(), weight: z.number() })).describe('Which words matched which intent.'),
  alternatives: z.array(z.object({ type: z.string(), score: z.number(), confidence: z.number() })).describe('The other engines, best first.'),
  plan: z
    .array(z.object({ order: z.number(), type: z.string(), intent: z.string(), label: z.string(), text: z.string() }))
    .optional()
    .describe('For a description with several intents: one stage per engine, in order.'),
});

const guideOutput = z.object({
  guide: z.record(z.string(), z.string()).describe('Task -> orchestrator, e.g. { "RAG pipeline": "llamaindex" }.'),
});

/** select_orchestrator, recommend_orchestrator, get_orchestrator_guide: seed 002's three selector functions. */
export function registerSelectorTools(server: McpServer): void {
  server.registerTool(
    'select_orchestrator',
    {
      title: 'Select an orchestrator',
      description:
        'Picks the orchestration engine for a task type and its requirements with the deterministic decision tree (task type, its words, capabilities, precedence scheduling > state > routing, default agno) and says which rules decided.',
      inputSchema: selectInput,
      outputSchema: selectOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      answer(() => {
        const decision = selectOrchestrator(args);
        return toolResult(selectOutput, decision, `${decision.type} (rule ${decision.rule})`);
      }),
  );

  server.registerTool(
    'recommend_orchestrator',
    {
      title: 'Recommend an orchestrator',
      description:
        'Recommends the orchestration engine for a task described in plain words (offline and deterministic), with the matched words, the alternatives, and a multi-stage plan when the description has several intents.',
      inputSchema: recommendInput,
      outputSchema: recommendOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ description }) =>
      answer(() => {
        const recommendation = recommendOrchestrator(description);
        const summary = `${recommendation.type}, confidence ${recommendation.confidence.toFixed(2)}${recommendation.plan ? `; plan: ${recommendation.plan.map((s) => s.type).join(' -> ')}` : ''}`;
        return toolResult(recommendOutput, { ...recommendation, profile: profileSummary(recommendation.profile) }, summary);
      }),
  );

  server.registerTool(
    'get_orchestrator_guide',
    {
      title: 'Orchestrator quick reference',
      description: "The quick-reference guide: which orchestrator fits which kind of task (seed 002's twelve entries, plus registered engines').",
      inputSchema: z.strictObject({}),
      outputSchema: guideOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      answer(() => {
        const guide = getOrchestratorGuide();
        return toolResult(guideOutput, { guide }, `${Object.keys(guide).length} entries`);
      }),
  );
}
