import type { AdapterLoader, OrchestratorAdapter } from './adapter.js';
import { BUILTIN_ADAPTERS } from './builtin-adapters.js';
import { SwitchyardError } from './errors.js';

export type AdapterSource = OrchestratorAdapter | AdapterLoader;

export interface AdapterRegistryOptions {
  /** Users' own adapters (or replacements for built-ins), by type. */
  readonly adapters?: Readonly<Record<string, AdapterSource>>;
  /** Include the four built-in engines (default true). */
  readonly builtins?: boolean;
}

/**
 * Engine types -> adapters. Built-ins are imported only the first time a stage needs them,
 * so validating a pipeline or running `switchyard select` never loads an engine SDK it does not use.
 */
export class AdapterRegistry {
  readonly #sources = new Map<string, AdapterSource>();
  readonly #loaded = new Map<string, Promise<OrchestratorAdapter>>();

  constructor(options: AdapterRegistryOptions = {}) {
    if (options.builtins !== false) for (const [type, loader] of Object.entries(BUILTIN_ADAPTERS)) this.#sources.set(type, loader);
    for (const [type, source] of Object.entries(options.adapters ?? {})) this.register(type, source);
  }

  register(type: string, source: AdapterSource): this {
    if (!/^[a-z][a-z0-9_-]*$/.test(type) || type === 'auto') {
      throw new SwitchyardError('INVALID_INPUT', `adapters.${type}: expected a lower-case engine type other than "auto"`, { path: `adapters.${type}` });
    }
    this.#sources.set(type, source);
    this.#loaded.delete(type);
    return this;
  }

  has(type: string): boolean {
    return this.#sources.has(type);
  }

  /** Registered types in registration order (built-ins first). */
  types(): string[] {
    return [...this.#sources.keys()];
  }

  /** The adapter for a type, loading it on first use; concurrent callers share one load. */
  get(type: string): Promise<OrchestratorAdapter> {
    const cached = this.#loaded.get(type);
    if (cached) return cached;
    const source = this.#sources.get(type);
    if (!source) {
      return Promise.reject(new SwitchyardError('UNKNOWN_ORCHESTRATOR', `unknown orchestrator type ${JSON.stringify(type)}; expected one of ${this.types().join(', ')}`));
    }
    const loading = (typeof source === 'function' ? source() : Promise.resolve(source)).then((adapter) => {
      if (adapter.type !== type) {
        throw new SwitchyardError('INTERNAL', `adapter registered as ${JSON.stringify(type)} reports type ${JSON.stringify(adapter.type)}`);
      }
      return adapter;
    });
    loading.catch(() => this.#loaded.delete(type));
    this.#loaded.set(type, loading);
    return loading;
  }

  /** Adapters that were loaded (never loads one). */
  async loaded(): Promise<OrchestratorAdapter[]> {
    const settled = await Promise.allSettled(this.#loaded.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  async close(): Promise<void> {
    for (const adapter of await this.loaded()) await adapter.close?.();
  }
}
