import { basename, extname } from 'node:path';
import { z } from 'zod';
import type { OrchestratorAdapter, ResourceRegistry, ValidationContext } from '../adapter.js';
import { SwitchyardError, isSwitchyardError, issuesMessage, type ValidationIssue } from '../errors.js';
import { announceDeprecations, collectDeprecations, formatDeprecation, type Deprecation } from '../deprecations.js';
import { Resources } from '../resources.js';
import type { AdapterRegistry } from '../registry.js';
import { chooseAutoEngine, decideEngine, type AutoDecision, type AutoStageHints } from './auto.js';
import { resolveExpressionLimits, toEvaluator, type Evaluator, type ExpressionLimits } from './expressions.js';
import { didYouMean, firstIssue, issueToError, issuesToErrors, joinPath, keysAt, pipelineError, unknownKeyError } from './issues.js';
import { loadModules } from './modules.js';
import { checkOutputReferences } from './references.js';
import { documentRootsFromEnv } from './roots.js';
import { onFailureSchema, parallelGroupSchema, pipelineSchema, stageSchema, type OnFailure, type RetryPolicy } from './schema.js';

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
  /** Where its stages may read documents: the operator's document roots, else its own folder. */
  readonly documentRoots: readonly string[];
  readonly file?: string;
  readonly resources: ResourceRegistry;
  readonly deadlineMs?: number;
  readonly maxVisits: number;
  /** Old spellings the pipeline still uses, one line each: `stages[0].task.retry: deprecated, use retry: { attempts: 4 }`. */
  readonly warnings: readonly string[];
}

export interface ValidateOptions {
  readonly registry: AdapterRegistry;
  /** Resources registered in code; modules add theirs to a copy. */
  readonly resources?: ResourceRegistry;
  readonly baseDir?: string;
  readonly file?: string;
  /** The operator's budgets for the pipeline's JSONata expressions (else the environment, then the defaults). */
  readonly expressionLimits?: Partial<ExpressionLimits>;
  /** Folders the operator trusts modules from besides the pipeline's own (default: SWITCHYARD_MODULE_ROOTS). */
  readonly moduleRoots?: readonly string[];
  /** Folders the operator allows documents from (default: SWITCHYARD_DOCUMENT_ROOTS, else the pipeline's folder). */
  readonly documentRoots?: readonly string[];
}

const PIPELINE_KEYS = Object.keys(pipelineSchema.shape);
/** The top level alone: stages are checked one by one so each error names its own stage. */
const topLevelSchema = pipelineSchema.extend({ stages: z.array(z.unknown()).min(1) });

/**
 * Validates a whole pipeline before anything runs. Every problem is collected (each stage is checked even after
 * another one failed) and thrown as one SwitchyardError: its `issues` name each bad path, what was expected and
 * what was found, with a did-you-mean where it helps; `path`, `expected` and `got` describe the first.
 * One problem keeps its own error and message; several are INVALID_PIPELINE with one line per problem.
 */
export async function preparePipeline(doc: unknown, options: ValidateOptions): Promise<PreparedPipeline> {
  const problems = new Problems();
  let prepared: PreparedPipeline | undefined;
  try {
    prepared = await prepare(doc, options, problems);
  } catch (error) {
    // A fault (or a problem after which nothing can be checked) ends validation: the problems found before it come first.
    throw problems.size > 0 ? problems.toError(options.file) : withFile(error, options.file);
  }
  if (!prepared || problems.size > 0) throw problems.toError(options.file);
  return prepared;
}

function withFile(error: unknown, file: string | undefined): unknown {
  if (!isSwitchyardError(error) || !file || error.file) return error;
  return new SwitchyardError(error.code, error.message, { path: error.path, expected: error.expected, got: error.got, file, cause: error.cause, details: error.details, issues: error.issues });
}

/** The problems found so far: each check records its own and validation goes on, so one pass names them all. */
class Problems {
  readonly #issues: ValidationIssue[] = [];
  readonly #errors: SwitchyardError[] = [];

  get size(): number {
    return this.#issues.length;
  }

  /** Records users' mistakes; anything else (a fault, an engine that fails to load) is thrown on. */
  add(...errors: unknown[]): void {
    for (const error of errors) {
      if (!isSwitchyardError(error) || !error.isUserError) throw error;
      this.#errors.push(error);
      this.#issues.push(...(error.issues.length > 0 ? error.issues : [{ path: error.path ?? '', message: error.message }]));
    }
  }

  /** Runs one check; what it throws is recorded and `undefined` returned. */
  check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.add(error);
      return undefined;
    }
  }

  async checkAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.add(error);
      return undefined;
    }
  }

  /** One problem: its own error (code and message as thrown). Several: one INVALID_PIPELINE error listing them. */
  toError(file: string | undefined): SwitchyardError {
    const [first] = this.#errors;
    if (!first) return new SwitchyardError('INTERNAL', 'the pipeline was rejected without a problem named');
    if (this.#errors.length === 1 && first.issues.length <= 1) {
      return new SwitchyardError(first.code, first.message, {
        path: first.path,
        expected: first.expected,
        got: first.got,
        file: first.file ?? file,
        cause: first.cause,
        details: first.details,
        issues: this.#issues,
      });
    }
    const head = this.#issues[0]!;
    const codes = new Set(this.#errors.map((e) => e.code));
    return new SwitchyardError(codes.size === 1 ? first.code : 'INVALID_PIPELINE', issuesMessage(this.#issues), {
      path: head.path,
      expected: head.expected,
      got: head.got,
      ...(file ? { file } : {}),
      issues: this.#issues,
    });
  }
}

/** What the shape check found about one step: which of its fields are bad, so deeper checks skip only those. */
interface StepShape {
  /** The step is an object at all. */
  readonly object: boolean;
  /** No problem in the step's own fields (branches are counted in their own shapes). */
  readonly ok: boolean;
  /** Top-level fields of the step with a problem (`type`, `task`, `retry`, ...). */
  readonly bad: ReadonlySet<string>;
  readonly branches: readonly StepShape[];
}

const NOT_AN_OBJECT: StepShape = { object: false, ok: false, bad: new Set(), branches: [] };

/** The prepared pipeline, or undefined when `problems` holds what is wrong with it. */
async function prepare(doc: unknown, options: ValidateOptions, problems: Problems): Promise<PreparedPipeline | undefined> {
  const { registry } = options;
  const baseDir = options.baseDir ?? process.cwd();
  // Nothing else can be checked in a document that is not an object.
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw pipelineError('pipeline', 'an object with stages', doc);
  const record = doc as Record<string, unknown>;
  const top = topLevelSchema.safeParse(doc, { reportInput: true });
  const badTop = new Set<string>();
  // `stagse:` shows up as `stages` missing: the misspelt key is reported (as unknown) in its place, below.
  const typosOf = (key: string) => Object.keys(doc).filter((other) => !PIPELINE_KEYS.includes(other) && didYouMean(other, [key]) !== '');
  const misspelt: z.core.$ZodIssue[] = [];
  if (!top.success) {
    for (const issue of top.error.issues) {
      badTop.add(String(issue.path[0] ?? ''));
      if (issue.path.length === 1 && record[String(issue.path[0])] === undefined && typosOf(String(issue.path[0])).length > 0) misspelt.push(issue);
    }
    problems.add(...issuesToErrors(top.error.issues.filter((issue) => !misspelt.includes(issue)), doc, '', topLevelSchema));
  }

  // Modules first: they register resources, and may register users' own adapters (kind `adapter`).
  // Without all of them, names they would have registered (types, handlers, agents) are not checked.
  const resources = new Resources(options.resources);
  let complete = !badTop.has('modules');
  const modules = badTop.has('modules') ? undefined : (record.modules as string[] | undefined);
  if (modules?.length && (await problems.checkAsync(() => loadModules(modules, baseDir, resources, options.moduleRoots).then(() => true))) !== true) complete = false;
  for (const name of resources.names('adapter')) {
    const adapter = resources.get<OrchestratorAdapter>('adapter', name);
    if (adapter && typeof adapter.execute === 'function') registry.register(name, adapter);
  }

  // Top-level keys beyond the core ones must be declared by an adapter (e.g. `agents` for agno).
  const extraKeys = Object.keys(doc).filter((key) => !PIPELINE_KEYS.includes(key));
  const declaredBy = extraKeys.length > 0 ? await declaredKeys(registry) : new Map<string, OrchestratorAdapter>();
  const unknownKeys = extraKeys.filter((key) => !declaredBy.has(key));
  for (const key of unknownKeys) problems.add(unknownKeyError(key, key, [...PIPELINE_KEYS.filter((k) => k !== '$schema'), ...declaredBy.keys()]));
  // A key that looked misspelt but turned out to be an adapter's own: the key it seemed to mean is missing after all.
  const stillMissing = misspelt.filter((issue) => !typosOf(String(issue.path[0])).some((key) => unknownKeys.includes(key)));
  problems.add(...issuesToErrors(stillMissing, doc, '', topLevelSchema));

  // Shape of every stage, before any code runs.
  const types = [...registry.types(), 'auto'];
  const raw = badTop.has('stages') ? [] : (record.stages as unknown[]);
  const shapes = raw.map((step, i) => checkStepShape(step, `stages[${i}]`, types, complete, problems));

  // Old spellings accepted along the way: marked values in parsed tasks and stages, and what adapters report.
  const deprecations: Deprecation[] = [];
  // Every stage, group and branch id as written (defaults where none is), for `outputs.<id>` references.
  const stageIds = allStageIds(raw);
  const vctx = (path: string): ValidationContext => ({ path, resources, baseDir, stageIds, warn: (deprecation) => void deprecations.push(deprecation) });

  // Adapters used, prepared once with the pipeline's declarations. One whose prepare failed does not validate tasks
  // (they would name what its declarations should have registered).
  const prepared = new Set<OrchestratorAdapter>();
  const unprepared = new Set<OrchestratorAdapter>();
  const prepareAdapter = async (adapter: OrchestratorAdapter) => {
    if (prepared.has(adapter)) return;
    prepared.add(adapter);
    if (!adapter.prepare) return;
    const declarations: Record<string, unknown> = {};
    for (const key of adapter.declares ?? []) if (key in doc) declarations[key] = record[key];
    const done = await problems.checkAsync(async () => {
      await adapter.prepare!(declarations, vctx(''));
      return true;
    });
    if (!done) unprepared.add(adapter);
  };
  for (const adapter of new Set(declaredBy.values())) await prepareAdapter(adapter);

  const ids = new Set<string>();
  const claimId = (id: string, path: string) => {
    if (ids.has(id)) problems.add(pipelineError(`${path}.id`, 'a stage id unique in the pipeline', id));
    ids.add(id);
  };
  const limits = { limits: resolveExpressionLimits(options.expressionLimits) };
  /** Compiled, and its `outputs.<id>` references checked against the pipeline's stages. */
  const expression = (value: unknown, path: string) =>
    problems.check(() => {
      const evaluator = toEvaluator(value, path, limits);
      if (typeof value === 'string') checkOutputReferences(value, path, stageIds);
      return evaluator;
    });
  const expressions = (step: Record<string, unknown>, shape: StepShape, path: string) => ({
    input: shape.bad.has('input') ? undefined : expression(step.input, `${path}.input`),
    when: shape.bad.has('when') ? undefined : expression(step.when, `${path}.when`),
  });

  /** A stage's engine (chosen for `auto`) and its task parsed and validated by the adapter, when its shape allows checking them. */
  const checkEngineTask = async (rawStage: Record<string, unknown>, shape: StepShape, path: string) => {
    let type = shape.bad.has('type') ? undefined : (rawStage.type as string);
    let decision: AutoDecision | undefined;
    if (type === 'auto') {
      if (['taskType', 'description', 'requires'].some((key) => shape.bad.has(key))) return undefined;
      if (shape.bad.has('task')) {
        decision = await problems.checkAsync(() => decideEngine(rawStage as AutoStageHints, path));
        return undefined;
      }
      // Among the engines whose task schema accepts the task, the selector's pick first, then the recommender's order.
      const describe = (adapter: OrchestratorAdapter, issues: readonly z.core.$ZodIssue[]) => issueToError(firstIssue(issues), rawStage.task, `${path}.task`, adapter.taskSchema).message;
      const choice = await problems.checkAsync(() => chooseAutoEngine(rawStage as AutoStageHints, rawStage.task, path, registry, describe));
      if (!choice) return undefined;
      decision = choice.decision;
      type = choice.type;
    }
    // An unknown type was reported by the shape check (or may come from a module that failed to load).
    if (type === undefined || !registry.has(type) || shape.bad.has('task')) return undefined;
    const adapter = await registry.get(type);
    await prepareAdapter(adapter);
    const parsed = adapter.taskSchema.safeParse(rawStage.task, { reportInput: true });
    if (!parsed.success) {
      problems.add(...issuesToErrors(parsed.error.issues, rawStage.task, `${path}.task`, adapter.taskSchema));
      return undefined;
    }
    deprecations.push(...collectDeprecations(parsed.data, `${path}.task`));
    // The names a task refers to (agents, handlers, nodes) are checked in a stage whose own fields are right.
    if (complete && shape.ok && !unprepared.has(adapter)) problems.check(() => adapter.validate?.(parsed.data, vctx(`${path}.task`)));
    return { type, adapter, task: parsed.data as unknown, decision };
  };

  /** Checks one stage as far as its shape allows; the prepared stage when nothing in it is wrong. */
  const prepareStage = async (rawStage: Record<string, unknown>, shape: StepShape, path: string, defaultId: string): Promise<PreparedStage | undefined> => {
    const id = typeof rawStage.id === 'string' ? rawStage.id : defaultId;
    claimId(id, path);
    const engine = await checkEngineTask(rawStage, shape, path);
    const { input, when } = expressions(rawStage, shape, path);
    if (!engine || !shape.ok) return undefined;
    const stage = stageSchema.parse(rawStage);
    deprecations.push(...collectDeprecations({ ...stage, task: undefined }, path));
    return {
      kind: 'stage',
      id,
      path,
      type: engine.type,
      adapter: engine.adapter,
      task: engine.task,
      onFailure: stage.onFailure ?? 'stop',
      ...(input ? { input } : {}),
      ...(when ? { when } : {}),
      ...(stage.retry ? { retry: stage.retry } : {}),
      ...(stage.timeoutMs ? { timeoutMs: stage.timeoutMs } : {}),
      ...(engine.decision ? { decision: engine.decision } : {}),
    };
  };

  const steps: PreparedStep[] = [];
  for (const [i, step] of raw.entries()) {
    const path = `stages[${i}]`;
    const shape = shapes[i]!;
    const stepRecord = step as Record<string, unknown>;
    if (!shape.object) continue;
    if ('parallel' in stepRecord) {
      const id = typeof stepRecord.id === 'string' ? stepRecord.id : `parallel-${i + 1}`;
      claimId(id, path);
      const branches: (PreparedStage | undefined)[] = [];
      for (const [j, branch] of (Array.isArray(stepRecord.parallel) ? stepRecord.parallel : []).entries()) {
        const branchShape = shape.branches[j] ?? NOT_AN_OBJECT;
        if (!branchShape.object) continue;
        const branchRecord = branch as Record<string, unknown>;
        branches.push(await prepareStage(branchRecord, branchShape, `${path}.parallel[${j}]`, `${id}.${String(branchRecord.type)}-${j + 1}`));
      }
      const { input, when } = expressions(stepRecord, shape, path);
      if (!shape.ok || !branches.every((b): b is PreparedStage => b !== undefined)) continue;
      const group = parallelGroupSchema.parse(stepRecord);
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
      const stage = await prepareStage(stepRecord, shape, path, `${String(stepRecord.type)}-${i + 1}`);
      if (stage) steps.push(stage);
    }
  }

  // Failure paths must name a top-level stage (ids as written, so a stage with another problem still counts).
  const topIds = raw.map((step, i) => {
    const r = (typeof step === 'object' && step !== null ? step : {}) as Record<string, unknown>;
    return typeof r.id === 'string' ? r.id : 'parallel' in r ? `parallel-${i + 1}` : `${String(r.type)}-${i + 1}`;
  });
  const gotoOf = (value: unknown): string | undefined => {
    const parsed = onFailureSchema.safeParse(value);
    return parsed.success && typeof parsed.data === 'object' ? parsed.data.goto : undefined;
  };
  for (const [i, step] of raw.entries()) {
    if (!shapes[i]!.object) continue;
    const path = `stages[${i}]`;
    const stepRecord = step as Record<string, unknown>;
    const target = gotoOf(stepRecord.onFailure);
    if (target !== undefined && !topIds.includes(target)) {
      problems.add(pipelineError(`${path}.onFailure.goto`, `a top-level stage id (${topIds.join(', ')})`, target, didYouMean(target, topIds)));
    }
    if (!('parallel' in stepRecord) || !Array.isArray(stepRecord.parallel)) continue;
    for (const [j, branch] of stepRecord.parallel.entries()) {
      const onFailure = typeof branch === 'object' && branch !== null ? (branch as Record<string, unknown>).onFailure : undefined;
      if (gotoOf(onFailure) !== undefined) problems.add(pipelineError(`${path}.parallel[${j}].onFailure`, 'stop or continue inside a parallel group', onFailure));
    }
  }

  if (problems.size > 0 || !top.success) return undefined;
  const pipeline = top.data;
  announceDeprecations(deprecations);
  return {
    [PREPARED]: true,
    name: pipeline.name ?? defaultPipelineName(options.file),
    goal: pipeline.goal ?? '',
    steps,
    document: doc as Record<string, unknown>,
    baseDir,
    documentRoots: options.documentRoots ?? documentRootsFromEnv() ?? [baseDir],
    ...(options.file ? { file: options.file } : {}),
    resources,
    ...(pipeline.deadlineMs ? { deadlineMs: pipeline.deadlineMs } : {}),
    maxVisits: pipeline.maxVisits ?? 10,
    warnings: deprecations.map(formatDeprecation),
  };
}

/**
 * Checks the shape of one step (a stage or a parallel group, and each of its branches), recording every problem.
 * Within a stage, an unknown key comes first: `taks:` is the reason `task` is missing (and is the one problem reported).
 */
function checkStepShape(step: unknown, path: string, types: readonly string[], checkTypes: boolean, problems: Problems): StepShape {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    problems.add(pipelineError(path, 'a stage object with type and task, or a parallel group', step));
    return NOT_AN_OBJECT;
  }
  const record = step as Record<string, unknown>;
  const before = problems.size;
  const bad = new Set<string>();
  if ('parallel' in record) {
    const result = parallelGroupSchema.safeParse(record, { reportInput: true });
    // errors inside a branch are reported by the branch checks below, with the stage keys as candidates
    const issues = (result.error?.issues ?? []).filter((issue) => !(issue.path[0] === 'parallel' && typeof issue.path[1] === 'number'));
    for (const issue of issues) bad.add(String(issue.path[0] ?? ''));
    problems.add(...issuesToErrors(issues, record, path, parallelGroupSchema));
    const ok = problems.size === before;
    const branches = (Array.isArray(record.parallel) ? record.parallel : []).map((branch: unknown, j): StepShape => {
      if (typeof branch === 'object' && branch !== null && 'parallel' in branch) {
        problems.add(pipelineError(`${path}.parallel[${j}]`, 'a stage (parallel groups do not nest)', branch));
        return NOT_AN_OBJECT;
      }
      return checkStepShape(branch, `${path}.parallel[${j}]`, types, checkTypes, problems);
    });
    return { object: true, ok, bad, branches };
  }
  const issues = stageSchema.safeParse(record, { reportInput: true }).error?.issues ?? [];
  const unknownKeys = issues.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0).flatMap((i) => (i as z.core.$ZodIssueUnrecognizedKeys).keys);
  const typo = (key: string) => unknownKeys.some((unknown) => didYouMean(unknown, [key]) !== '');
  // A missing `type` or `task` gets its own message below.
  const missing = (i: z.core.$ZodIssue) => i.path.length === 1 && (i.path[0] === 'type' || i.path[0] === 'task') && !(i.path[0] in record);
  const rest = issues.filter((i) => !(i.code === 'unrecognized_keys' && i.path.length === 0) && !missing(i));
  for (const issue of rest) bad.add(String(issue.path[0] ?? ''));
  for (const key of unknownKeys) problems.add(unknownKeyError(`${path}.${key}`, key, keysAt(stageSchema, [])));
  if (!('type' in record)) {
    bad.add('type');
    if (!typo('type')) problems.add(pipelineError(`${path}.type`, `one of ${types.join(', ')}`, undefined));
  }
  if (!('task' in record)) {
    bad.add('task');
    if (!typo('task')) problems.add(pipelineError(`${path}.task`, `the ${typeof record.type === 'string' ? record.type : 'engine'} task object`, undefined));
  }
  problems.add(...issuesToErrors(rest, record, path, stageSchema));
  const type = record.type;
  if (!bad.has('type') && typeof type === 'string' && !types.includes(type)) {
    if (checkTypes) problems.add(pipelineError(`${path}.type`, `one of ${types.join(', ')}`, type, didYouMean(type, types)));
    bad.add('type');
  }
  return { object: true, ok: problems.size === before, bad, branches: [] };
}

/** Stage ids as the run will have them: each step's and branch's `id`, else its default (`<type>-<n>`, `parallel-<n>`). */
function allStageIds(raw: readonly unknown[]): string[] {
  const ids: string[] = [];
  const record = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  raw.forEach((step, i) => {
    const r = record(step);
    if (!('parallel' in r)) {
      ids.push(typeof r.id === 'string' ? r.id : `${String(r.type)}-${i + 1}`);
      return;
    }
    const id = typeof r.id === 'string' ? r.id : `parallel-${i + 1}`;
    ids.push(id);
    (Array.isArray(r.parallel) ? r.parallel : []).forEach((branch: unknown, j) => {
      const b = record(branch);
      ids.push(typeof b.id === 'string' ? b.id : `${id}.${String(b.type)}-${j + 1}`);
    });
  });
  return ids;
}

/** The name of a pipeline without one: its file's base name (`nightly.yaml` is `nightly`), else `hybrid`. */
export const DEFAULT_PIPELINE_NAME = 'hybrid';
function defaultPipelineName(file: string | undefined): string {
  if (file === undefined) return DEFAULT_PIPELINE_NAME;
  return basename(file, extname(file)) || DEFAULT_PIPELINE_NAME;
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
