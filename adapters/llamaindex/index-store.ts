import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError, ensurePrivateDir } from 'switchyard/adapter-kit';
import type { Chunk } from './chunking.js';
import { Corpus } from './corpus.js';
import type { DocumentFormat } from './readers.js';

export interface IndexedDocument {
  readonly source: string;
  readonly hash: string;
  readonly bytes: number;
  readonly format: DocumentFormat;
  readonly chunkIds: readonly string[];
  readonly ingestedAt: string;
  /** PDFs: the number of pages with text. */
  readonly pages?: number;
}

/** `manifest.json` of a persisted index: what was ingested, with which settings and which embedding model. */
export interface IndexManifest {
  readonly version: 1;
  readonly name: string;
  readonly createdAt: string;
  updatedAt: string;
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  /** Absent in indexes written before the setting existed: `fast`. */
  readonly tokenizer?: 'fast' | 'cl100k';
  embedModel?: string;
  documents: Record<string, IndexedDocument>;
}

/** A persisted index loaded into memory. */
export interface StoredIndex {
  readonly dir: string;
  readonly manifest: IndexManifest;
  readonly chunks: Chunk[];
  /** Vectors by chunk id, for `manifest.embedModel`. */
  readonly vectors: Map<string, number[]>;
}

export function indexDir(home: string, name: string): string {
  return join(home, 'indexes', name);
}

/** Loads `<home>/indexes/NAME`, or undefined when it does not exist. */
export async function loadIndex(home: string, name: string): Promise<StoredIndex | undefined> {
  const dir = indexDir(home, name);
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const manifest = JSON.parse(manifestText) as IndexManifest;
    if (manifest.version !== 1) throw new Error(`unknown index version ${String(manifest.version)}`);
    const cached = cache.get(dir);
    if (cached && cached.key === cacheKey(manifest)) return cached.stored;
    const chunks = JSON.parse(await readFile(join(dir, 'chunks.json'), 'utf8')) as Chunk[];
    const vectors = new Map<string, number[]>();
    if (manifest.embedModel) {
      const stored = JSON.parse(await readFile(join(dir, 'vectors.json'), 'utf8')) as Record<string, number[]>;
      for (const [id, vector] of Object.entries(stored)) vectors.set(id, vector);
    }
    const stored = { dir, manifest, chunks, vectors };
    remember(stored);
    return stored;
  } catch (error) {
    throw new SwitchyardError('ENGINE_ERROR', `index "${name}" at ${dir} is damaged: ${error instanceof Error ? error.message : String(error)}; delete the folder and ingest again`, { file: dir, cause: error });
  }
}

export async function requireIndex(home: string, name: string, path = 'task.index'): Promise<StoredIndex> {
  const stored = await loadIndex(home, name);
  if (!stored) {
    throw new SwitchyardError('NOT_FOUND', `${path}: no index named "${name}" under ${join(home, 'indexes')}; run an ingest task first`, { path, expected: 'the name of an ingested index', got: name });
  }
  return stored;
}

/** Writes the index atomically (each file to a temporary name, then renamed). */
export async function saveIndex(stored: StoredIndex): Promise<void> {
  ensurePrivateDir(stored.dir, 'index');
  const write = async (file: string, value: unknown) => {
    const target = join(stored.dir, file);
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    await rename(tmp, target);
  };
  await write('chunks.json', stored.chunks);
  if (stored.manifest.embedModel) await write('vectors.json', Object.fromEntries(stored.vectors));
  await write('manifest.json', stored.manifest);
}

/**
 * Loaded indexes and their search structures, kept per process so later stages and runs in the same process
 * (a worker, a pipeline with several query stages) skip parsing and re-indexing. Keyed by the manifest's
 * `updatedAt`, so any ingest (in this process or another) invalidates the entry.
 */
const cache = new Map<string, { key: string; stored: StoredIndex; corpus?: Corpus }>();
const CACHE_SIZE = 4;
const cacheKey = (manifest: IndexManifest) => `${manifest.updatedAt}|${Object.keys(manifest.documents).length}|${manifest.embedModel ?? ''}`;

function remember(stored: StoredIndex, corpus?: Corpus): void {
  cache.delete(stored.dir);
  cache.set(stored.dir, { key: cacheKey(stored.manifest), stored, ...(corpus ? { corpus } : {}) });
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

export function corpusOf(stored: StoredIndex): Corpus {
  const cached = cache.get(stored.dir);
  if (cached?.stored === stored && cached.corpus) return cached.corpus;
  const corpus = new Corpus();
  corpus.embedModel = stored.manifest.embedModel;
  corpus.add(stored.chunks, stored.chunks.map((c) => stored.vectors.get(c.id)));
  if (cached?.stored === stored) cached.corpus = corpus;
  return corpus;
}

/** After a save: the just-built index and corpus become the cached ones. */
export function rememberIndex(stored: StoredIndex, corpus: Corpus): void {
  remember(stored, corpus);
}

/** Forgets every cached index (the next load reads the files again). */
export function clearIndexCache(): void {
  cache.clear();
}
