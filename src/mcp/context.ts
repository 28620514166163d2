import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceRegistry } from '../adapter.js';
import { HybridOrchestrator } from '../pipeline/orchestrator.js';
import { RUN_STORE_FILE } from '../store/home.js';
import { resolveStoreUrl } from '../store/store-url.js';
import type { RunStore } from '../store/types.js';
import { loadPipelineCatalog, type McpPipelines } from './catalog.js';
import { RunLauncher } from './launcher.js';

export interface McpContextOptions {
  /** The hub the tools run on (its owner closes it). Default: a new one on `home`, closed with the context. */
  readonly hub?: HybridOrchestrator;
  /** Where switchyard keeps its files when the context makes its own hub (default `SWITCHYARD_HOME`, else `./.switchyard`). */
  readonly home?: string;
  /** The pipelines offered by name: a folder of pipeline files (`loadPipelineCatalog`), or a catalog of the caller's. */
  readonly pipelines?: string | McpPipelines;
  /** Agents, tools, handlers registered in code, for the hub this context makes and the pipelines it loads. */
  readonly resources?: ResourceRegistry;
  /** Where operator messages go (background runs finishing, shutting down); default nowhere. Never stdout on stdio. */
  readonly log?: (line: string) => void;
}

/**
 * What every MCP session shares: the hub, the pipelines offered by name, the runs started in the background, and
 * the run store for lookups. One context serves any number of MCP servers (one per stdio connection, one per
 * HTTP request).
 */
export interface McpContext {
  readonly hub: HybridOrchestrator;
  readonly pipelines: McpPipelines;
  readonly launcher: RunLauncher;
  /** The run store when it exists (a lookup in a fresh home creates no file), else undefined. */
  existingStore(): Promise<RunStore | undefined>;
  /** Cancels the runs still going, then closes the hub if this context made it. */
  close(): Promise<void>;
}

/** Opens the context: makes the hub (unless given) and validates every pipeline in `pipelines` once, loading their modules. */
export async function openMcpContext(options: McpContextOptions = {}): Promise<McpContext> {
  const ownsHub = options.hub === undefined;
  const hub =
    options.hub ??
    new HybridOrchestrator({ ...(options.home !== undefined ? { home: options.home } : {}), ...(options.resources ? { resources: options.resources } : {}) });
  try {
    const pipelines =
      options.pipelines === undefined || typeof options.pipelines === 'string'
        ? await loadPipelineCatalog(options.pipelines, { registry: hub.registry, ...(options.resources ? { resources: options.resources } : {}) })
        : options.pipelines;
    return new Context(hub, ownsHub, pipelines, new RunLauncher(options.log));
  } catch (error) {
    if (ownsHub) await hub.close();
    throw error;
  }
}

class Context implements McpContext {
  #storeOpened: boolean;

  constructor(
    readonly hub: HybridOrchestrator,
    private readonly ownsHub: boolean,
    readonly pipelines: McpPipelines,
    readonly launcher: RunLauncher,
  ) {
    // A hub handed in may hold a store of its own (memory, PostgreSQL): ask it.
    this.#storeOpened = !ownsHub;
  }

  async existingStore(): Promise<RunStore | undefined> {
    if (!this.#storeOpened && resolveStoreUrl() === undefined && !existsSync(join(this.hub.home, RUN_STORE_FILE))) return undefined;
    this.#storeOpened = true;
    return this.hub.store();
  }

  async close(): Promise<void> {
    await this.launcher.close();
    if (this.ownsHub) await this.hub.close();
  }
}
