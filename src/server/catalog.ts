import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ResourceRegistry } from '../adapter.js';
import { SwitchyardError, isSwitchyardError } from '../errors.js';
import { readPipelineFile } from '../pipeline/load.js';
import { preparePipeline, type PreparedPipeline } from '../pipeline/validate.js';
import type { AdapterRegistry } from '../registry.js';
import { KNOWN_KINDS, Resources } from '../resources.js';
import { HttpProblem, issuesOf, prefixIssues } from './problems.js';

/**
 * The pipelines the operator serves: every `*.yaml`, `*.yml` and `*.json` file at the top of the pipelines folder,
 * registered by its `name` (else its base name), validated and with its modules loaded once, at start. Modules
 * resolve only inside that folder or `SWITCHYARD_MODULE_ROOTS` (src/pipeline/modules.ts).
 *
 * Clients may also submit an inline pipeline: it may use the engines, adapters and resources (handlers, agents, ...)
 * the operator's modules registered, but never load modules of its own; its relative paths resolve in the folder.
 */

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface CatalogEntry {
  readonly name: string;
  /** Absolute path of the file. */
  readonly file: string;
  readonly prepared: PreparedPipeline;
}

export interface StepSummary {
  id: string;
  type: string;
  branches?: { id: string; type: string }[];
}

export class PipelineCatalog {
  readonly dir: string | undefined;
  readonly #entries: ReadonlyMap<string, CatalogEntry>;
  readonly #registry: AdapterRegistry;
  /** Everything the operator's modules registered, for inline pipelines. */
  readonly #shared: ResourceRegistry;

  private constructor(dir: string | undefined, entries: Map<string, CatalogEntry>, registry: AdapterRegistry, shared: ResourceRegistry) {
    this.dir = dir;
    this.#entries = entries;
    this.#registry = registry;
    this.#shared = shared;
  }

  /**
   * Reads and validates every pipeline in `dir` (none without a folder). A file that does not validate, or two files
   * with one name, stop the start with an error naming the file.
   */
  static async load(dir: string | undefined, registry: AdapterRegistry, base?: ResourceRegistry): Promise<PipelineCatalog> {
    const shared = new Resources(base);
    const entries = new Map<string, CatalogEntry>();
    if (dir === undefined) return new PipelineCatalog(undefined, entries, registry, shared);
    const folder = resolve(dir);
    let names: string[];
    try {
      names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name).sort();
    } catch (error) {
      throw new SwitchyardError('INVALID_INPUT', `--pipelines: expected a readable folder of pipeline files; got ${JSON.stringify(dir)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, { path: '--pipelines', got: dir });
    }
    for (const fileName of names) {
      const file = join(folder, fileName);
      const loaded = await readPipelineFile(file);
      const document = loaded.document;
      const named = isObject(document) && document.name === undefined ? { ...document, name: basename(fileName, extname(fileName)) } : document;
      const prepared = await preparePipeline(named, { registry, file: loaded.file, baseDir: loaded.baseDir, ...(base ? { resources: base } : {}) });
      const clash = entries.get(prepared.name);
      if (clash) {
        throw new SwitchyardError('INVALID_INPUT', `--pipelines: two pipelines are named ${JSON.stringify(prepared.name)}: ${basename(clash.file)} and ${fileName}; rename one`, { path: '--pipelines', file });
      }
      entries.set(prepared.name, { name: prepared.name, file: loaded.file, prepared });
      copyResources(prepared.resources, shared);
    }
    return new PipelineCatalog(folder, entries, registry, shared);
  }

  get size(): number {
    return this.#entries.size;
  }

  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  list(): CatalogEntry[] {
    return this.names().map((name) => this.#entries.get(name)!);
  }

  /** The registered pipeline, or a 404 problem naming the ones there are. */
  get(name: string): CatalogEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new HttpProblem(404, 'not-found', `no pipeline named ${JSON.stringify(name)} (registered: ${this.names().join(', ') || 'none'})`);
    return entry;
  }

  /** The registered pipeline a file path belongs to. */
  byFile(file: string): CatalogEntry | undefined {
    const target = resolve(file);
    for (const entry of this.#entries.values()) if (entry.file === target) return entry;
    return undefined;
  }

  /**
   * Validates a client's pipeline object against what the operator registered. `prefix` names where it sits in the
   * request (`pipeline` in a run request, `` when the body is the pipeline): issue paths start with it.
   * `modules:` is refused (400 naming `<prefix>.modules`); anything else wrong is a 400 with every issue.
   */
  async prepareInline(document: unknown, prefix = ''): Promise<PreparedPipeline> {
    const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
    if (isObject(document) && document.modules !== undefined) {
      const detail = `${at('modules')}: expected no modules in a submitted pipeline; it may use the engines, adapters and resources the operator's pipelines registered, or run a registered pipeline by name`;
      throw new HttpProblem(400, 'invalid-pipeline', detail, { issues: [{ path: at('modules'), message: detail, expected: 'no modules', got: document.modules }] });
    }
    try {
      return await preparePipeline(document, { registry: this.#registry, resources: this.#shared, ...(this.dir ? { baseDir: this.dir } : {}) });
    } catch (error) {
      if (!isSwitchyardError(error) || !error.isUserError) throw error;
      const issues = prefixIssues(issuesOf(error), prefix);
      const detail = issues.length === 1 ? issues[0]!.message : `${issues.length} problems in the pipeline: ${issues.map((i) => i.message).join('; ')}`;
      throw new HttpProblem(400, 'invalid-pipeline', detail, { issues, extensions: { code: error.code } });
    }
  }

  /** The issues of an inline pipeline, or none: `POST /api/validate`. */
  async check(document: unknown): Promise<{ ok: boolean; name?: string; stages?: StepSummary[]; issues: unknown[] }> {
    try {
      const prepared = await this.prepareInline(document);
      return { ok: true, name: prepared.name, stages: stepsOf(prepared), issues: [] };
    } catch (error) {
      if (error instanceof HttpProblem && error.status === 400) return { ok: false, issues: [...(error.issues ?? [])] };
      throw error;
    }
  }
}

/** The steps of a prepared pipeline as `{ id, type }` (groups with their branches). */
export function stepsOf(prepared: PreparedPipeline): StepSummary[] {
  return prepared.steps.map((step) => (step.kind === 'stage' ? { id: step.id, type: step.type } : { id: step.id, type: 'parallel', branches: step.branches.map((b) => ({ id: b.id, type: b.type })) }));
}

function copyResources(from: ResourceRegistry, to: ResourceRegistry): void {
  for (const kind of KNOWN_KINDS) for (const name of from.names(kind)) to.set(kind, name, from.get(kind, name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
