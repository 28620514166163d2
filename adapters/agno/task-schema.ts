import { z } from 'zod';
import { describeRetry, markDeprecated, retrySchema, durationMs } from 'switchyard/adapter-kit';
import { TEAM_MODES } from './team-modes.js';

/** An agno stage's task: seed 002's `{ agents: ["implementer"], task?: "...", input?: {...} }`. */
export const agnoTaskSchema = z
  .object({
    agents: z.array(z.string().min(1)).min(1).describe('names of registered or declared agents; several run as a team'),
    task: z.string().optional().describe('what to do, given to the agents with the input'),
    input: z.unknown().optional().describe('merged over the stage input (objects merge; the task input wins on a clash)'),
    mode: z.enum(TEAM_MODES).optional().describe('how several agents run: broadcast (default), sequential, route or coordinate'),
    model: z.string().optional().describe('the model that routes or leads a team in route or coordinate mode'),
    router: z.string().optional().describe('name of a registered handler that returns the member name, for route mode'),
    output: z.enum(['content', 'full']).optional().describe('content (default): the answer (structured output when there is one); full: the whole run output'),
  })
  .strict();

export type AgnoTask = z.infer<typeof agnoTaskSchema>;

/** One entry of a pipeline's top-level `agents:` map. */
export const declaredAgentSchema = z
  .object({
    role: z.string().optional(),
    instructions: z.union([z.string(), z.array(z.string())]).optional(),
    model: z.string().optional().describe('provider:model, e.g. openai:gpt-4o-mini or ollama:qwen2.5'),
    tools: z.array(z.string().min(1)).optional().describe('names of tools registered by the modules'),
    outputSchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the structured answer'),
    handler: z.string().min(1).optional().describe('a registered handler to run as a function agent instead of a model'),
    maxToolCalls: z.number().int().positive().optional(),
    retry: retrySchema.optional().describe('retries of each model call on 429, 5xx and connection errors (default { attempts: 3 }); a server\'s Retry-After is honoured up to maxDelayMs'),
    /** @deprecated `retry: { attempts: retries + 1 }`; translated with a warning for one release. */
    retries: z.number().int().min(0).max(10).optional(),
    timeoutMs: durationMs().optional().describe('each model call (a model agent) or the whole run (a handler agent), inside the stage\'s own timeoutMs'),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict()
  .refine((a) => !(a.handler && (a.model || a.tools || a.instructions)), { message: 'a handler agent takes no model, tools or instructions', path: ['handler'] })
  .transform(({ retries, ...agent }) => {
    if (retries === undefined) return agent;
    const retry = agent.retry ?? { attempts: retries + 1 };
    return markDeprecated({ ...agent, retry }, 'retries', `deprecated, use retry: ${describeRetry(retry)}`, 'agno.retries');
  });

export const declaredAgentsSchema = z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . or -'), declaredAgentSchema);

/** A parsed entry: `retries` is already translated to `retry`. */
export type DeclaredAgent = z.output<typeof declaredAgentSchema>;
