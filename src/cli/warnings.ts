import { onDeprecation } from '../deprecations.js';

/**
 * While the CLI runs, old spellings in a pipeline file print as `warning: <path>: deprecated, use ...` on stderr
 * (for validate, run and every command that prepares a pipeline), instead of Node's process warning.
 * Returns the function that puts process warnings back.
 */
export function printDeprecationWarnings(): () => void {
  onDeprecation((warning) => process.stderr.write(`warning: ${warning}\n`));
  return () => onDeprecation(undefined);
}
