import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium for browser tests (driven with playwright-core): installs the `chromium` package with apt-get
 * when it is missing, as support/postgres.ts installs PostgreSQL. Returns the executable's path.
 */
export async function findOrInstallChromium(installTimeoutMs = 600_000): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} not found and not running as root to install it; run \`apt-get install -y chromium\``);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update'], { timeout: installTimeoutMs, env });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { timeout: installTimeoutMs, env });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`installing Chromium with apt-get failed: ${(error as Error).message}\n${stderr.slice(-2000)}`, { cause: error });
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
  return CHROMIUM;
}
