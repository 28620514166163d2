import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
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
  if (extname(file).toLowerCase() === '.json') return { document: parseJson(text, file), file, baseDir: dirname(file) };
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0]!;
    // prettyErrors adds " at line L, column C:" and a code frame on further lines: keep one line, position once.
    const why = lowerFirst((first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, ''));
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'document';
    throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid YAML or JSON; ${why}`, { file, path: where });
  }
  return { document: parsed.toJS(), file, baseDir: dirname(file) };
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
