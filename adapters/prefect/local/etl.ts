import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { SwitchyardError, ensurePrivateDir } from 'switchyard/adapter-kit';
import type { StageContext } from 'switchyard/adapter-kit';
import type { Handler } from 'switchyard/adapter-kit';
import type { EtlSource } from '../task-schema.js';
import type { DagNodeInput } from './engine.js';

/**
 * Built-in handlers for the default ETL node names, used only when no handler or agent is
 * registered under that name: extract reads the sources, transform passes records through,
 * load writes them as JSON under `<home>/etl/`, verify checks the count that landed.
 */
export function builtinEtlHandler(name: string, sources: readonly EtlSource[], options: EtlOptions = {}): Handler | undefined {
  switch (name) {
    case 'extract':
      return (_input, context) => extractSources(sources, context, options.csvValues ?? 'typed');
    case 'transform':
      return (input) => firstDep(input as DagNodeInput);
    case 'load':
      return (input, context) => loadRecords(firstDep(input as DagNodeInput), context);
    case 'verify':
      return (input) => verifyLoad(firstDep(input as DagNodeInput));
    default:
      return undefined;
  }
}

function firstDep(input: DagNodeInput): unknown {
  const values = Object.values(input.deps);
  return values.length === 1 ? values[0] : input.deps;
}

export interface EtlOptions {
  /** CSV sources: `typed` (default) casts numbers and booleans; `strings` keeps every cell as written. */
  readonly csvValues?: 'typed' | 'strings';
}

async function extractSources(sources: readonly EtlSource[], context: StageContext, csvValues: 'typed' | 'strings'): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [i, source] of sources.entries()) {
    const spec = typeof source === 'string' ? { path: source } : source;
    const name = spec.name ?? (spec.path ? basename(spec.path, extname(spec.path)) : `source${i + 1}`);
    out[name] = spec.records ?? (await readRecords(resolve(context.baseDir, spec.path!), `sources[${i}]`, csvValues));
  }
  return out;
}

async function readRecords(file: string, path: string, csvValues: 'typed' | 'strings'): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a readable file; got ${JSON.stringify(file)} (${(error as Error).message})`, { path, got: file, cause: error });
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  }
  if (ext === '.jsonl' || ext === '.ndjson') return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as unknown);
  if (ext === '.csv') {
    const { parse } = await import('csv-parse/sync');
    const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    return csvValues === 'strings' ? rows : rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, cell]) => [key, castCell(cell)])));
  }
  return text.split('\n').filter((line) => line.trim());
}

async function loadRecords(data: unknown, context: StageContext): Promise<{ file: string; records: number }> {
  const dir = join(context.home, 'etl');
  ensurePrivateDir(dir, 'etl');
  const file = join(dir, `${safe(context.pipelineName)}.${safe(context.stageId)}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ runId: context.runId, loadedAt: new Date().toISOString(), data }, null, 2), { mode: 0o600 });
  await rename(tmp, file);
  return { file, records: countRecords(data) };
}

async function verifyLoad(loaded: unknown): Promise<{ ok: true; records: number }> {
  const { file, records } = loaded as { file: string; records: number };
  const stored = JSON.parse(await readFile(file, 'utf8')) as { data: unknown };
  const count = countRecords(stored.data);
  if (count !== records) throw new SwitchyardError('STAGE_FAILED', `verify: ${file} holds ${count} records, expected ${records}`);
  return { ok: true, records };
}

function countRecords(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  if (data && typeof data === 'object') return Object.values(data).reduce<number>((sum, value) => sum + (Array.isArray(value) ? value.length : 1), 0);
  return data === undefined ? 0 : 1;
}

/**
 * A CSV cell as a value: a number when it reads back exactly as written (`3`, `-1.5`; `007`, `3.50`, `1e3` stay
 * strings), a boolean when it is true or false in any case, the text otherwise (an empty cell stays '').
 */
export function castCell(cell: string): string | number | boolean {
  if (/^(?:true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
  const n = Number(cell);
  return /^-?\d/.test(cell) && String(n) === cell ? n : cell;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_');
}
