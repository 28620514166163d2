import { isSwitchyardError, issueLines, type SwitchyardError } from '../errors.js';

/** Signature of every command file: add a subcommand to the program; report a non-zero exit through setExitCode. */
export type DefineCommand = (program: import('commander').Command, setExitCode: (code: number) => void) => void;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table: no colours, so it reads the same in a terminal, a pipe and a log. */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

/**
 * Prints one clear line for a user's mistake (exit 2) and a short report for a fault (exit 1); an error with
 * several issues (an invalid pipeline) prints its header line, then one line per issue, each starting with its path.
 * Stack traces only with SWITCHYARD_DEBUG=1.
 */
export function reportError(error: unknown): number {
  const debug = process.env.SWITCHYARD_DEBUG === '1';
  if (isSwitchyardError(error)) {
    const where = error.file && !error.message.includes(error.file) ? `${error.file}: ` : '';
    process.stderr.write(`error: ${where}${errorText(error)}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.isUserError ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

/** The message, or with several issues its first line and one line per issue (at most ISSUE_LINES, then `and N more`). */
function errorText(error: SwitchyardError): string {
  if (error.issues.length <= 1) return error.message;
  return [error.message.split('\n')[0], ...issueLines(error.issues)].join('\n');
}

/**
 * `--json` for a command that may reject its input (validate, run): an error is also printed to stdout as
 * `{ ...extra, error: { code, message, ... }, issues: [{ path, message, expected?, got?, suggestion? }] }`,
 * then thrown on, so stderr and the exit code are as without `--json`.
 */
export async function withJsonError<T>(json: boolean | undefined, action: () => Promise<T>, extra: Record<string, unknown> = {}): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (json && isSwitchyardError(error)) {
      const { issues: _issues, ...rest } = error.toJSON();
      printJson({ ...extra, error: rest, issues: error.issues });
    }
    throw error;
  }
}
