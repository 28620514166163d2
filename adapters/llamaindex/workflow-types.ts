/**
 * The part of `@llamaindex/workflow` that user workflows see in Switchyard's public types, declared here structurally.
 * The package's own declarations do not type-check with `skipLibCheck: false` (errors inside `@llamaindex/core` and
 * `@llamaindex/workflow-core`), so the public declarations never import it. At run time `defineWorkflow` builders
 * receive the whole module; the compiler checks in user-workflow.ts that the module fits `WorkflowKit`.
 */

/** Event data flowing through a workflow: what `event.with(data)` returns and handlers receive. */
export interface WorkflowEventData<Data = unknown> {
  readonly data: Data;
}

/** A workflow event type (`workflowEvent<Data>()`). */
export interface WorkflowEvent<Data = unknown> {
  debugLabel?: string;
  readonly uniqueId: string;
  with(data: Data): WorkflowEventData<Data>;
  include(event: unknown): event is WorkflowEventData<Data>;
}

/** The stream of a workflow context's events. */
export interface WorkflowStream<R> extends AsyncIterable<R> {
  on<T>(event: WorkflowEvent<T>, handler: (event: WorkflowEventData<T>) => void): () => void;
  forEach(callback: (item: R) => void): Promise<void>;
  map<T>(callback: (item: R) => T): WorkflowStream<T>;
  take(limit: number): WorkflowStream<R>;
  filter(predicate: (event: R) => boolean): WorkflowStream<R>;
  until(predicate: (item: R) => boolean): WorkflowStream<R>;
  toArray(): Promise<R[]>;
}

/** What a handler gets as its first argument. */
export interface WorkflowContext {
  readonly stream: WorkflowStream<WorkflowEventData<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Aborted when the stage is cancelled or times out. */
  readonly signal: AbortSignal;
  sendEvent(...events: WorkflowEventData<any>[]): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A handler of `workflow.handle(accept, handler)`: one argument per accepted event. */
export type WorkflowHandler<Accept extends WorkflowEvent<any>[], Result extends WorkflowEventData<any> | void> = (
  context: WorkflowContext,
  ...events: { [K in keyof Accept]: ReturnType<Accept[K]['with']> }
) => Result | Promise<Result>;

export interface Workflow {
  handle<const Accept extends WorkflowEvent<any>[], Result extends WorkflowEventData<any> | void>(accept: Accept, handler: WorkflowHandler<Accept, Result>): void;
  createContext(): WorkflowContext;
}

/** The `@llamaindex/workflow` module as `defineWorkflow` builders see it (the whole module is there at run time). */
export interface WorkflowKit {
  createWorkflow(): Workflow;
  workflowEvent<Data = void>(config?: { debugLabel?: string; uniqueId?: string }): WorkflowEvent<Data>;
  or<const Events extends WorkflowEvent<any>[]>(...events: Events): WorkflowEvent<any>;
  isWorkflowEvent(instance: unknown): instance is WorkflowEvent<any>;
  isWorkflowEventData(instance: unknown): instance is WorkflowEventData<any>;
  eventSource(instance: unknown): WorkflowEvent<any> | undefined;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
