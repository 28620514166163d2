import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { startServerProcess } from './server-process.js';

const run = promisify(execFile);

/**
 * A REAL Prefect server for integration tests: `prefect` installed with pip into a cached virtual
 * environment, `prefect server start` on a free loopback port with SQLite in a temp PREFECT_HOME,
 * analytics and UI off, the scheduler looping fast. Never a mock.
 */

/**
 * Pinned: Prefect 3.8.8 with the FastAPI and SQLAlchemy it works with. Newer releases of those two
 * break it (FastAPI dropped `Body(min_items=)`; SQLAlchemy 2.1 breaks the scheduler's bulk insert).
 */
export const PREFECT_REQUIREMENTS = ['prefect==3.8.8', 'fastapi==0.150.0', 'sqlalchemy[asyncio]==2.0.58'] as const;

export const PREFECT_VENV = process.env.SWITCHYARD_PREFECT_VENV ?? join(homedir(), '.cache', 'switchyard', 'prefect-venv');

export interface PrefectServer {
  /** Base URL with `/api`, e.g. `http://127.0.0.1:43123/api`. */
  readonly url: string;
  readonly port: number;
  readonly home: string;
  /** Server output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Creates the venv and installs the pinned Prefect once; later calls reuse it (minutes the first time). */
export async function ensurePrefectInstalled(venv = PREFECT_VENV): Promise<string> {
  const prefect = join(venv, 'bin', 'prefect');
  const marker = join(venv, '.switchyard-requirements');
  const wanted = PREFECT_REQUIREMENTS.join(' ');
  if (existsSync(prefect) && existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted) return prefect;
  await mkdir(join(venv, '..'), { recursive: true });
  const lock = `${venv}.lock`;
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
      if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted) return prefect;
    }
  }
  try {
    if (!existsSync(join(venv, 'bin', 'pip'))) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PREFECT_REQUIREMENTS], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    await writeFile(marker, `${wanted}\n`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return prefect;
}

export interface StartOptions {
  /** Seconds between scheduler loops; default 1 (Prefect's default is 60). */
  readonly schedulerLoopSeconds?: number;
  /** Default 180 s (first start migrates the SQLite database). */
  readonly startTimeoutMs?: number;
}

export async function startPrefectServer(options: StartOptions = {}): Promise<PrefectServer> {
  const prefect = await ensurePrefectInstalled();
  const home = await mkdtemp(join(tmpdir(), 'switchyard-prefect-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api`;
  const loop = String(options.schedulerLoopSeconds ?? 1);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    PREFECT_HOME: home,
    PREFECT_API_DATABASE_CONNECTION_URL: `sqlite+aiosqlite:///${join(home, 'prefect.db')}`,
    PREFECT_SERVER_ANALYTICS_ENABLED: 'false',
    PREFECT_SERVER_UI_ENABLED: 'false',
    PREFECT_UI_ENABLED: 'false',
    PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS: loop,
    PREFECT_API_SERVICES_SCHEDULER_LOOP_SECONDS: loop,
    PREFECT_LOGGING_LEVEL: 'WARNING',
    // Only the scheduler service is needed here. The others (event persistence, late runs, foreman, ...) write to the
    // same SQLite file and, under load, made requests stall for tens of seconds.
    ...Object.fromEntries(
      ['CANCELLATION_CLEANUP', 'EVENT_PERSISTER', 'FOREMAN', 'LATE_RUNS', 'PAUSE_EXPIRATIONS', 'REPOSSESSOR', 'CLEANUP_RECONCILER', 'TASK_RUN_RECORDER', 'TRIGGERS'].map(
        (service) => [`PREFECT_SERVER_SERVICES_${service}_ENABLED`, 'false'],
      ),
    ),
  };
  const timeout = options.startTimeoutMs ?? 180_000;
  const server = await startServerProcess('prefect server', prefect, ['server', 'start', '--host', '127.0.0.1', '--port', String(port)], {
    env,
    cwd: home,
    startTimeoutMs: timeout,
    healthy: async () => {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      return response.ok && (await response.json()) === true;
    },
  }).catch(async (error: unknown) => {
    await rm(home, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  };
  return { url, port, home, output: server.output, stop };
}
