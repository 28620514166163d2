/**
 * The model-provider seam: chat completions with tools and structured output. Agents (agno) and grounded RAG answers
 * (llamaindex) both speak it; the OpenAI-compatible implementation ships with the agno adapter and loads lazily.
 */
/** Token counts a model reports for one call (summed over a run). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly toolCalls?: readonly ChatToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export interface ChatToolCall {
  readonly id: string;
  readonly name: string;
  /** Raw JSON text exactly as the model produced it (it may be malformed). */
  readonly arguments: string;
}

export interface ChatToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ChatToolSpec[];
  /** Ask for JSON matching this schema (`response_format: json_schema`). */
  readonly responseFormat?: { readonly name: string; readonly schema: Record<string, unknown> };
  readonly temperature?: number;
  readonly signal?: AbortSignal;
}

export interface ChatResponse {
  readonly content: string | null;
  readonly toolCalls: readonly ChatToolCall[];
  readonly finishReason?: string | undefined;
  readonly usage?: Usage | undefined;
}

export type ChatStreamPart = { readonly type: 'delta'; readonly text: string } | { readonly type: 'done'; readonly response: ChatResponse };

/** The model seam: one chat-completions call, whole or streamed. */
export interface ModelProvider {
  /** `provider:model`, for messages and events. */
  readonly id: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}

export function isModelProvider(value: unknown): value is ModelProvider {
  return typeof value === 'object' && value !== null && typeof (value as ModelProvider).complete === 'function' && typeof (value as ModelProvider).stream === 'function';
}
