import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FileProblem, ResolvedFile } from './paths.js';

/** One document's text, ready for chunking. */
export interface LoadedDocument {
  /** Stable id: the display path. */
  readonly id: string;
  readonly source: string;
  readonly format: DocumentFormat;
  readonly text: string;
  /** sha256 of the file's bytes: an unchanged hash means the chunks and embeddings are reused. */
  readonly hash: string;
  readonly bytes: number;
}

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'json' | 'csv' | 'pdf';

const FORMATS: Readonly<Record<string, DocumentFormat>> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.csv': 'csv',
  '.pdf': 'pdf',
};

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

export function formatOf(path: string): DocumentFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads one file with the maintained parser for its format. Throws a message naming the file on failure. */
export async function readDocument(file: ResolvedFile): Promise<LoadedDocument> {
  const format = formatOf(file.path);
  if (!format) throw new Error(`${file.display}: unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    throw new Error(`${file.display}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let text: string;
  try {
    text = await toText(format, bytes);
  } catch (error) {
    throw new Error(`${file.display}: could not parse as ${format} (${error instanceof Error ? error.message : String(error)})`);
  }
  return { id: file.display, source: file.display, format, text: text.trim(), hash: hashBytes(bytes), bytes: bytes.length };
}

/** Reads every file; a file that fails becomes a problem and the rest are kept. */
export async function readDocuments(
  files: readonly ResolvedFile[],
  onEach?: (done: number, total: number, file: ResolvedFile) => void,
  signal?: AbortSignal,
): Promise<{ documents: LoadedDocument[]; problems: FileProblem[] }> {
  const documents: LoadedDocument[] = [];
  const problems: FileProblem[] = [];
  let done = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    try {
      const doc = await readDocument(file);
      if (doc.text.length === 0) problems.push({ file: file.display, code: 'UNREADABLE', message: `${file.display}: contains no text` });
      else documents.push(doc);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ file: file.display, code: message.includes('unsupported file type') ? 'UNSUPPORTED' : 'UNREADABLE', message });
    }
    onEach?.(++done, files.length, file);
  }
  return { documents, problems };
}

export async function toText(format: DocumentFormat, bytes: Buffer): Promise<string> {
  switch (format) {
    case 'text':
    case 'markdown':
      return bytes.toString('utf8');
    case 'html': {
      const { convert } = await import('html-to-text');
      return convert(bytes.toString('utf8'), {
        wordwrap: false,
        selectors: [
          { selector: 'a', options: { ignoreHref: true } },
          { selector: 'img', format: 'skip' },
          { selector: 'script', format: 'skip' },
          { selector: 'style', format: 'skip' },
        ],
      });
    }
    case 'json':
      return flattenJson(JSON.parse(bytes.toString('utf8'))).join('\n');
    case 'csv': {
      const { parse } = await import('csv-parse/sync');
      const rows = parse(bytes, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true, trim: true }) as Record<string, string>[];
      return rows.map((row) => Object.entries(row).filter(([, v]) => v !== '' && v !== undefined).map(([k, v]) => `${k}: ${v}`).join('; ') + '.').join('\n');
    }
    case 'pdf': {
      const { extractText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      const { text } = await extractText(pdf, { mergePages: true });
      return text;
    }
  }
}

/** JSON as `path: value` lines, so keys stay searchable next to their values. */
function flattenJson(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [path ? `${path}: ${String(value)}` : String(value)];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) => flattenJson(v, path ? `${path}.${key}` : key));
}
