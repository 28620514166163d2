import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0]!;
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'document';
    throw new SwitchyardError('INVALID_PIPELINE', `${where}: expected valid YAML or JSON; ${first.message.split('\n')[0]}`, { file, path: where });
  }
  return { document: parsed.toJS(), file, baseDir: dirname(file) };
}
