import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ResourceRegistry } from '../adapter.js';
import { SwitchyardError, invalidInput } from '../errors.js';
import { readPipelineFile } from '../pipeline/load.js';
import { preparePipeline, type PreparedPipeline } from '../pipeline/validate.js';
import type { AdapterRegistry } from '../registry.js';
import { KNOWN_KINDS, Resources } from '../resources.js';
import type { RunRecord } from '../store/types.js';

/**
 * The pipelines the tools run: the operator's, offered by name, and clients' inline objects. The HTTP server mounts
 * the tools over its own catalog through this interface; `loadPipelineCatalog` is the one `switchyard mcp` uses.
 */
export interface McpPipelines {
  /** The names offered, sorted. */
  names(): readonly string[];
  /** The offered pipeline of that name (validated at start, modules loaded then), or undefined. */
  get(name: string): PreparedPipeline | undefined;
  /** Validates a client's pipeline object; throws a SwitchyardError naming the path. `modules:` is refused. */
  inline(document: Record<string, unknown>): Promise<PreparedPipeline>;
  /** The pipeline a stored run continues with (approve_run, reject_run); undefined lets the hub read it from the run. */
  forRun(run: RunRecord): Promise<PreparedPipeline | undefined>;
}

const PIPELINE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface LoadCatalogOptions {
  /** The registry to validate with (the hub's, so the prepared pipelines run on it). */
  readonly registry: AdapterRegistry;
  /** Resources registered in code, besides what the pipelines' modules register. */
  readonly resources?: ResourceRegistry;
  /** The flag or option errors about the folder itself name (default `--pipelines`). */
  readonly flag?: string;
}

/**
 * Reads every pipeline file (`.yaml`, `.yml`, `.json`) at the top of `dir` (none without one), validates it and
 * loads its modules once. Each is offered under its `name`, else its file's base name. Modules must lie inside `dir`
 * or a root in `SWITCHYARD_MODULE_ROOTS`, as for any pipeline file. An invalid file, or two files with one name, is
 * an error naming the file: nothing is offered until every file is right.
 *
 * Inline pipelines may use the engines, adapters and resources (handlers, agents, ...) the offered pipelines'
 * modules registered, never load modules of their own; their relative paths resolve in `dir`.
 */
export async function loadPipelineCatalog(dir: string | undefined, options: LoadCatalogOptions): Promise<McpPipelines> {
  const shared = new Resources(options.resources);
  const entries = new Map<string, PreparedPipeline>();
  if (dir === undefined) return new FolderPipelines(undefined, entries, options.registry, shared);
  const flag = options.flag ?? '--pipelines';
  const folder = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && PIPELINE_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name);
  } catch {
    throw invalidInput(flag, 'a readable directory of pipeline files (.yaml, .yml, .json)', dir);
  }
  for (const entry of names.sort()) {
    const loaded = await readPipelineFile(join(folder, entry));
    const prepared = await preparePipeline(named(loaded.document, basename(entry, extname(entry))), {
      registry: options.registry,
      file: loaded.file,
      baseDir: loaded.baseDir,
      ...(options.resources ? { resources: options.resources } : {}),
    });
    const taken = entries.get(prepared.name);
    if (taken) {
      throw new SwitchyardError('INVALID_INPUT', `${flag}: expected one file per pipeline name; "${prepared.name}" is the name of both ${basename(taken.file ?? '')} and ${entry}`, {
        path: flag,
        file: loaded.file,
      });
    }
    entries.set(prepared.name, prepared);
    for (const kind of KNOWN_KINDS) for (const name of prepared.resources.names(kind)) shared.set(kind, name, prepared.resources.get(kind, name));
  }
  return new FolderPipelines(folder, entries, options.registry, shared);
}

class FolderPipelines implements McpPipelines {
  readonly #dir: string | undefined;
  readonly #entries: ReadonlyMap<string, PreparedPipeline>;
  readonly #registry: AdapterRegistry;
  readonly #shared: ResourceRegistry;

  constructor(dir: string | undefined, entries: ReadonlyMap<string, PreparedPipeline>, registry: AdapterRegistry, shared: ResourceRegistry) {
    this.#dir = dir;
    this.#entries = entries;
    this.#registry = registry;
    this.#shared = shared;
  }

  names(): readonly string[] {
    return [...this.#entries.keys()].sort();
  }

  get(name: string): PreparedPipeline | undefined {
    return this.#entries.get(name);
  }

  async inline(document: Record<string, unknown>): Promise<PreparedPipeline> {
    if (document.modules !== undefined) {
      const expected = 'no modules in an inline pipeline (modules are code: put the pipeline and its modules in the --pipelines folder and run it by name)';
      throw new SwitchyardError('INVALID_PIPELINE', `modules: expected ${expected}`, { path: 'modules', expected, got: document.modules });
    }
    return preparePipeline(document, { registry: this.#registry, resources: this.#shared, ...(this.#dir ? { baseDir: this.#dir } : {}) });
  }

  /** An offered file's run continues with it as validated at start; an inline run with its document again; any other file as the hub reads it. */
  async forRun(run: RunRecord): Promise<PreparedPipeline | undefined> {
    if (run.pipelineFile === undefined) return isObject(run.pipeline) ? this.inline(run.pipeline) : undefined;
    const file = resolve(run.pipelineFile);
    for (const prepared of this.#entries.values()) if (prepared.file === file) return prepared;
    return undefined;
  }
}

/** A document without a `name` is named after its file; anything else is validated as it is. */
function named(document: unknown, fallback: string): unknown {
  return isObject(document) && document.name === undefined ? { ...document, name: fallback } : document;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
