import { z } from 'zod';
import type { ValidationContext } from 'switchyard/adapter-kit';
import { SwitchyardError, collectDeprecations } from 'switchyard/adapter-kit';
import { resolveHandler } from 'switchyard/adapter-kit';
import { Agent } from './agent.js';
import { FunctionAgent } from './function-agent.js';
import { declaredAgentsSchema } from './task-schema.js';
import type { DeclaredAgent } from './task-schema.js';

/**
 * Validates a pipeline's `agents:` map and registers each entry as an 'agent' resource:
 * a model agent (tools resolved by name when it runs) or, with `handler`, a function agent.
 */
export function registerDeclaredAgents(declared: unknown, ctx: ValidationContext): string[] {
  if (declared === undefined) return [];
  const parsed = declaredAgentsSchema.safeParse(declared);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['agents', ...issue.path.map(String)].join('.');
    throw new SwitchyardError('INVALID_PIPELINE', `${path}: ${issue.message}`, { path, details: { issues: parsed.error.issues.map((i) => ({ path: ['agents', ...i.path.map(String)].join('.'), message: i.message })) } });
  }
  // `retries: 2` is translated by the schema; the warning names the agent (`agents.writer.retries: deprecated, ...`).
  for (const deprecation of collectDeprecations(parsed.data, 'agents')) ctx.warn?.(deprecation);
  const names: string[] = [];
  for (const [name, spec] of Object.entries(parsed.data)) {
    ctx.resources.set('agent', name, toAgent(name, spec));
    names.push(name);
  }
  return names;
}

function toAgent(name: string, spec: DeclaredAgent): Agent | FunctionAgent {
  if (spec.handler) {
    const handlerName = spec.handler;
    return new FunctionAgent({
      name,
      ...(spec.role ? { role: spec.role } : {}),
      ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
      ...(spec.outputSchema ? { outputSchema: toValidator(spec.outputSchema, `agents.${name}.outputSchema`) } : {}),
      executor: (input, fctx) => {
        if (!fctx.context) throw new SwitchyardError('INVALID_PIPELINE', `agent ${name}: handler ${handlerName} needs a pipeline stage context`);
        return resolveHandler(handlerName, fctx.context.resources, `agents.${name}.handler`)(input, fctx.context);
      },
    });
  }
  return new Agent({
    name,
    ...(spec.role ? { role: spec.role } : {}),
    ...(spec.instructions ? { instructions: spec.instructions } : {}),
    ...(spec.model ? { model: spec.model } : {}),
    ...(spec.tools ? { tools: spec.tools } : {}),
    ...(spec.outputSchema ? { outputSchema: toValidator(spec.outputSchema, `agents.${name}.outputSchema`) } : {}),
    ...(spec.maxToolCalls ? { maxToolCalls: spec.maxToolCalls } : {}),
    ...(spec.retry === undefined ? {} : { retry: spec.retry }),
    ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.temperature === undefined ? {} : { temperature: spec.temperature }),
  });
}

/** JSON Schema from a pipeline file -> a zod validator (zod 4's `z.fromJSONSchema`). */
export function toValidator(schema: Record<string, unknown>, path: string): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected a JSON Schema zod can convert; ${(error as Error).message}`, { path, cause: error });
  }
}
