/**
 * switchyard/agno: Agno-style direct agents and teams, and the `agno` orchestrator adapter.
 * Nothing here loads the `openai` client until a model is called.
 */
export { createAdapter, mergeInput, validateTask } from './adapter.js';
export { Agent } from './agent.js';
export type { AgentOptions } from './agent.js';
export { FunctionAgent, functionAgent } from './function-agent.js';
export type { FunctionAgentOptions, FunctionAgentContext } from './function-agent.js';
export { Team, TEAM_MODES } from './team.js';
export type { TeamOptions, TeamMode, TeamRouteContext, TeamCoordinateContext } from './team.js';
export { tool, isTool } from './tool.js';
export type { Tool, ToolOptions, ToolContext } from './tool.js';
export { agnoTaskSchema, declaredAgentSchema, declaredAgentsSchema } from './task-schema.js';
export type { AgnoTask, DeclaredAgent } from './task-schema.js';
export { registerDeclaredAgents, toValidator } from './declarations.js';
export { openAICompatible } from './models/openai-compatible.js';
export type { OpenAICompatibleOptions } from './models/openai-compatible.js';
export { resolveModel, ollamaBaseURL } from './models/resolve-model.js';
export type { ModelSpec, ModelCallSettings } from './models/resolve-model.js';
export { isModelProvider } from './models/types.js';
export type { ModelProvider, ChatMessage, ChatRequest, ChatResponse, ChatStreamPart, ChatToolCall, ChatToolSpec } from './models/types.js';
export type { RunOutput, RunOptions, RunStatus, RunError, AgentEvent, ToolCallRecord, Usage, Runnable } from './types.js';
