import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { SwitchyardError } from '../errors.js';

export interface LoadedPipelineFile {
  /** The parsed document, not yet validated. */
  readonly document: unknown;
  /** Absolute path. */
  readonly file: string;
  /** The directory modules and relative paths resolve from. */
  readonly baseDir: string;
}

/** Reads a YAML or JSON pipeline file (YAML is a superset of JSON). Validation is separate: `validatePipeline`. */
export async function readPipelineFile(path: string): Promise<LoadedPipelineFile> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a readable pipeline file; got ${code === 'ENOENT' ? 'no such file' : (code ?? 'an unreadable file')}`, {
      path,
      expected: 'a readable pipeline file',
      details: { file },
    });
  }
  // A byte-order mark means the same thing in both formats: nothing.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const json = extname(file).toLowerCase() === '.json';
  // JSON.parse first for JSON's own messages; then the YAML parser (a superset of JSON) for what JSON.parse lets
  // through silently: a duplicate key is refused in both formats, with its position.
  if (json) parseJson(text, file);
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0]!;
    // prettyErrors adds " at line L, column C:" and a code frame on further lines: keep one line, position once.
    const why = lowerFirst((first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, ''));
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'document';
    throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid ${json ? 'JSON' : 'YAML or JSON'}; ${why}`, { file, path: where });
  }
  return { document: toJs(parsed, lineCounter, file), file, baseDir: dirname(file) };
}

/**
 * The YAML document as plain data; alias problems (a missing anchor, a billion-laughs bomb, an alias inside its own
 * anchor) become user errors with a position.
 */
function toJs(parsed: Document, lineCounter: LineCounter, file: string): unknown {
  try {
    const data: unknown = parsed.toJS({ maxAliasCount: 100 });
    selfContaining(parsed, lineCounter, file);
    return data;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = /^Unresolved alias[^:]*: (.+)$/.exec(error.message)?.[1];
    let offset: number | undefined;
    visit(parsed, {
      Alias(_, node) {
        if (offset === undefined && (unresolved === undefined || node.source === unresolved)) offset = node.range?.[0];
      },
    });
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'document';
    const why = unresolved !== undefined ? `the alias *${unresolved} refers to no anchor set before it` : 'aliases expand to too many nodes (more than 100 alias uses): the document looks like a YAML alias bomb';
    throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid YAML; ${why}`, { file, path: where, cause: error });
  }
}

/** An alias inside the node its anchor marks (`task: &t { input: *t }`) makes a value that holds itself: refused. */
function selfContaining(parsed: Document, lineCounter: LineCounter, file: string): void {
  let found: { source: string; offset: number | undefined } | undefined;
  visit(parsed, {
    Alias(_, node, path) {
      const target = node.resolve(parsed);
      if (!target || !path.includes(target)) return undefined;
      found = { source: node.source, offset: node.range?.[0] };
      return visit.BREAK;
    },
  });
  if (!found) return;
  const pos = found.offset === undefined ? undefined : lineCounter.linePos(found.offset);
  const where = pos ? `line ${pos.line}, column ${pos.col}` : 'document';
  throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid YAML; the alias *${found.source} is inside its own anchor &${found.source}, so the value would contain itself`, { file, path: where });
}

/** A `.json` pipeline: JSON.parse, its message, and its position as line and column. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? tokenOffset(message, text));
    const why = lowerFirst(message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, ''));
    const where = Number.isNaN(position) ? 'document' : lineColumn(text, position);
    throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid JSON; ${why}`, { file, path: where, cause: error });
  }
}

/** `Unexpected token '}', "{"a": }" is not valid JSON` has no position: find the quoted excerpt in the text. */
function tokenOffset(message: string, text: string): number {
  const match = /^Unexpected token '(.)', "(?:\.\.\.)?(.*?)(?:\.\.\.)?" is not valid JSON$/s.exec(message);
  if (!match) return Number.NaN;
  const at = text.indexOf(match[2]!);
  return at < 0 ? Number.NaN : at + match[2]!.indexOf(match[1]!);
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

const lowerFirst = (text: string) => text.replace(/^./, (c) => c.toLowerCase());
