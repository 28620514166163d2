import { extname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ResourceRegistry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';

/** What a `modules:` file default-exports: registers agents, tools, handlers, graphs, workflows by kind. */
export type ModuleRegistrar = (registry: ResourceRegistry) => void | Promise<void>;

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Imports each module (TypeScript through tsx, JavaScript natively) and lets it register its resources. */
export async function loadModules(modules: readonly string[], baseDir: string, resources: ResourceRegistry): Promise<void> {
  for (const [i, spec] of modules.entries()) {
    const path = `modules[${i}]`;
    const file = isAbsolute(spec) ? spec : resolve(baseDir, spec);
    if (!existsSync(file)) throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected an existing file; got ${JSON.stringify(spec)} (looked for ${file})`, { path, got: spec });
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
