import type OpenAIClient from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming, ChatCompletionChunk, ChatCompletion } from 'openai/resources/chat/completions';
import { SwitchyardError, parseRetryAfter, withRetry } from 'switchyard/adapter-kit';
import type { RetryPolicy } from 'switchyard/adapter-kit';
import { abortError } from '../run-helpers.js';
import type { Usage } from '../types.js';
import type { ChatMessage, ChatRequest, ChatResponse, ChatStreamPart, ChatToolCall, ModelProvider } from './types.js';

export interface OpenAICompatibleOptions {
  /** Model name as the server knows it (`gpt-4o-mini`, `qwen2.5`). */
  readonly model: string;
  /** Server root including `/v1`. Default: the OpenAI API. */
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** Label used in `id` and messages. Default `openai`. */
  readonly provider?: string;
  /** Timeout of every call, in ms. Default 60 000. */
  readonly timeoutMs?: number;
  /**
   * Retries on 429, 5xx and connection errors: the shared retry shape, default `{ attempts: 3 }` (backoff from
   * 100 ms, doubled, jittered, at most 30 s). A server's Retry-After (or `retry-after-ms`) replaces the backoff,
   * capped at `maxDelayMs`.
   */
  readonly retry?: RetryPolicy;
  /** @deprecated Use `retry: { attempts: retries + 1 }`. */
  readonly retries?: number;
  /** @deprecated Use `retry: { minDelayMs }`. */
  readonly minRetryDelayMs?: number;
  /** @deprecated Use `retry: { maxDelayMs }`. */
  readonly maxRetryDelayMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Set when the endpoint is a default guess rather than configured (for example Ollama on localhost):
   * a connection failure then becomes MODEL_NOT_CONFIGURED with this text.
   */
  readonly notConfiguredHint?: string;
}

type OpenAIModule = typeof import('openai');
let sdk: Promise<OpenAIModule> | undefined;
/** The SDK is loaded on the first model call, never when the adapter is imported. */
const loadSdk = () => (sdk ??= import('openai'));

/** Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio) through the `openai` client. */
export function openAICompatible(options: OpenAICompatibleOptions): ModelProvider {
  return new OpenAICompatibleProvider(options);
}

class OpenAICompatibleProvider implements ModelProvider {
  readonly id: string;
  readonly #options: OpenAICompatibleOptions;
  #client: OpenAIClient | undefined;

  constructor(options: OpenAICompatibleOptions) {
    this.#options = options;
    this.id = `${options.provider ?? 'openai'}:${options.model}`;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const { client, mod } = await this.#connect();
    const body: ChatCompletionCreateParamsNonStreaming = { ...this.#body(request), stream: false };
    const completion = await this.#withRetries(mod, request.signal, () => client.chat.completions.create(body, this.#requestOptions(request.signal)));
    return fromCompletion(completion);
  }

  async *stream(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    const { client, mod } = await this.#connect();
    const body: ChatCompletionCreateParamsStreaming = { ...this.#body(request), stream: true, stream_options: { include_usage: true } };
    // Only opening the stream is retried: once text has been yielded a retry would repeat it.
    const stream = await this.#withRetries(mod, request.signal, () => client.chat.completions.create(body, this.#requestOptions(request.signal)));
    const acc = new ChunkAccumulator();
    let chunks = 0;
    try {
      for await (const chunk of stream) {
        chunks++;
        const text = acc.add(chunk);
        if (text) yield { type: 'delta', text };
      }
    } catch (error) {
      throw this.#translate(mod, error, request.signal);
    }
    if (chunks === 0) throw new SwitchyardError('REMOTE_ERROR', `${this.id}: the server sent no stream chunks (does it support stream: true?)`);
    yield { type: 'done', response: acc.response() };
  }

  async #connect(): Promise<{ client: OpenAIClient; mod: OpenAIModule }> {
    const mod = await loadSdk();
    this.#client ??= new mod.OpenAI({
      apiKey: this.#options.apiKey ?? 'not-needed',
      baseURL: this.#options.baseURL ?? null,
      maxRetries: 0,
      timeout: this.#options.timeoutMs ?? 60_000,
      ...(this.#options.headers ? { defaultHeaders: { ...this.#options.headers } } : {}),
    });
    return { client: this.#client, mod };
  }

  #body(request: ChatRequest) {
    return {
      model: this.#options.model,
      messages: request.messages.map(toWire),
      ...(request.tools && request.tools.length > 0
        ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) }
        : {}),
      ...(request.responseFormat
        ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema } } }
        : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
  }

  #requestOptions(signal: AbortSignal | undefined) {
    return { timeout: this.#options.timeoutMs ?? 60_000, maxRetries: 0, ...(signal ? { signal } : {}) };
  }

  /** Retries 429, 5xx and connection failures with the kit's withRetry; waits what Retry-After asks, else the policy's backoff. */
  async #withRetries<T>(mod: OpenAIModule, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(call, this.#retry, signal, {
        retryable: (error) => isRetryable(mod, error),
        delayMs: (error, _attempt, planned) => retryAfterMs(mod, error) ?? planned,
      });
    } catch (error) {
      throw this.#translate(mod, error, signal);
    }
  }

  /** `retry`, or the deprecated `retries` / `minRetryDelayMs` / `maxRetryDelayMs` in the shared shape. */
  get #retry(): RetryPolicy {
    const o = this.#options;
    if (o.retry) return o.retry;
    return {
      attempts: (o.retries ?? 2) + 1,
      ...(o.minRetryDelayMs === undefined ? {} : { minDelayMs: o.minRetryDelayMs }),
      ...(o.maxRetryDelayMs === undefined ? {} : { maxDelayMs: o.maxRetryDelayMs }),
    };
  }

  #translate(mod: OpenAIModule, error: unknown, signal: AbortSignal | undefined): SwitchyardError {
    if (error instanceof SwitchyardError) return error;
    if (signal?.aborted) return abortError(signal);
    const where = this.#options.baseURL ?? 'https://api.openai.com/v1';
    if (error instanceof mod.APIConnectionTimeoutError) {
      return new SwitchyardError('REMOTE_ERROR', `${this.id}: the model call to ${where} timed out after ${this.#options.timeoutMs ?? 60_000} ms`, { cause: error });
    }
    if (error instanceof mod.APIConnectionError) {
      if (this.#options.notConfiguredHint) return new SwitchyardError('MODEL_NOT_CONFIGURED', `${this.id}: no model reachable at ${where}; ${this.#options.notConfiguredHint}`, { cause: error });
      return new SwitchyardError('REMOTE_ERROR', `${this.id}: could not reach ${where} (${error.message})`, { cause: error });
    }
    if (error instanceof mod.APIError) {
      const auth = error.status === 401 ? ' (check OPENAI_API_KEY or the provider apiKey)' : '';
      return new SwitchyardError('REMOTE_ERROR', `${this.id}: the model server answered ${error.status ?? 'an error'}: ${error.message}${auth}`, {
        cause: error,
        details: { status: error.status },
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new SwitchyardError('REMOTE_ERROR', `${this.id}: ${message}`, { cause: error });
  }
}

function isRetryable(mod: OpenAIModule, error: unknown): boolean {
  if (error instanceof mod.APIUserAbortError) return false;
  if (error instanceof mod.APIConnectionError) return true;
  if (error instanceof mod.APIError) return error.status === 429 || (error.status !== undefined && error.status >= 500);
  return false;
}

function retryAfterMs(mod: OpenAIModule, error: unknown): number | undefined {
  if (!(error instanceof mod.APIError) || !error.headers) return undefined;
  const headers = error.headers as Headers;
  // OpenAI-compatible servers may send the finer `retry-after-ms` next to the standard header.
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers.get('retry-after'));
}

function toWire(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls && message.toolCalls.length > 0
          ? { tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      };
    default:
      return { role: message.role, content: message.content };
  }
}

function toUsage(usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: usage.total_tokens ?? promptTokens + completionTokens };
}

function fromCompletion(completion: ChatCompletion): ChatResponse {
  const choice = completion.choices[0];
  const toolCalls: ChatToolCall[] = [];
  for (const [i, call] of (choice?.message.tool_calls ?? []).entries()) {
    // some local servers send no id; the tool message must still answer the right call
    if (call.type === 'function') toolCalls.push({ id: call.id || `call_${i}`, name: call.function.name, arguments: call.function.arguments ?? '' });
  }
  return { content: choice?.message.content ?? null, toolCalls, finishReason: choice?.finish_reason, usage: toUsage(completion.usage) };
}

/** Folds streamed chunks into one response; tool-call fragments are joined by their index. */
class ChunkAccumulator {
  #content = '';
  #sawContent = false;
  #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #finish: string | undefined;
  #usage: Usage | undefined;

  add(chunk: ChatCompletionChunk): string {
    if (chunk.usage) this.#usage = toUsage(chunk.usage);
    const choice = chunk.choices[0];
    if (!choice) return '';
    if (choice.finish_reason) this.#finish = choice.finish_reason;
    for (const fragment of choice.delta.tool_calls ?? []) {
      const call = this.#calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      if (fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.name += fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      this.#calls.set(fragment.index, call);
    }
    const text = choice.delta.content ?? '';
    if (text) {
      this.#content += text;
      this.#sawContent = true;
    }
    return text;
  }

  response(): ChatResponse {
    const toolCalls = [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
    return { content: this.#sawContent ? this.#content : null, toolCalls, finishReason: this.#finish, usage: this.#usage };
  }
}
