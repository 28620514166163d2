import { delimiter, resolve } from 'node:path';
import { moduleRootsFromEnv } from './modules.js';

/**
 * The sandboxes the operator sets and a pipeline file cannot widen: where `modules:` may be loaded from (besides the
 * pipeline's own folder) and where documents may be read from. Each comes from the hub's options in code, else its
 * environment variable, else the default.
 */
export interface OperatorRoots {
  /** Folders whose modules are trusted besides each pipeline's own (`SWITCHYARD_MODULE_ROOTS`). Default: none. */
  readonly moduleRoots?: readonly string[];
  /** Folders documents may be read from (`SWITCHYARD_DOCUMENT_ROOTS`). Default: the pipeline's own folder. */
  readonly documentRoots?: readonly string[];
}

/** Document roots from `SWITCHYARD_DOCUMENT_ROOTS` (folders separated by the platform's path delimiter), or undefined. */
export function documentRootsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] | undefined {
  const roots = (env.SWITCHYARD_DOCUMENT_ROOTS ?? '').split(delimiter).filter((root) => root.trim() !== '');
  return roots.length ? roots.map((root) => resolve(root)) : undefined;
}

/** The operator's roots with the environment filling what code did not set (absolute paths). */
export function resolveOperatorRoots(options: OperatorRoots = {}, env: Readonly<Record<string, string | undefined>> = process.env): Required<Pick<OperatorRoots, 'moduleRoots'>> & OperatorRoots {
  const documentRoots = options.documentRoots?.map((root) => resolve(root)) ?? documentRootsFromEnv(env);
  return {
    moduleRoots: options.moduleRoots?.map((root) => resolve(root)) ?? moduleRootsFromEnv(env),
    ...(documentRoots ? { documentRoots } : {}),
  };
}
