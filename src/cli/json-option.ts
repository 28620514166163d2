import { invalidInput } from '../errors.js';

/**
 * The value of a JSON-valued CLI flag (`--input '{"q":1}'`, `--data`); undefined when the flag is absent.
 * Malformed JSON is a user error naming the flag (exit code 2).
 */
export function parseJsonOption(value: string | undefined, flag: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw invalidInput(flag, `JSON (${jsonProblem(error)})`, value);
  }
}

/** `Unexpected token b in JSON at position 1` -> `unexpected token b at position 1`, short enough for one line. */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return message.replace(/ in JSON/, '').replace(/^./, (c) => c.toLowerCase());
}
