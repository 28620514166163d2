import { delimiter, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ResourceRegistry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';

/** What a `modules:` file default-exports: registers agents, tools, handlers, graphs, workflows by kind. */
export type ModuleRegistrar = (registry: ResourceRegistry) => void | Promise<void>;

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Module roots the operator trusts besides each pipeline's own folder: `SWITCHYARD_MODULE_ROOTS`
 * (folders separated by the platform's path delimiter, `:` on POSIX). A pipeline file can never add one.
 */
export function moduleRootsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return (env.SWITCHYARD_MODULE_ROOTS ?? '').split(delimiter).filter((root) => root.trim() !== '').map((root) => resolve(root));
}

function inside(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Resolves every `modules:` entry and checks each one before any is imported: it must be an existing file whose real
 * path (symbolic links followed) lies inside the pipeline's own folder or a module root the operator set. A module is
 * code, so a refused entry is a validation error naming it, and nothing at all is imported.
 */
export function resolveTrustedModules(modules: readonly string[], baseDir: string, roots: readonly string[] = moduleRootsFromEnv()): string[] {
  const trusted = [real(baseDir), ...roots.map(real)];
  return modules.map((spec, i) => {
    const path = `modules[${i}]`;
    const file = isAbsolute(spec) ? spec : resolve(baseDir, spec);
    if (!existsSync(file) || !statSync(file).isFile()) throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected an existing file; got ${JSON.stringify(spec)} (looked for ${file})`, { path, got: spec });
    const target = real(file);
    if (!trusted.some((root) => inside(target, root))) {
      const where = `the pipeline's folder (${trusted[0]})${roots.length ? ` or a module root (${roots.join(', ')})` : ' or a module root the operator set (--module-root, SWITCHYARD_MODULE_ROOTS)'}`;
      throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected a module inside ${where}; got ${JSON.stringify(spec)} (${target}); it was not loaded`, {
        path,
        expected: `a file inside ${where}`,
        got: spec,
      });
    }
    return target;
  });
}

/**
 * Imports each module (TypeScript through tsx, JavaScript natively) and lets it register its resources.
 * Every entry is checked against the trusted roots first (`resolveTrustedModules`), so a refused one runs nothing.
 */
export async function loadModules(modules: readonly string[], baseDir: string, resources: ResourceRegistry, roots?: readonly string[]): Promise<void> {
  const files = resolveTrustedModules(modules, baseDir, roots);
  for (const [i, spec] of modules.entries()) {
    const path = `modules[${i}]`;
    const file = files[i]!;
    let loaded: { default?: unknown };
    try {
      if (TS_EXTENSIONS.has(extname(file))) {
        const { tsImport } = await import('tsx/esm/api');
        loaded = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
      } else {
        loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
      }
    } catch (error) {
      throw new SwitchyardError('INVALID_PIPELINE', `${path}: could not load ${spec}: ${(error as Error).message}`, { path, cause: error });
    }
    // tsx may wrap a CommonJS-style default twice
    let registrar = loaded.default;
    if (typeof registrar === 'object' && registrar !== null && typeof (registrar as { default?: unknown }).default === 'function') {
      registrar = (registrar as { default: unknown }).default;
    }
    if (typeof registrar !== 'function') {
      throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected a default export (registry) => void in ${spec}; got ${typeof registrar}`, { path });
    }
    try {
      await (registrar as ModuleRegistrar)(resources);
    } catch (error) {
      // A module that throws while registering is a mistake in the pipeline's own code: a user error (exit 2).
      const why = error instanceof Error ? error.message : String(error);
      throw new SwitchyardError('INVALID_PIPELINE', `${path}: ${spec} threw while registering its resources: ${why} (in ${file})`, { path, got: spec, cause: error, details: { module: file } });
    }
  }
}
