import { tokenize } from './tokenize.js';

/**
 * LlamaIndex's own in-memory path, called directly: SentenceSplitter -> VectorStoreIndex (SimpleVectorStore)
 * -> VectorIndexRetriever, with a locally computed embedding so it runs offline. The benchmark measures the
 * adapter's offline default against it in the same run.
 */
export interface LlamaIndexBaseline {
  ingest(documents: readonly { readonly id: string; readonly text: string }[]): Promise<{ chunks: number }>;
  retrieve(query: string, topK: number): Promise<{ readonly id: string; readonly score: number; readonly text: string }[]>;
}

/** A feature-hashed bag of stemmed terms, L2-normalised: an embedding computed locally, no model download. */
export function hashedTermVector(text: string, dims = 256): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const term of tokenize(text)) {
    let h = 2166136261;
    for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619);
    v[(h >>> 0) % dims]! += 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export async function createLlamaIndexBaseline(options: { readonly chunkSize?: number; readonly chunkOverlap?: number; readonly dims?: number } = {}): Promise<LlamaIndexBaseline> {
  const li = await import('llamaindex');
  const dims = options.dims ?? 256;
  class HashedTermEmbedding extends li.BaseEmbedding {
    constructor() {
      super();
      this.embedBatchSize = 512;
    }
    async getTextEmbedding(text: string): Promise<number[]> {
      return hashedTermVector(text, dims);
    }
  }
  const embedModel = new HashedTermEmbedding();
  // Same splitter settings as the adapter (blank lines separate paragraphs), so both sides chunk alike.
  const nodeParser = new li.SentenceSplitter({ chunkSize: options.chunkSize ?? 512, chunkOverlap: options.chunkOverlap ?? 64, paragraphSeparator: '\n\n' });
  let index: import('llamaindex').VectorStoreIndex | undefined;
  let chunks = 0;
  return {
    async ingest(documents) {
      const docs = documents.map((d) => new li.Document({ id_: d.id, text: d.text }));
      index = await li.Settings.withEmbedModel(embedModel, () =>
        li.Settings.withNodeParser(nodeParser, async () => {
          const nodes = nodeParser.getNodesFromDocuments(docs);
          chunks = nodes.length;
          return li.VectorStoreIndex.init({ nodes });
        }),
      );
      return { chunks };
    },
    async retrieve(query, topK) {
      if (!index) throw new Error('ingest first');
      const retriever = index.asRetriever({ similarityTopK: topK });
      const results = await li.Settings.withEmbedModel(embedModel, () => retriever.retrieve({ query }));
      return results.map((r) => ({ id: r.node.id_, score: r.score ?? 0, text: (r.node as { text?: string }).text ?? '' }));
    },
  };
}
