import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** Connection string for the created database, e.g. `postgres://postgres@127.0.0.1:PORT/switchyard_test`. */
  readonly url: string;
  readonly port: number;
  /** Connection string for another fresh database on the same server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  readonly database?: string;
  /** Limit for installing the Debian package when it is missing (default 10 minutes). */
  readonly installTimeoutMs?: number;
  /** Limit for initdb and for the server to accept connections (default 60 s each). */
  readonly startTimeoutMs?: number;
}

/**
 * A real PostgreSQL server for integration tests: finds Debian's binaries (installing `postgresql` with apt-get
 * when they are missing), initialises a throwaway cluster in a temp dir owned by the `postgres` user, starts it
 * on a free loopback port with trust auth, and creates a database. `stop()` shuts it down and removes the dir;
 * a process exit stops it too.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const bin = await findOrInstallBinaries(options.installTimeoutMs ?? 600_000);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'sy-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  // initdb and the server refuse to run as root: run them as the `postgres` user.
  const pgRun = (command: string, args: string[], timeout: number) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { timeout }) : run(join(bin, command), args, { timeout });

  const port = await freePort();
  const log = join(dir, 'server.log');
  let started = false;
  const stopSync = () => {
    if (!started) return;
    started = false;
    try {
      const args = ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop'];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 30_000 });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // best effort on exit
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], startTimeoutMs);
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await pgRun('pg_ctl', ['-D', data, '-o', serverOptions, '-l', log, '-w', '-t', String(Math.ceil(startTimeoutMs / 1000)), 'start'], startTimeoutMs + 5_000);
    started = true;
  } catch (error) {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '(no server log)';
    stopSync();
    rmSync(dir, { recursive: true, force: true });
    process.removeListener('exit', stopSync);
    throw new Error(`could not start PostgreSQL from ${bin}: ${(error as Error).message}\n${serverLog}`, { cause: error });
  }

  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a plain identifier: ${name}`);
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };
  let url: string;
  try {
    url = await createDatabase(options.database ?? 'switchyard_test');
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw error;
  }

  return {
    url,
    port,
    createDatabase,
    async stop() {
      if (!started) return;
      process.removeListener('exit', stopSync);
      try {
        await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], 40_000);
        started = false;
      } finally {
        stopSync();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function findOrInstallBinaries(installTimeoutMs: number): Promise<string> {
  const found = findBinaries();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin and not running as root to install them; run `apt-get install -y postgresql`');
  }
  try {
    await run('apt-get', ['update'], { timeout: installTimeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { timeout: installTimeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`installing PostgreSQL with apt-get failed: ${(error as Error).message}\n${stderr.slice(-2000)}`, { cause: error });
  }
  const installed = findBinaries();
  if (!installed) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found');
  return installed;
}

/** The newest installed major version's bin directory. */
function findBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}
