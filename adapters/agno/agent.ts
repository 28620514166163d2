import { z } from 'zod';
import { SwitchyardError, invalidInput } from 'switchyard/adapter-kit';
import type { RetryPolicy, StageContext } from 'switchyard/adapter-kit';
import { EXECUTE, TopLevelRunnable } from './runnable.js';
import { NEVER_ABORTED, abortError, addUsage, runError, throwIfAborted, toText } from './run-helpers.js';
import type { EventListener } from './run-helpers.js';
import { isTool } from './tool.js';
import type { Tool } from './tool.js';
import { resolveModel } from './models/resolve-model.js';
import type { ModelSpec } from './models/resolve-model.js';
import type { ChatMessage, ChatRequest, ChatResponse, ChatToolCall, ModelProvider } from './models/types.js';
import type { RunOptions, RunOutput, Runnable, ToolCallRecord, Usage } from './types.js';

export interface AgentOptions {
  readonly name: string;
  /** One line on what the agent is for; goes into the system prompt and tells a team's router about it. */
  readonly role?: string;
  readonly instructions?: string | readonly string[];
  /** `provider:model` (`openai:gpt-4o-mini`, `ollama:qwen2.5`) or a provider; default from `SWITCHYARD_MODEL` and the environment. */
  readonly model?: ModelSpec;
  /** Tools, or names of tools registered in the pipeline's resources (resolved when the agent runs). */
  readonly tools?: readonly (Tool | string)[];
  /** Zod schema of the answer: asked for as JSON Schema output, validated, retried once with the validation error. */
  readonly outputSchema?: z.ZodType;
  /** Most tool calls in one run; then the model must answer without tools. Default 10. */
  readonly maxToolCalls?: number;
  /**
   * Retries of each model call on 429, 5xx and connection errors: the shared retry shape, default `{ attempts: 3 }`;
   * a server's Retry-After is honoured up to `maxDelayMs`. (A provider object brings its own.)
   */
  readonly retry?: RetryPolicy;
  /** @deprecated Use `retry: { attempts: retries + 1 }`. */
  readonly retries?: number;
  /** Timeout of each model call in ms. Default 60 000. (A provider object brings its own.) */
  readonly timeoutMs?: number;
  readonly temperature?: number;
}

/** An Agno-style agent: a model, instructions and typed tools, run in one direct call with a tool-calling loop. */
export class Agent extends TopLevelRunnable implements Runnable {
  readonly name: string;
  readonly role: string | undefined;
  readonly #options: AgentOptions;
  #provider: ModelProvider | undefined;
  #noResponseFormat = false;

  constructor(options: AgentOptions) {
    super();
    if (typeof options?.name !== 'string' || options.name.length === 0) throw invalidInput('agent.name', 'a non-empty string', options?.name);
    this.name = options.name;
    this.role = options.role;
    this.#options = options;
  }

  get options(): AgentOptions {
    return this.#options;
  }

  async [EXECUTE](input: unknown, options: RunOptions, emit: EventListener | undefined, streaming: boolean): Promise<RunOutput> {
    const started = performance.now();
    const name = this.name;
    const toolCalls: ToolCallRecord[] = [];
    let usage: Usage | undefined;
    emit?.({ type: 'run.started', agent: name });
    try {
      throwIfAborted(options.signal);
      const o = this.#options;
      this.#provider ??= resolveModel(o.model, {
        ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
        ...(o.retry === undefined ? {} : { retry: o.retry }),
        ...(o.retries === undefined || o.retry !== undefined ? {} : { retry: { attempts: o.retries + 1 } }),
      });
      const provider = this.#provider;
      const tools = resolveTools(o.tools ?? [], options.context, name);
      const specs = [...tools.values()].map((t) => ({ name: t.name, description: t.description, parameters: t.jsonSchema }));
      const schema = o.outputSchema ? outputJsonSchema(o.outputSchema) : undefined;
      const messages: ChatMessage[] = [
        { role: 'system', content: systemPrompt(this, schema) },
        { role: 'user', content: userPrompt(input, options.task) },
      ];
      const maxToolCalls = o.maxToolCalls ?? 10;
      let remaining = maxToolCalls;
      let schemaRetried = false;
      while (true) {
        const offerTools = specs.length > 0 && remaining > 0;
        const request: ChatRequest = {
          messages,
          ...(offerTools ? { tools: specs } : {}),
          ...(schema && !this.#noResponseFormat ? { responseFormat: { name: safeName(name), schema } } : {}),
          ...(o.temperature === undefined ? {} : { temperature: o.temperature }),
          ...(options.signal ? { signal: options.signal } : {}),
        };
        let response: ChatResponse;
        try {
          response = await callModel(provider, request, streaming ? emit : undefined, name);
        } catch (error) {
          // Servers without JSON-schema output answer 400: ask again with the schema in the prompt only.
          if (!request.responseFormat || !isBadRequest(error)) throw error;
          this.#noResponseFormat = true;
          continue;
        }
        usage = addUsage(usage, response.usage);
        throwIfAborted(options.signal);

        if (response.toolCalls.length > 0) {
          if (!offerTools) throw new SwitchyardError('ENGINE_ERROR', `agent ${name}: the tool call limit (${maxToolCalls}) was reached and the model still asks for tools`);
          messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
          const allowed = response.toolCalls.slice(0, remaining);
          remaining -= allowed.length;
          const records = await Promise.all(allowed.map((call) => runToolCall(call, tools, name, options, emit)));
          throwIfAborted(options.signal);
          for (const record of records) toolCalls.push(record);
          for (const [i, call] of response.toolCalls.entries()) {
            const record = records[i];
            const content = record
              ? record.error === undefined ? toText(record.result) : JSON.stringify({ error: record.error })
              : JSON.stringify({ error: `not run: the tool call limit (${maxToolCalls}) was reached; answer with what you have` });
            messages.push({ role: 'tool', toolCallId: call.id, content });
          }
          continue;
        }

        const content = response.content ?? '';
        if (!o.outputSchema) return done({ agent: name, status: 'completed', content, toolCalls, ...(usage ? { usage } : {}), durationMs: performance.now() - started }, emit);
        const parsed = parseStructured(content, o.outputSchema);
        if (parsed.ok) {
          return done({ agent: name, status: 'completed', content, structured: parsed.value, toolCalls, ...(usage ? { usage } : {}), durationMs: performance.now() - started }, emit);
        }
        if (schemaRetried) throw new SwitchyardError('ENGINE_ERROR', `agent ${name}: the answer did not match the output schema after one retry: ${parsed.error}`);
        schemaRetried = true;
        messages.push(
          { role: 'assistant', content },
          { role: 'user', content: `Your answer did not match the required JSON schema: ${parsed.error}. Reply again with only a JSON value that matches the schema.` },
        );
      }
    } catch (error) {
      const failure = options.signal?.aborted ? runError(abortError(options.signal)) : runError(error);
      const output: RunOutput = { agent: name, status: failure.status, content: null, toolCalls, ...(usage ? { usage } : {}), error: failure.error, durationMs: performance.now() - started };
      emit?.({ type: 'run.failed', agent: name, output });
      return output;
    }
  }
}

function isBadRequest(error: unknown): boolean {
  return error instanceof SwitchyardError && error.code === 'REMOTE_ERROR' && error.details?.status === 400;
}

function done(output: RunOutput, emit: EventListener | undefined): RunOutput {
  emit?.({ type: 'run.completed', agent: output.agent, output });
  return output;
}

async function callModel(provider: ModelProvider, request: ChatRequest, emit: EventListener | undefined, agent: string): Promise<ChatResponse> {
  if (!emit) return provider.complete(request);
  let response: ChatResponse | undefined;
  for await (const part of provider.stream(request)) {
    if (part.type === 'delta') emit({ type: 'content.delta', agent, delta: part.text });
    else response = part.response;
  }
  if (!response) throw new SwitchyardError('REMOTE_ERROR', `${provider.id}: the stream ended without a response`);
  return response;
}

async function runToolCall(call: ChatToolCall, tools: ReadonlyMap<string, Tool>, agent: string, options: RunOptions, emit: EventListener | undefined): Promise<ToolCallRecord> {
  const started = performance.now();
  let args: unknown = call.arguments;
  let record: ToolCallRecord;
  try {
    try {
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      throw new Error(`the arguments are not valid JSON (${(error as Error).message}); send a JSON object`);
    }
    emit?.({ type: 'tool.started', agent, id: call.id, name: call.name, arguments: args });
    const found = tools.get(call.name);
    if (!found) throw new Error(`unknown tool ${JSON.stringify(call.name)}; available: ${[...tools.keys()].join(', ') || 'none'}`);
    const signal = options.signal ?? NEVER_ABORTED;
    const result = await found.call(args, { signal, context: options.context, agent });
    record = { id: call.id, name: call.name, arguments: args, result: result === undefined ? null : result, durationMs: performance.now() - started };
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const timedOut = error instanceof SwitchyardError && error.code === 'TIMEOUT';
    const message = timedOut ? `timed out after ${tools.get(call.name)?.timeoutMs ?? 0} ms` : error instanceof Error ? error.message : String(error);
    record = { id: call.id, name: call.name, arguments: args, error: message, durationMs: performance.now() - started };
  }
  emit?.({ type: 'tool.completed', agent, call: record });
  return record;
}

function resolveTools(tools: readonly (Tool | string)[], context: StageContext | undefined, agent: string): Map<string, Tool> {
  const byName = new Map<string, Tool>();
  for (const entry of tools) {
    if (typeof entry !== 'string') {
      byName.set(entry.name, entry);
      continue;
    }
    const found = context?.resources.get<unknown>('tool', entry);
    if (!isTool(found)) {
      const known = context?.resources.names('tool') ?? [];
      throw new SwitchyardError('INVALID_PIPELINE', `agent ${agent}: tool ${JSON.stringify(entry)} is not registered (known: ${known.join(', ') || 'none'})`);
    }
    byName.set(entry, found);
  }
  return byName;
}

function systemPrompt(agent: Agent, schema: Record<string, unknown> | undefined): string {
  const { instructions } = agent.options;
  const lines = [`You are ${agent.name}${agent.role ? `, ${agent.role}` : ''}.`];
  if (instructions) lines.push(typeof instructions === 'string' ? instructions : instructions.join('\n'));
  if (schema) lines.push(`Answer with only a JSON value matching this JSON Schema:\n${JSON.stringify(schema)}`);
  return lines.join('\n\n');
}

function userPrompt(input: unknown, task: string | undefined): string {
  if (task === undefined) return toText(input);
  if (input === undefined || (typeof input === 'object' && input !== null && Object.keys(input).length === 0)) return task;
  return `${task}\n\nInput:\n${toText(input)}`;
}

const schemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function outputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let json = schemas.get(schema);
  if (!json) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
    json = rest;
    schemas.set(schema, json);
  }
  return json;
}

/** Accepts the JSON bare or inside a ```json fence. */
export function parseStructured(text: string, schema: z.ZodType): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? fenced[1]! : text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ') };
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';
}
