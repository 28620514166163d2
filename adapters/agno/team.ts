import { z } from 'zod';
import type { AgentLike } from 'switchyard/adapter-kit';
import { SwitchyardError, invalidInput } from 'switchyard/adapter-kit';
import { Agent } from './agent.js';
import { parseStructured } from './agent.js';
import { EXECUTE, resultValue, runMember, TopLevelRunnable } from './runnable.js';
import { NEVER_ABORTED, abortError, addUsage, runError, throwIfAborted, toText } from './run-helpers.js';
import type { EventListener } from './run-helpers.js';
import { tool } from './tool.js';
import { resolveModel } from './models/resolve-model.js';
import type { ModelSpec } from './models/resolve-model.js';
import type { ModelProvider } from './models/types.js';
import type { RunOptions, RunOutput, Runnable, ToolCallRecord, Usage } from './types.js';

import { TEAM_MODES } from './team-modes.js';
import type { TeamMode } from './team-modes.js';

export { TEAM_MODES };
export type { TeamMode };

export interface TeamRouteContext {
  readonly members: readonly AgentLike[];
  readonly task?: string | undefined;
}

export interface TeamCoordinateContext {
  readonly members: readonly AgentLike[];
  readonly signal: AbortSignal;
  readonly task?: string | undefined;
  /** Runs one member; a failed member comes back as a failed output, not a throw. */
  delegate(member: string, input: unknown, task?: string): Promise<RunOutput>;
}

export interface TeamOptions {
  readonly name: string;
  readonly role?: string;
  readonly members: readonly AgentLike[];
  /**
   * `route`: one member answers, chosen by `router` or by the model.
   * `coordinate`: a leader (`coordinator` in code, or a model) delegates to members and combines.
   * `broadcast`: every member runs in parallel; results are gathered and failed members reported.
   * `sequential`: each member gets the previous member's result. Default `broadcast`.
   */
  readonly mode?: TeamMode;
  readonly router?: (input: unknown, team: TeamRouteContext) => string | AgentLike | Promise<string | AgentLike>;
  readonly coordinator?: (input: unknown, team: TeamCoordinateContext) => unknown;
  /** The model that routes or leads when no function is given. */
  readonly model?: ModelSpec;
  readonly instructions?: string;
  /** Most delegations a model leader may make. Default 10. */
  readonly maxDelegations?: number;
}

/** A group of agents run in one of four modes; a Team is itself agent-like, so teams nest and bind to graph nodes. */
/** What a team mode gets from the run that drives it. */
interface ModeTools {
  /** Runs a member, recording its output among the team's members. */
  readonly memberRun: (member: AgentLike, input: unknown, task?: string) => Promise<RunOutput>;
  /** Keeps partial results (tool calls) for the failure report. */
  readonly note: (more: Partial<RunOutput>) => void;
  /** Runs the coordinating model agent with the team's listener. */
  readonly lead: (leader: Agent) => Promise<RunOutput>;
}

export class Team extends TopLevelRunnable implements Runnable {
  readonly name: string;
  readonly role: string | undefined;
  readonly mode: TeamMode;
  readonly members: readonly AgentLike[];
  readonly #options: TeamOptions;
  #router: ModelProvider | undefined;

  constructor(options: TeamOptions) {
    super();
    if (typeof options?.name !== 'string' || options.name.length === 0) throw invalidInput('team.name', 'a non-empty string', options?.name);
    if (!Array.isArray(options.members) || options.members.length === 0) throw invalidInput(`team(${options.name}).members`, 'at least one agent', options.members);
    const mode = options.mode ?? 'broadcast';
    if (!TEAM_MODES.includes(mode)) throw invalidInput(`team(${options.name}).mode`, TEAM_MODES.join(' | '), mode);
    const names = new Set<string>();
    for (const [i, member] of options.members.entries()) {
      if (typeof member?.run !== 'function') throw invalidInput(`team(${options.name}).members[${i}]`, 'an agent', member);
      if (names.has(member.name)) throw invalidInput(`team(${options.name}).members[${i}].name`, 'a name unique in the team', member.name);
      names.add(member.name);
    }
    if (mode === 'route' && !options.router && options.model === undefined) throw invalidInput(`team(${options.name}).router`, 'a router function or a model for mode route');
    if (mode === 'coordinate' && !options.coordinator && options.model === undefined) throw invalidInput(`team(${options.name}).coordinator`, 'a coordinator function or a model for mode coordinate');
    this.name = options.name;
    this.role = options.role;
    this.mode = mode;
    this.members = options.members;
    this.#options = options;
  }

  async [EXECUTE](input: unknown, options: RunOptions, emit: EventListener | undefined, streaming: boolean): Promise<RunOutput> {
    const started = performance.now();
    emit?.({ type: 'run.started', agent: this.name });
    const members: RunOutput[] = [];
    const memberRun = async (member: AgentLike, memberInput: unknown, task = options.task) => {
      const output = await runMember(member, memberInput, { ...options, ...(task === undefined ? {} : { task }) }, emit, streaming);
      members.push(output);
      return output;
    };
    let partial: Partial<RunOutput> = {};
    try {
      throwIfAborted(options.signal);
      const lead = (leader: Agent) => leader[EXECUTE](input, options, emit, streaming);
      const result = await this.#byMode(input, options, { memberRun, note: (more) => (partial = { ...partial, ...more }), lead });
      throwIfAborted(options.signal);
      const output: RunOutput = { ...result, agent: this.name, members, usage: sumUsage(members, result.usage), durationMs: performance.now() - started };
      emit?.({ type: output.status === 'completed' ? 'run.completed' : 'run.failed', agent: this.name, output });
      return output;
    } catch (error) {
      const failure = options.signal?.aborted ? runError(abortError(options.signal)) : runError(error);
      const output: RunOutput = { agent: this.name, status: failure.status, content: null, toolCalls: partial.toolCalls ?? [], members, error: failure.error, durationMs: performance.now() - started };
      emit?.({ type: 'run.failed', agent: this.name, output });
      return output;
    }
  }

  async #byMode(
    input: unknown,
    options: RunOptions,
    { memberRun, note, lead }: ModeTools,
  ): Promise<Omit<RunOutput, 'agent' | 'durationMs'>> {
    switch (this.mode) {
      case 'broadcast': {
        const outputs = await Promise.all(this.members.map((member) => memberRun(member, input)));
        throwIfAborted(options.signal);
        const results: Record<string, unknown> = {};
        const failed: { agent: string; code: string; message: string }[] = [];
        for (const out of outputs) {
          if (out.status === 'completed') results[out.agent] = resultValue(out);
          else failed.push({ agent: out.agent, code: out.error?.code ?? 'STAGE_FAILED', message: out.error?.message ?? out.status });
        }
        const content = { results, failed };
        if (failed.length === outputs.length) {
          return { status: 'failed', content, toolCalls: [], error: { code: 'STAGE_FAILED', message: `every member of team ${this.name} failed: ${failed.map((f) => `${f.agent}: ${f.message}`).join('; ')}` } };
        }
        return { status: 'completed', content, toolCalls: [] };
      }
      case 'sequential': {
        let value = input;
        let last: RunOutput | undefined;
        for (const member of this.members) {
          last = await memberRun(member, value);
          if (last.status !== 'completed') return { status: last.status, content: null, toolCalls: [], ...(last.error ? { error: last.error } : {}) };
          value = resultValue(last);
        }
        return { status: 'completed', content: last!.content, ...(last!.structured === undefined ? {} : { structured: last!.structured }), toolCalls: [] };
      }
      case 'route': {
        const { member, usage } = await this.#route(input, options);
        const out = await memberRun(member, input);
        return { status: out.status, content: out.content, ...(out.structured === undefined ? {} : { structured: out.structured }), toolCalls: [], ...(usage ? { usage } : {}), ...(out.error ? { error: out.error } : {}) };
      }
      case 'coordinate':
        return this.#coordinate(input, options, { memberRun, note, lead });
    }
  }

  #member(name: string): AgentLike {
    const member = this.members.find((m) => m.name === name);
    if (!member) throw new SwitchyardError('STAGE_FAILED', `team ${this.name}: no member named ${JSON.stringify(name)} (members: ${this.members.map((m) => m.name).join(', ')})`);
    return member;
  }

  async #route(input: unknown, options: RunOptions): Promise<{ member: AgentLike; usage?: Usage | undefined }> {
    const { router, model, instructions } = this.#options;
    if (router) {
      const choice = await router(input, { members: this.members, task: options.task });
      return { member: typeof choice === 'string' ? this.#member(choice) : choice };
    }
    const provider = (this.#router ??= resolveModel(model));
    const names = this.members.map((m) => m.name);
    const schema = { type: 'object', properties: { member: { type: 'string', enum: names } }, required: ['member'], additionalProperties: false };
    const roster = this.members.map((m) => `- ${m.name}${(m as Runnable).role ? `: ${(m as Runnable).role}` : ''}`).join('\n');
    const response = await provider.complete({
      messages: [
        { role: 'system', content: `You route requests for team ${this.name}. ${instructions ?? ''}\nMembers:\n${roster}\nAnswer with only JSON: {"member": "<name>"}.` },
        { role: 'user', content: options.task === undefined ? toText(input) : `${options.task}\n\nInput:\n${toText(input)}` },
      ],
      responseFormat: { name: 'route', schema },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = response.content ?? '';
    const parsed = parseStructured(text, z.object({ member: z.string() }));
    const chosen = parsed.ok ? (parsed.value as { member: string }).member : names.find((n) => text.includes(n));
    if (!chosen) throw new SwitchyardError('ENGINE_ERROR', `team ${this.name}: the router model named no member (answer: ${JSON.stringify(text.slice(0, 200))})`);
    return { member: this.#member(chosen), usage: response.usage };
  }

  async #coordinate(
    input: unknown,
    options: RunOptions,
    { memberRun, note, lead }: ModeTools,
  ): Promise<Omit<RunOutput, 'agent' | 'durationMs'>> {
    const { coordinator, model, instructions, maxDelegations } = this.#options;
    if (coordinator) {
      const content = await coordinator(input, {
        members: this.members,
        signal: options.signal ?? NEVER_ABORTED,
        task: options.task,
        delegate: (name, memberInput, task) => memberRun(this.#member(name), memberInput, task),
      });
      return { status: 'completed', content: content === undefined ? null : content, toolCalls: [] };
    }
    const names = this.members.map((m) => m.name) as [string, ...string[]];
    const delegate = tool({
      name: 'delegate',
      description: 'Give a task to one team member and get its answer. Calls in the same turn run in parallel.',
      parameters: z.object({ member: z.enum(names).describe('the member to ask'), task: z.string().describe('what the member should do') }),
      timeoutMs: 24 * 60 * 60 * 1000,
      execute: async ({ member, task }) => {
        const out = await memberRun(this.#member(member), input, task);
        if (out.status !== 'completed') throw new Error(`${member} ${out.status}: ${out.error?.message ?? ''}`);
        return resultValue(out);
      },
    });
    const roster = this.members.map((m) => `- ${m.name}${(m as Runnable).role ? `: ${(m as Runnable).role}` : ''}`).join('\n');
    const leader = new Agent({
      name: `${this.name}-leader`,
      role: `the leader of team ${this.name}`,
      instructions: `${instructions ?? ''}\nDelegate work to your members with the delegate tool, then combine their answers into one reply.\nMembers:\n${roster}`.trim(),
      ...(model === undefined ? {} : { model }),
      tools: [delegate],
      maxToolCalls: maxDelegations ?? 10,
    });
    const out = await lead(leader);
    note({ toolCalls: out.toolCalls });
    const toolCalls: ToolCallRecord[] = [...out.toolCalls];
    return {
      status: out.status,
      content: out.content,
      toolCalls,
      ...(out.usage ? { usage: out.usage } : {}),
      ...(out.error ? { error: out.error } : {}),
    };
  }
}

function sumUsage(members: readonly RunOutput[], own: Usage | undefined): Usage | undefined {
  let total = own;
  for (const member of members) total = addUsage(total, member.usage);
  return total;
}
