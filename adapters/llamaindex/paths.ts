import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SwitchyardError } from 'switchyard/adapter-kit';

/** A document path that failed before reading: missing, outside the roots, a directory, too large. */
export interface FileProblem {
  readonly file: string;
  readonly code: 'NOT_FOUND' | 'OUTSIDE_ROOTS' | 'NOT_A_FILE' | 'TOO_LARGE' | 'UNREADABLE' | 'UNSUPPORTED' | 'NO_MATCH';
  readonly message: string;
}

export interface ResolvedFile {
  /** The real path (links resolved), inside an allowed root. */
  readonly path: string;
  /** The path as shown to users: relative to the first root containing it. */
  readonly display: string;
  readonly bytes: number;
}

export interface ResolveOptions {
  readonly baseDir: string;
  /** The roots the operator allows (absolute, or relative to baseDir): the stage context's `documentRoots` and the adapter's own. */
  readonly roots: readonly string[];
  /** A task's own roots: they narrow the allowed ones (each must lie inside one), never widen them. */
  readonly narrow?: readonly string[];
  readonly maxFileBytes: number;
}

interface Roots {
  /** Real paths (links resolved). */
  readonly real: string[];
  /** The same roots as written, resolved from baseDir, for refusing `..` before touching the file system. */
  readonly lexical: string[];
}

const GLOB_CHARS = /[*?[\]{}]/;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

async function realRoots(baseDir: string, roots: readonly string[]): Promise<Roots> {
  const real: string[] = [];
  const lexical: string[] = [];
  for (const root of roots) {
    try {
      real.push(await realpath(resolve(baseDir, root)));
      lexical.push(resolve(baseDir, root));
    } catch {
      // a configured root that does not exist allows nothing
    }
  }
  return { real, lexical };
}

/**
 * The roots documents may come from: the operator's (`roots`), or, when the task names its own (`narrow`), those of
 * them that lie inside an operator root. A task root outside every operator root is a problem and allows nothing, so
 * a pipeline can narrow its sandbox but never widen it.
 */
export async function allowedRoots(baseDir: string, roots: readonly string[], narrow?: readonly string[]): Promise<Roots & { problems: FileProblem[] }> {
  const operator = await realRoots(baseDir, roots);
  if (narrow === undefined || narrow.length === 0) return { ...operator, problems: [] };
  const own = await realRoots(baseDir, narrow);
  const real: string[] = [];
  const lexical: string[] = [];
  const problems: FileProblem[] = [];
  for (const [i, root] of own.real.entries()) {
    if (operator.real.some((allowed) => inside(allowed, root))) {
      real.push(root);
      lexical.push(own.lexical[i]!);
    } else {
      problems.push({ file: root, code: 'OUTSIDE_ROOTS', message: `task.roots: ${root} is outside the document roots the operator allows (${operator.real.join(', ')}); a task may only narrow them` });
    }
  }
  return { real, lexical, problems };
}

/**
 * Expands paths and globs (tinyglobby) and confines every match to the allowed roots, using realpath so
 * neither `..` nor a symbolic link can escape. Problems are returned per file, never thrown, so one bad
 * file among many does not lose the rest.
 */
export async function resolveDocuments(patterns: readonly string[], options: ResolveOptions): Promise<{ files: ResolvedFile[]; problems: FileProblem[] }> {
  const allowed = await allowedRoots(options.baseDir, options.roots, options.narrow);
  const roots = allowed.real;
  const files: ResolvedFile[] = [];
  const problems: FileProblem[] = [...allowed.problems];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const candidates: string[] = [];
    if (GLOB_CHARS.test(pattern)) {
      const { glob } = await import('tinyglobby');
      const absolutePattern = isAbsolute(pattern) ? pattern : resolve(options.baseDir, pattern);
      if (!roots.some((root) => inside(root, lexicalBase(absolutePattern)))) {
        problems.push({ file: pattern, code: 'OUTSIDE_ROOTS', message: `${pattern}: outside the allowed roots (${roots.join(', ')})` });
        continue;
      }
      const matches = await glob(pattern, { cwd: options.baseDir, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: false, expandDirectories: false });
      if (matches.length === 0) problems.push({ file: pattern, code: 'NO_MATCH', message: `${pattern}: the glob matched no files` });
      candidates.push(...matches.sort());
    } else {
      candidates.push(resolve(options.baseDir, pattern));
    }
    for (const candidate of candidates) {
      const result = await checkFile(candidate, pattern, allowed, options.maxFileBytes);
      if ('code' in result) problems.push(result);
      else if (!seen.has(result.path)) {
        seen.add(result.path);
        files.push(result);
      }
    }
  }
  return { files, problems };
}

/** The directory part of a glob before its first wildcard segment. */
function lexicalBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const index = parts.findIndex((part) => GLOB_CHARS.test(part));
  return (index < 0 ? parts : parts.slice(0, index)).join('/') || '/';
}

async function checkFile(candidate: string, shown: string, allowed: Roots, maxFileBytes: number): Promise<ResolvedFile | FileProblem> {
  const name = GLOB_CHARS.test(shown) ? candidate : shown;
  const roots = allowed.real;
  // `..` escapes are refused before touching the file system; links are caught below by realpath.
  if (![...allowed.lexical, ...roots].some((root) => inside(root, candidate))) {
    return { file: name, code: 'OUTSIDE_ROOTS', message: `${name}: outside the allowed roots (${roots.join(', ')})` };
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { file: name, code: 'NOT_FOUND', message: `${name}: no such file` };
    return { file: name, code: 'UNREADABLE', message: `${name}: cannot be read (${code ?? String(error)})` };
  }
  const root = roots.find((r) => inside(r, real));
  if (!root) return { file: name, code: 'OUTSIDE_ROOTS', message: `${name}: resolves to ${real}, outside the allowed roots (${roots.join(', ')})` };
  let info;
  try {
    info = await stat(real);
  } catch (error) {
    return { file: name, code: 'UNREADABLE', message: `${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  if (!info.isFile()) return { file: name, code: 'NOT_A_FILE', message: `${name}: not a regular file` };
  if (info.size > maxFileBytes) {
    return { file: name, code: 'TOO_LARGE', message: `${name}: ${info.size} bytes is over the limit of ${maxFileBytes} bytes (maxFileBytes)` };
  }
  return { path: real, display: relative(root, real) || real, bytes: info.size };
}

/** Turns problems into one user error naming every file, for when nothing at all could be read. */
export function noDocumentsError(problems: readonly FileProblem[], path = 'task.docs'): SwitchyardError {
  const list = problems.map((p) => p.message).join('; ');
  return new SwitchyardError('INVALID_INPUT', `${path}: no readable documents${list ? ` (${list})` : ''}`, {
    path,
    expected: 'readable .txt, .md, .html, .json, .csv, .pdf or .docx files inside the allowed roots',
    ...(problems[0] ? { file: problems[0].file } : {}),
    details: { problems: problems.map((p) => ({ ...p })) },
  });
}
