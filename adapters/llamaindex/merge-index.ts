import type { Chunk } from './chunking.js';
import { Corpus } from './corpus.js';
import type { Embedder } from './embeddings.js';
import { indexDir, type IndexedDocument, type IndexManifest, type StoredIndex } from './index-store.js';
import type { IngestStats } from './rag-events.js';
import type { LoadedDocument } from './readers.js';
import type { ResolvedSettings } from './settings.js';

type Emit = (kind: string, message: string, data?: Record<string, unknown>, progress?: { done: number; total: number; unit?: string }) => void;

export interface MergeInput {
  readonly documents: readonly LoadedDocument[];
  /** New chunks of the documents that had to be (re-)chunked; the others are unchanged. */
  readonly fresh: ReadonlyMap<string, Chunk[]>;
  readonly previous: StoredIndex | undefined;
  readonly settings: Pick<ResolvedSettings, 'chunkSize' | 'chunkOverlap' | 'tokenizer'>;
  readonly embedder: Embedder | undefined;
  readonly index: string | undefined;
  readonly home: string;
  readonly signal: AbortSignal;
  readonly emit: Emit;
  /** Prune: the ids of this ingest's input set; documents of the previous index not among them are dropped. */
  readonly inputSet?: ReadonlySet<string>;
}

export function sameChunking(manifest: Pick<IndexManifest, 'chunkSize' | 'chunkOverlap' | 'tokenizer'>, settings: MergeInput['settings']): boolean {
  return manifest.chunkSize === settings.chunkSize && manifest.chunkOverlap === settings.chunkOverlap && (manifest.tokenizer ?? 'fast') === settings.tokenizer;
}

const EMBED_BATCH = 256;

/**
 * The embed/index step: merges this ingest into the previous index by content hash. Unchanged documents keep
 * their chunks and vectors; changed and new ones bring fresh chunks, and only chunks without a vector for the
 * current model are sent to the embedder.
 */
export async function mergeIndex(input: MergeInput): Promise<{ stored: StoredIndex; corpus: Corpus; stats: IngestStats; chunksOf: Map<string, number> }> {
  const { documents, fresh, previous, settings, embedder, signal, emit } = input;
  const now = new Date().toISOString();
  const embedModel = embedder?.model;
  const keepVectors = previous !== undefined && previous.manifest.embedModel === embedModel;
  const manifest = previous
    ? { ...previous.manifest, documents: { ...previous.manifest.documents }, updatedAt: now }
    : { version: 1 as const, name: input.index ?? '(memory)', createdAt: now, updatedAt: now, chunkSize: settings.chunkSize, chunkOverlap: settings.chunkOverlap, documents: {} as Record<string, IndexedDocument> };
  const sameSettings = sameChunking(manifest, settings);
  if (!sameSettings) {
    manifest.documents = {};
    Object.assign(manifest, { chunkSize: settings.chunkSize, chunkOverlap: settings.chunkOverlap });
  }
  Object.assign(manifest, { tokenizer: settings.tokenizer });
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  const replaced = new Set<string>();
  // Documents that left the input set (deleted, renamed, no longer matched): their entries, chunks and vectors go.
  const removed = new Set(input.inputSet ? Object.keys(manifest.documents).filter((id) => !input.inputSet!.has(id)) : []);
  for (const id of removed) delete manifest.documents[id];
  for (const doc of documents) {
    const before = manifest.documents[doc.id];
    if (before && before.hash === doc.hash && !fresh.has(doc.id)) {
      unchanged++;
      continue;
    }
    if (before) {
      updated++;
      replaced.add(doc.id);
    } else added++;
  }
  // Chunks kept: every previous chunk whose document was not re-chunked (and settings unchanged).
  const kept = sameSettings && previous ? previous.chunks.filter((c) => !fresh.has(c.docId) && !replaced.has(c.docId) && !removed.has(c.docId)) : [];
  const newChunks = [...fresh.values()].flat();
  const vectors = new Map<string, number[]>();
  if (keepVectors && previous) for (const c of kept) {
    const v = previous.vectors.get(c.id);
    if (v) vectors.set(c.id, v);
  }
  const toEmbed = embedder ? [...kept.filter((c) => !vectors.has(c.id)), ...newChunks] : [];
  if (embedder && toEmbed.length > 0) {
    for (let i = 0; i < toEmbed.length; i += EMBED_BATCH) {
      const slice = toEmbed.slice(i, i + EMBED_BATCH);
      const out = await embedder.embed(slice.map((c) => c.text), 'passage', signal);
      slice.forEach((c, j) => vectors.set(c.id, out[j]!));
      emit('embed.progress', `embedded ${Math.min(i + EMBED_BATCH, toEmbed.length)} of ${toEmbed.length} chunks`, { model: embedder.model }, { done: Math.min(i + EMBED_BATCH, toEmbed.length), total: toEmbed.length, unit: 'chunks' });
    }
  }
  for (const doc of documents) {
    const chunks = fresh.get(doc.id);
    if (!chunks) continue;
    manifest.documents[doc.id] = { source: doc.source, hash: doc.hash, bytes: doc.bytes, format: doc.format, chunkIds: chunks.map((c) => c.id), ingestedAt: now, ...(doc.pages ? { pages: doc.pages.length } : {}) };
  }
  if (embedModel) manifest.embedModel = embedModel;
  else delete manifest.embedModel;
  const chunks = [...kept, ...newChunks];
  const stored: StoredIndex = { dir: indexDir(input.home, input.index ?? '_memory'), manifest, chunks, vectors };
  const corpus = new Corpus();
  corpus.embedModel = embedModel;
  corpus.add(chunks, chunks.map((c) => vectors.get(c.id)));
  const chunksOf = new Map<string, number>();
  for (const c of chunks) chunksOf.set(c.docId, (chunksOf.get(c.docId) ?? 0) + 1);
  const stats: IngestStats = { documents: Object.keys(manifest.documents).length, added, updated, unchanged, removed: removed.size, chunks: chunks.length, embedded: toEmbed.length };
  if (removed.size > 0) emit('index.pruned', `removed ${removed.size} document(s) no longer in the input: ${[...removed].join(', ')}`, { removed: [...removed] });
  emit('index.built', `indexed ${chunks.length} chunk(s)${embedModel ? ` with ${embedModel}` : ' (lexical)'}`, { ...stats });
  return { stored, corpus, stats, chunksOf };
}
