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
  /** PDFs: where each page's text lies in `text` (pages are joined by a blank line). Chunks never span two pages. */
  readonly pages?: readonly PageSpan[];
  /** CSVs: the rows as records, typed (numbers and booleans cast) unless `csvValues: "strings"`. */
  readonly table?: { readonly columns: readonly string[]; readonly records: readonly Record<string, CsvValue>[] };
}

export interface PageSpan {
  /** 1-based page number. */
  readonly page: number;
  readonly start: number;
  readonly end: number;
}

export type CsvValue = string | number | boolean | null;

export interface ReadOptions {
  /** `typed` (default): numbers and booleans in CSV cells are cast; `strings` keeps every cell as written. */
  readonly csvValues?: 'typed' | 'strings';
}

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'json' | 'csv' | 'pdf' | 'docx';

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
  '.docx': 'docx',
};

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

export function formatOf(path: string): DocumentFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads one file with the maintained parser for its format. Throws a message naming the file on failure. */
export async function readDocument(file: ResolvedFile, options: ReadOptions = {}): Promise<LoadedDocument> {
  const format = formatOf(file.path);
  if (!format) throw new Error(`${file.display}: unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    throw new Error(`${file.display}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: Parsed;
  try {
    parsed = await parse(format, bytes, options);
  } catch (error) {
    throw new Error(`${file.display}: could not parse as ${format} (${error instanceof Error ? error.message : String(error)})`);
  }
  // Pages keep their offsets: only the whole text's ends are trimmed, never the inside.
  const lead = parsed.text.length - parsed.text.trimStart().length;
  const text = parsed.text.trim();
  const pages = parsed.pages?.map((p) => ({ page: p.page, start: Math.max(0, p.start - lead), end: Math.min(text.length, p.end - lead) })).filter((p) => p.end > p.start);
  return {
    id: file.display,
    source: file.display,
    format,
    text,
    hash: hashBytes(bytes),
    bytes: bytes.length,
    ...(pages ? { pages } : {}),
    ...(parsed.table ? { table: parsed.table } : {}),
  };
}

/** Reads every file; a file that fails becomes a problem and the rest are kept. */
export async function readDocuments(
  files: readonly ResolvedFile[],
  onEach?: (done: number, total: number, file: ResolvedFile) => void,
  signal?: AbortSignal,
  options: ReadOptions = {},
): Promise<{ documents: LoadedDocument[]; problems: FileProblem[] }> {
  const documents: LoadedDocument[] = [];
  const problems: FileProblem[] = [];
  let done = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    try {
      const doc = await readDocument(file, options);
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

interface Parsed {
  readonly text: string;
  readonly pages?: readonly PageSpan[];
  readonly table?: LoadedDocument['table'];
}

/** A document's text (as before: the text of one format, for callers that need only that). */
export async function toText(format: DocumentFormat, bytes: Buffer, options: ReadOptions = {}): Promise<string> {
  return (await parse(format, bytes, options)).text;
}

const HTML_SELECTORS = [
  { selector: 'a', options: { ignoreHref: true } },
  { selector: 'img', format: 'skip' },
  { selector: 'script', format: 'skip' },
  { selector: 'style', format: 'skip' },
];

async function parse(format: DocumentFormat, bytes: Buffer, options: ReadOptions): Promise<Parsed> {
  switch (format) {
    case 'text':
    case 'markdown':
      return { text: bytes.toString('utf8') };
    case 'html': {
      const { convert } = await import('html-to-text');
      return { text: convert(bytes.toString('utf8'), { wordwrap: false, selectors: HTML_SELECTORS }) };
    }
    case 'json':
      return { text: flattenJson(JSON.parse(bytes.toString('utf8'))).join('\n') };
    case 'csv':
      return parseCsv(bytes, options.csvValues ?? 'typed');
    case 'pdf':
      return parsePdf(bytes);
    case 'docx':
      return { text: await docxText(bytes) };
  }
}

/**
 * CSV with csv-parse: one `column: value; ...` line per row for retrieval (the cells as written), and the rows as records.
 * Typed: a cell is a number when it reads back exactly as written (`3`, `-1.5`; `007`, `3.50`, `1e3` stay strings),
 * a boolean when it is true or false in any case; empty cells are null. `strings` keeps every cell as written.
 */
async function parseCsv(bytes: Buffer, values: 'typed' | 'strings'): Promise<Parsed> {
  const { parse: parseRows } = await import('csv-parse/sync');
  const rows = parseRows(bytes, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true, trim: true }) as Record<string, string>[];
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  const text = rows.map((row) => Object.entries(row).filter(([, v]) => v !== '' && v !== undefined).map(([k, v]) => `${k}: ${v}`).join('; ') + '.').join('\n');
  const records = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, values === 'typed' ? castCell(v) : (v ?? '')])));
  return { text, table: { columns, records } };
}

export function castCell(cell: string | undefined): CsvValue {
  if (cell === undefined || cell === '') return null;
  if (/^(?:true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
  const n = Number(cell);
  return /^-?\d/.test(cell) && String(n) === cell ? n : cell;
}

/** DOCX with mammoth (to HTML: headings, paragraphs, lists and tables keep their shape), then html-to-text. */
async function docxText(bytes: Buffer): Promise<string> {
  const { default: mammoth } = await import('mammoth');
  const { value: html } = await mammoth.convertToHtml({ buffer: bytes });
  const { convert } = await import('html-to-text');
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      ...HTML_SELECTORS,
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  });
  return text.replace(/\n{3,}/g, '\n\n');
}

interface TextItem {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly fontSize: number;
  readonly hasEOL: boolean;
}

/**
 * PDF with unpdf, page by page, keeping lines and paragraphs: text items are joined into lines by position, and a
 * line starts a new paragraph (a blank line in the text) when the gap above it is clearly wider than the page's usual
 * line spacing or its font size changes (a heading). Pages are joined by a blank line and their offsets kept.
 */
async function parsePdf(bytes: Buffer): Promise<Parsed> {
  const { extractTextItems, getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { items } = await extractTextItems(pdf);
  let text = '';
  const pages: PageSpan[] = [];
  items.forEach((pageItems, i) => {
    const pageText = pageParagraphs(pageItems as TextItem[]);
    if (!pageText) return;
    if (text) text += '\n\n';
    pages.push({ page: i + 1, start: text.length, end: text.length + pageText.length });
    text += pageText;
  });
  return { text, pages };
}

export function pageParagraphs(items: readonly TextItem[]): string {
  const lines: { text: string; y: number; size: number }[] = [];
  let current: { text: string; y: number; size: number; right: number } | undefined;
  const flush = () => {
    if (current && current.text.trim()) lines.push({ text: current.text.replace(/\s+/g, ' ').trim(), y: current.y, size: current.size });
    current = undefined;
  };
  for (const item of items) {
    if (current && Math.abs(item.y - current.y) > Math.max(1, 0.4 * (item.fontSize || current.size))) flush();
    if (item.str) {
      if (!current) current = { text: item.str, y: item.y, size: item.fontSize, right: item.x + item.width };
      else {
        const gap = item.x - current.right;
        current.text += gap > 0.15 * item.fontSize && !/\s$/.test(current.text) && !/^\s/.test(item.str) ? ` ${item.str}` : item.str;
        current.right = item.x + item.width;
        current.size = Math.max(current.size, item.fontSize);
      }
    }
    if (item.hasEOL) flush();
  }
  flush();
  if (lines.length === 0) return '';
  const gaps = lines.slice(1).map((line, i) => lines[i]!.y - line.y).filter((g) => g > 0).sort((a, b) => a - b);
  const usual = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 0;
  let out = lines[0]!.text;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    const line = lines[i]!;
    const gap = prev.y - line.y;
    const paragraph = gap <= 0 || gap > usual * 1.3 + 0.5 || Math.abs(line.size - prev.size) > 0.5;
    if (paragraph) out += `\n\n${line.text}`;
    else out += /\p{L}-$/u.test(out) && /^\p{Ll}/u.test(line.text) ? line.text : ` ${line.text}`;
  }
  return out;
}

/** JSON as `path: value` lines, so keys stay searchable next to their values. */
function flattenJson(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [path ? `${path}: ${String(value)}` : String(value)];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) => flattenJson(v, path ? `${path}.${key}` : key));
}
