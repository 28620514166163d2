import type { ResourceRegistry } from './adapter.js';

/** A plain map of maps: agents, tools, handlers, graphs and workflows by name. */
export class Resources implements ResourceRegistry {
  readonly #kinds = new Map<string, Map<string, unknown>>();

  constructor(parent?: ResourceRegistry) {
    if (parent) {
      for (const kind of KNOWN_KINDS) for (const name of parent.names(kind)) this.set(kind, name, parent.get(kind, name));
    }
  }

  get<T = unknown>(kind: string, name: string): T | undefined {
    return this.#kinds.get(kind)?.get(name) as T | undefined;
  }

  has(kind: string, name: string): boolean {
    return this.#kinds.get(kind)?.has(name) ?? false;
  }

  names(kind: string): string[] {
    return [...(this.#kinds.get(kind)?.keys() ?? [])].sort();
  }

  set(kind: string, name: string, value: unknown): void {
    let byName = this.#kinds.get(kind);
    if (!byName) {
      byName = new Map();
      this.#kinds.set(kind, byName);
    }
    byName.set(name, value);
  }
}

/** Kinds of resources the built-in adapters look up. Users may add their own kinds. */
export const KNOWN_KINDS = ['agent', 'tool', 'handler', 'graph', 'workflow', 'index'] as const;
