import type { LoadedDocument } from './readers.js';

/** One passage of a document: a LlamaIndex TextNode reduced to what retrieval and citations need. */
export interface Chunk {
  /** `<doc hash prefix>:<n>`: stable while the document's bytes and the chunk settings are unchanged. */
  readonly id: string;
  readonly docId: string;
  readonly source: string;
  readonly text: string;
  /** Character offsets of the passage in the document's text (-1 when LlamaIndex could not place it). */
  readonly start: number;
  readonly end: number;
  /** The PDF page the passage is on (chunks never span pages). */
  readonly page?: number;
}

export interface ChunkSettings {
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  /** `fast` (default): a token estimate; `cl100k`: LlamaIndex's exact BPE tokenizer (much slower on large ingests). */
  readonly tokenizer?: 'fast' | 'cl100k';
}

/**
 * SentenceSplitter only counts tokens (`encode(text).length`). This estimate (one per word or punctuation mark,
 * plus one per further 6 letters of a long word) tracks cl100k counts on English prose closely and is far faster
 * than BPE, which dominates ingest time otherwise. `decode` is never called by SentenceSplitter.
 */
export const fastTokenizer = {
  encode(text: string): Uint32Array {
    let count = 0;
    for (const match of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) count += 1 + Math.floor((match[0].length - 1) / 6);
    return new Uint32Array(count);
  },
  decode(): string {
    throw new Error('fastTokenizer only counts tokens');
  },
};

type SentenceSplitterType = import('llamaindex').SentenceSplitter;
const splitters = new Map<string, SentenceSplitterType>();

/**
 * LlamaIndex's sentence tokenizer is quadratic in the number of sentences it is handed at once, so long
 * documents are first cut into sections of at most SECTION_CHARS at the best boundary (blank line, line
 * break, sentence end, space). Chunks never span two sections; every section is split by SentenceSplitter.
 */
const SECTION_CHARS = 16_000;

export function sections(text: string, max = SECTION_CHARS): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  while (text.length - start > max) {
    const window = text.slice(start, start + max);
    let cut = -1;
    for (const boundary of ['\n\n', '\n', '. ', ' ']) {
      const at = window.lastIndexOf(boundary);
      if (at > max / 2) {
        cut = at + boundary.length;
        break;
      }
    }
    if (cut < 0) cut = max;
    out.push({ text: text.slice(start, start + cut), offset: start });
    start += cut;
  }
  if (start < text.length) out.push({ text: text.slice(start), offset: start });
  return out;
}

/** A document's sections: each PDF page on its own (then cut as any text), or the whole text. */
function documentSections(doc: LoadedDocument): { text: string; offset: number; page?: number }[] {
  if (!doc.pages) return sections(doc.text);
  return doc.pages.flatMap((span) => sections(doc.text.slice(span.start, span.end)).map((section) => ({ text: section.text, offset: span.start + section.offset, page: span.page })));
}

/** Splits documents with LlamaIndex's SentenceSplitter (one splitter per setting, reused). */
export async function chunkDocuments(documents: readonly LoadedDocument[], settings: ChunkSettings): Promise<Chunk[]> {
  const { Document, SentenceSplitter } = await import('llamaindex');
  const tokenizer = settings.tokenizer ?? 'fast';
  const key = `${settings.chunkSize}/${settings.chunkOverlap}/${tokenizer}`;
  let splitter = splitters.get(key);
  if (!splitter) {
    splitter = new SentenceSplitter({
      chunkSize: settings.chunkSize,
      chunkOverlap: Math.min(settings.chunkOverlap, settings.chunkSize - 1),
      paragraphSeparator: '\n\n',
      ...(tokenizer === 'fast' ? { tokenizer: fastTokenizer } : {}),
    });
    splitters.set(key, splitter);
  }
  const chunks: Chunk[] = [];
  for (const doc of documents) {
    let n = 0;
    for (const section of documentSections(doc)) {
      const nodes = splitter.getNodesFromDocuments([new Document({ id_: `${doc.id}#${section.offset}`, text: section.text, metadata: { source: doc.source } })]);
      for (const node of nodes) {
        const text = (node as { text?: string }).text ?? '';
        if (!text.trim()) continue;
        chunks.push({
          id: `${doc.hash.slice(0, 16)}:${n++}`,
          docId: doc.id,
          source: doc.source,
          text,
          start: node.startCharIdx === undefined ? -1 : section.offset + node.startCharIdx,
          end: node.endCharIdx === undefined ? -1 : section.offset + node.endCharIdx,
          ...(section.page !== undefined ? { page: section.page } : {}),
        });
      }
    }
  }
  return chunks;
}
