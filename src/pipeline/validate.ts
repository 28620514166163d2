import { z } from 'zod';
import type { OrchestratorAdapter, ResourceRegistry, ValidationContext } from '../adapter.js';
import { SwitchyardError, isSwitchyardError } from '../errors.js';
import { Resources } from '../resources.js';
import type { AdapterRegistry } from '../registry.js';
import { decideEngine, type AutoDecision } from './auto.js';
import { toEvaluator, type Evaluator } from './expressions.js';
import { didYouMean, firstIssue, issueToError, joinPath, pipelineError, unknownKeyError } from './issues.js';
import { loadModules } from './modules.js';
import { parallelGroupSchema, pipelineSchema, stageSchema, type OnFailure, type RetryPolicy } from './schema.js';

export interface PreparedStage {
  readonly kind: 'stage';
  readonly id: string;
  /** `stages[2]` or `stages[1].parallel[0]`. */
  readonly path: string;
  readonly type: string;
  readonly adapter: OrchestratorAdapter;
  readonly task: unknown;
  readonly input?: Evaluator;
  readonly when?: Evaluator;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly onFailure: OnFailure;
  /** Set for `auto` stages: the engine chosen and why. */
  readonly decision?: AutoDecision;
}

export interface PreparedGroup {
  readonly kind: 'parallel';
  readonly id: string;
  readonly path: string;
  readonly branches: readonly PreparedStage[];
  readonly concurrency: number;
  readonly input?: Evaluator;
  readonly when?: Evaluator;
  readonly onFailure: OnFailure;
}

export type PreparedStep = PreparedStage | PreparedGroup;

/** True for what `preparePipeline` returned: `run` accepts it as is, without validating again. */
export function isPreparedPipeline(value: unknown): value is PreparedPipeline {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PREPARED] === true;
}

const PREPARED: unique symbol = Symbol.for('switchyard.preparedPipeline');

/** A pipeline that passed validation: every task parsed by its adapter, every expression compiled. */
export interface PreparedPipeline {
  readonly [PREPARED]: true;
  readonly name: string;
  readonly goal: string;
  readonly steps: readonly PreparedStep[];
  /** The document as given, for the run store (functions are dropped when it is serialised). */
  readonly document: Record<string, unknown>;
  readonly baseDir: string;
  readonly file?: string;
  readonly resources: ResourceRegistry;
  readonly deadlineMs?: number;
  readonly maxVisits: number;
}

export interface ValidateOptions {
  readonly registry: AdapterRegistry;
  /** Resources registered in code; modules add theirs to a copy. */
  readonly resources?: ResourceRegistry;
  readonly baseDir?: string;
  readonly file?: string;
}

const PIPELINE_KEYS = Object.keys(pipelineSchema.shape);
/** The top level alone: stages are checked one by one so each error names its own stage. */
const topLevelSchema = pipelineSchema.extend({ stages: z.array(z.unknown()).min(1) });

/**
 * Validates a whole pipeline before anything runs. Throws one SwitchyardError (INVALID_PIPELINE)
 * naming the first bad path, what was expected and what was found, with a did-you-mean where it helps.
 */
export async function preparePipeline(doc: unknown, options: ValidateOptions): Promise<PreparedPipeline> {
  const file = options.file;
  const withFile = (error: unknown): never => {
    if (isSwitchyardError(error) && file && !error.file) {
      throw new SwitchyardError(error.code, error.message, { path: error.path, expected: error.expected, got: error.got, file, cause: error.cause, details: error.details });
    }
    throw error;
  };
  try {
    return await prepare(doc, options);
  } catch (error) {
    return withFile(error);
  }
}

async function prepare(doc: unknown, options: ValidateOptions): Promise<PreparedPipeline> {
  const { registry } = options;
  const baseDir = options.baseDir ?? process.cwd();
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw pipelineError('pipeline', 'an object with name and stages', doc);
  const top = topLevelSchema.safeParse(doc, { reportInput: true });
  if (!top.success) {
    const issue = firstIssue(top.error.issues);
    // `stagse:` shows up as `stages` missing: report the misspelt key that meant it.
    const missing = issue.path.length === 1 && (doc as Record<PropertyKey, unknown>)[issue.path[0]!] === undefined ? String(issue.path[0]) : undefined;
    const typo = missing && Object.keys(doc).find((key) => !PIPELINE_KEYS.includes(key) && didYouMean(key, [missing]) !== '');
    if (typo) throw unknownKeyError(typo, typo, [...PIPELINE_KEYS.filter((k) => k !== '$schema'), ...(await declaredKeys(registry)).keys()]);
    throw issueToError(issue, doc, '', topLevelSchema);
  }
  const pipeline = top.data;

  // Modules first: they register resources, and may register users' own adapters (kind `adapter`).
  const resources = new Resources(options.resources);
  if (pipeline.modules?.length) await loadModules(pipeline.modules, baseDir, resources);
  for (const name of resources.names('adapter')) {
    const adapter = resources.get<OrchestratorAdapter>('adapter', name);
    if (adapter && typeof adapter.execute === 'function') registry.register(name, adapter);
  }

  // Top-level keys beyond the core ones must be declared by an adapter (e.g. `agents` for agno).
  const extraKeys = Object.keys(doc).filter((key) => !PIPELINE_KEYS.includes(key));
  const declaredBy = extraKeys.length > 0 ? await declaredKeys(registry) : new Map<string, OrchestratorAdapter>();
  for (const key of extraKeys) {
    if (!declaredBy.has(key)) throw unknownKeyError(key, key, [...PIPELINE_KEYS.filter((k) => k !== '$schema'), ...declaredBy.keys()]);
  }

  // Shape of every stage, before any code runs.
  const types = [...registry.types(), 'auto'];
  const raw = pipeline.stages as unknown[];
  for (const [i, step] of raw.entries()) checkStepShape(step, `stages[${i}]`, types);

  const vctx = (path: string): ValidationContext => ({ path, resources, baseDir });

  // Adapters used, prepared once with the pipeline's declarations.
  const prepared = new Set<OrchestratorAdapter>();
  const prepareAdapter = async (adapter: OrchestratorAdapter) => {
    if (prepared.has(adapter)) return;
    prepared.add(adapter);
    if (!adapter.prepare) return;
    const declarations: Record<string, unknown> = {};
    for (const key of adapter.declares ?? []) if (key in doc) declarations[key] = (doc as Record<string, unknown>)[key];
    await adapter.prepare(declarations, vctx(''));
  };
  for (const adapter of new Set(declaredBy.values())) await prepareAdapter(adapter);

  const ids = new Set<string>();
  const claimId = (id: string, path: string) => {
    if (ids.has(id)) throw pipelineError(`${path}.id`, 'a stage id unique in the pipeline', id);
    ids.add(id);
  };

  const prepareStage = async (rawStage: Record<string, unknown>, path: string, defaultId: string): Promise<PreparedStage> => {
    const stage = stageSchema.parse(rawStage);
    const id = stage.id ?? defaultId;
    claimId(id, path);
    let type = stage.type;
    let decision: AutoDecision | undefined;
    if (type === 'auto') {
      decision = await decideEngine(stage, path);
      type = decision.type;
      if (!registry.has(type)) throw pipelineError(`${path}.type`, `the selector's choice to be registered (${registry.types().join(', ')})`, type);
    }
    const adapter = await registry.get(type);
    await prepareAdapter(adapter);
    const parsed = adapter.taskSchema.safeParse(stage.task, { reportInput: true });
    if (!parsed.success) throw issueToError(firstIssue(parsed.error.issues), stage.task, `${path}.task`, adapter.taskSchema);
    adapter.validate?.(parsed.data, vctx(`${path}.task`));
    const input = toEvaluator(stage.input, `${path}.input`);
    const when = toEvaluator(stage.when, `${path}.when`);
    return {
      kind: 'stage',
      id,
      path,
      type,
      adapter,
      task: parsed.data,
      onFailure: stage.onFailure ?? 'stop',
      ...(input ? { input } : {}),
      ...(when ? { when } : {}),
      ...(stage.retry ? { retry: stage.retry } : {}),
      ...(stage.timeoutMs ? { timeoutMs: stage.timeoutMs } : {}),
      ...(decision ? { decision } : {}),
    };
  };

  const steps: PreparedStep[] = [];
  for (const [i, step] of raw.entries()) {
    const path = `stages[${i}]`;
    const record = step as Record<string, unknown>;
    if ('parallel' in record) {
      const group = parallelGroupSchema.parse(record);
      const id = group.id ?? `parallel-${i + 1}`;
      claimId(id, path);
      const branches: PreparedStage[] = [];
      for (const [j, branch] of group.parallel.entries()) {
        branches.push(await prepareStage(branch as Record<string, unknown>, `${path}.parallel[${j}]`, `${id}.${branch.type}-${j + 1}`));
      }
      const input = toEvaluator(group.input, `${path}.input`);
      const when = toEvaluator(group.when, `${path}.when`);
      steps.push({
        kind: 'parallel',
        id,
        path,
        branches,
        concurrency: group.concurrency ?? branches.length,
        onFailure: group.onFailure ?? 'continue',
        ...(input ? { input } : {}),
        ...(when ? { when } : {}),
      });
    } else {
      steps.push(await prepareStage(record, path, `${String(record.type)}-${i + 1}`));
    }
  }

  // Failure paths must name a top-level stage.
  const topIds = steps.map((s) => s.id);
  const checkGoto = (onFailure: OnFailure, path: string) => {
    if (typeof onFailure === 'object' && !topIds.includes(onFailure.goto)) {
      throw pipelineError(`${path}.onFailure.goto`, `a top-level stage id (${topIds.join(', ')})`, onFailure.goto, didYouMean(onFailure.goto, topIds));
    }
  };
  for (const step of steps) {
    checkGoto(step.onFailure, step.path);
    if (step.kind === 'parallel') for (const b of step.branches) if (typeof b.onFailure === 'object') throw pipelineError(`${b.path}.onFailure`, 'stop or continue inside a parallel group', b.onFailure);
  }

  return {
    [PREPARED]: true,
    name: pipeline.name,
    goal: pipeline.goal ?? '',
    steps,
    document: doc as Record<string, unknown>,
    baseDir,
    ...(options.file ? { file: options.file } : {}),
    resources,
    ...(pipeline.deadlineMs ? { deadlineMs: pipeline.deadlineMs } : {}),
    maxVisits: pipeline.maxVisits ?? 10,
  };
}

function checkStepShape(step: unknown, path: string, types: readonly string[]): void {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) throw pipelineError(path, 'a stage object with type and task, or a parallel group', step);
  const record = step as Record<string, unknown>;
  if ('parallel' in record) {
    const result = parallelGroupSchema.safeParse(record, { reportInput: true });
    if (!result.success) {
      const issue = firstIssue(result.error.issues);
      // errors inside a branch are reported by the branch check below, with the stage keys as candidates
      if (!(issue.path[0] === 'parallel' && typeof issue.path[1] === 'number')) throw issueToError(issue, record, path, parallelGroupSchema);
    }
    const branches = Array.isArray(record.parallel) ? record.parallel : [];
    for (const [j, branch] of branches.entries()) {
      if (typeof branch === 'object' && branch !== null && 'parallel' in branch) throw pipelineError(`${path}.parallel[${j}]`, 'a stage (parallel groups do not nest)', branch);
      checkStepShape(branch, `${path}.parallel[${j}]`, types);
    }
    return;
  }
  const result = stageSchema.safeParse(record, { reportInput: true });
  // An unknown key first: `taks:` is the reason `task` is missing.
  const unknown = result.error?.issues.find((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
  if (unknown) throw issueToError(unknown, record, path, stageSchema);
  if (!('type' in record)) throw pipelineError(`${path}.type`, `one of ${types.join(', ')}`, undefined);
  if (!('task' in record)) throw pipelineError(`${path}.task`, `the ${typeof record.type === 'string' ? record.type : 'engine'} task object`, undefined);
  if (!result.success) throw issueToError(firstIssue(result.error.issues), record, path, stageSchema);
  const type = result.data.type;
  if (!types.includes(type)) throw pipelineError(`${path}.type`, `one of ${types.join(', ')}`, type, didYouMean(type, types));
}

/** Top-level keys the registered adapters declare (e.g. `agents` for agno), with the adapter declaring each. */
async function declaredKeys(registry: AdapterRegistry): Promise<Map<string, OrchestratorAdapter>> {
  const declaredBy = new Map<string, OrchestratorAdapter>();
  for (const type of registry.types()) {
    const adapter = await registry.get(type).catch(() => undefined);
    for (const key of adapter?.declares ?? []) declaredBy.set(key, adapter!);
  }
  return declaredBy;
}

export { joinPath };
