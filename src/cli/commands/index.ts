import type { DefineCommand } from '../output.js';

/**
 * Every CLI command, one file each. Each file only declares its flags and help;
 * its action imports what it needs lazily.
 * Add a line here when you add a command file.
 */
export const COMMANDS: readonly DefineCommand[] = [];
