// The model-provider seam is part of the adapter kit; the agno adapter implements it (openai-compatible.ts).
export { isModelProvider } from 'switchyard/adapter-kit';
export type { ModelProvider, ChatMessage, ChatRequest, ChatResponse, ChatStreamPart, ChatToolCall, ChatToolSpec } from 'switchyard/adapter-kit';
