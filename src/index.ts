/**
 * The public surface of switchyard's core. Engine adapters live at `switchyard/<engine>`.
 */
export { SwitchyardError, invalidInput, isSwitchyardError, toSwitchyardError, ERROR_CODES } from './errors.js';
export type { ErrorCode, SwitchyardErrorOptions } from './errors.js';
export { defineAdapter, waitForApproval, isWaitingForApproval } from './adapter.js';
export type {
  OrchestratorAdapter,
  AdapterLoader,
  StageContext,
  HistoryEntry,
  SerializedError,
  ApprovalDecision,
  ResourceRegistry,
  ValidationContext,
  HealthStatus,
  WaitingForApproval,
} from './adapter.js';
export type { EngineEvent, RunEvent, RunEventType, RunStatus, StageStatus, EventSink, PendingApprovalInfo } from './events/types.js';
export type { RunStore, RunRecord, StageRecord, ApprovalRecord, ScheduleRecord, ListRunsOptions } from './store/types.js';
export { Resources } from './resources.js';
export { openRunStore, resolveHome } from './store/index.js';
export { resolveHandler, isAgentLike } from './handler.js';
export type { Handler, AgentLike, AgentLikeResult, HandlerBinding } from './handler.js';
