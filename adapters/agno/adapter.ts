import type { OrchestratorAdapter, StageContext, ValidationContext } from 'switchyard/adapter-kit';
import { ERROR_CODES, SwitchyardError } from 'switchyard/adapter-kit';
import type { ErrorCode } from 'switchyard/adapter-kit';
import { isAgentLike, resolveHandler } from 'switchyard/adapter-kit';
import type { AgentLike } from 'switchyard/adapter-kit';
import type { Agent } from './agent.js';
import { registerDeclaredAgents } from './declarations.js';
import { abortError } from './run-helpers.js';
import { contextForwarder, resultValue, runMember } from './runnable.js';
import { agnoTaskSchema } from './task-schema.js';
import type { AgnoTask } from './task-schema.js';
import { Team } from './team.js';
import type { RunOutput } from './types.js';

/**
 * The agno adapter: a stage names one agent (or several, run as a team) registered in code, by a module,
 * or declared in the pipeline's `agents:` map. Its module imports only zod and light files; the `openai`
 * client loads on the first model call.
 */
export function createAdapter(): OrchestratorAdapter<AgnoTask, unknown> {
  return {
    type: 'agno',
    taskSchema: agnoTaskSchema,
    declares: ['agents'],
    async prepare(declarations, ctx) {
      registerDeclaredAgents(declarations.agents, ctx);
    },
    validate: validateTask,
    execute,
    async health() {
      const configured = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'SWITCHYARD_MODEL'].filter((key) => process.env[key]);
      return {
        ok: true,
        detail: configured.length ? `model settings: ${configured.join(', ')}` : 'function agents only: no model configured (set OPENAI_API_KEY, OPENAI_BASE_URL or OLLAMA_HOST)',
      };
    },
  };
}

async function execute(task: AgnoTask, context: StageContext): Promise<unknown> {
  if (context.signal.aborted) throw abortError(context.signal);
  const path = `stages.${context.stageId}.task`;
  const agents = task.agents.map((name) => context.resources.get<unknown>('agent', name));
  // The hub validated the task already; outside a pipeline, a missing name gets the same path-named error.
  if (!agents.every(isAgentLike)) validateTask(task, { path, resources: context.resources, baseDir: context.baseDir });
  const members = agents as AgentLike[];
  const runner = members.length === 1 ? members[0]! : teamFor(task, members, context, path);
  const input = mergeInput(context.input, task.input);
  const output = await runMember(runner, input, { signal: context.signal, context, ...(task.task === undefined ? {} : { task: task.task }) }, contextForwarder(context), false);
  if (context.signal.aborted) throw abortError(context.signal);
  if (output.status !== 'completed') throw failure(output);
  return task.output === 'full' ? JSON.parse(JSON.stringify(output)) : resultValue(output);
}

function teamFor(task: AgnoTask, members: AgentLike[], context: StageContext, path: string): Team {
  const router = task.router;
  return new Team({
    name: task.agents.join('+'),
    members,
    mode: task.mode ?? 'broadcast',
    ...(task.model === undefined ? {} : { model: task.model }),
    ...(router === undefined
      ? {}
      : {
          router: async (input: unknown) => {
            const handler = resolveHandler(router, context.resources, `${path}.router`);
            return String(await handler(input, context));
          },
        }),
  });
}

function failure(output: RunOutput): SwitchyardError {
  const code = output.error?.code;
  const known = code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : 'STAGE_FAILED';
  if (output.status === 'cancelled') return new SwitchyardError(known === 'TIMEOUT' ? 'TIMEOUT' : 'CANCELLED', output.error?.message ?? 'cancelled');
  return new SwitchyardError(known, `agent ${output.agent} failed: ${output.error?.message ?? 'unknown error'}`, { details: { agent: output.agent } });
}

/** The stage input: the hub's input merged with the task's own `input` (objects merge; a non-object stage input is kept under `input`). */
export function mergeInput(stageInput: unknown, taskInput: unknown): unknown {
  if (taskInput === undefined) return stageInput;
  if (stageInput === undefined || stageInput === null) return taskInput;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(stageInput) && isObject(taskInput)) return { ...stageInput, ...taskInput };
  if (isObject(taskInput)) return { input: stageInput, ...taskInput };
  return taskInput;
}

/** Unknown agents, unknown tools of those agents, and team settings that cannot work, each named by path with the known names. */
export function validateTask(task: AgnoTask, ctx: ValidationContext): void {
  const knownAgents = ctx.resources.names('agent');
  task.agents.forEach((name, i) => {
    const path = `${ctx.path}.agents[${i}]`;
    const agent = ctx.resources.get<unknown>('agent', name);
    if (agent === undefined) throw unknownName(path, 'agent', name, knownAgents);
    if (!isAgentLike(agent)) throw new SwitchyardError('INVALID_PIPELINE', `${path}: ${JSON.stringify(name)} is registered but is not an agent (it has no name and run)`, { path });
    // duck-typed: a module loaded through tsx may hold its own copy of the Agent class
    const tools = (agent as Partial<Agent>).options?.tools;
    if (Array.isArray(tools)) {
      tools.forEach((entry: unknown) => {
        if (typeof entry === 'string' && !ctx.resources.has('tool', entry)) {
          throw new SwitchyardError('INVALID_PIPELINE', `${path}: agent ${JSON.stringify(name)} uses tool ${JSON.stringify(entry)}, which is not registered (known tools: ${list(ctx.resources.names('tool'))})`, {
            path,
            expected: 'a registered tool',
            got: entry,
          });
        }
      });
    }
  });
  if (task.agents.length > 1) {
    const mode = task.mode ?? 'broadcast';
    if (mode === 'route' && task.router === undefined && task.model === undefined) {
      throw new SwitchyardError('INVALID_PIPELINE', `${ctx.path}.mode: route needs a router (a registered handler) or a model`, { path: `${ctx.path}.mode` });
    }
    if (mode === 'coordinate' && task.model === undefined) {
      throw new SwitchyardError('INVALID_PIPELINE', `${ctx.path}.model: coordinate needs a model for the leader (or build a Team with a coordinator in code)`, { path: `${ctx.path}.model` });
    }
    if (task.router !== undefined && !ctx.resources.has('handler', task.router)) throw unknownName(`${ctx.path}.router`, 'handler', task.router, ctx.resources.names('handler'));
    if (new Set(task.agents).size !== task.agents.length) throw new SwitchyardError('INVALID_PIPELINE', `${ctx.path}.agents: each agent may appear once`, { path: `${ctx.path}.agents` });
  }
}

function unknownName(path: string, kind: string, name: string, known: readonly string[]): SwitchyardError {
  return new SwitchyardError('INVALID_PIPELINE', `${path}: unknown ${kind} ${JSON.stringify(name)} (known: ${list(known)})`, { path, expected: `a registered ${kind}`, got: name });
}

const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');
