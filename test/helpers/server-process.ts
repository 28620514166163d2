import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The last 20,000 characters it printed (stdout and stderr), for error messages. */
  output(): string;
  /** Stops its whole process group: SIGTERM, then SIGKILL after `killAfterMs`. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 10 s). */
  readonly killAfterMs?: number;
}

/**
 * Starts a real server a test needs (Prefect, an embedding model) in its own process group, so `stop()` takes its
 * workers down with it, and waits until `healthy()` answers true: the server's exit or the timeout is an error
 * carrying what it printed.
 */
export async function startServerProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: ServerProcessOptions & { readonly healthy: () => Promise<boolean>; readonly startTimeoutMs: number; readonly pollMs?: number },
): Promise<ServerProcess> {
  let output = '';
  const child = spawn(command, args, { env: options.env, ...(options.cwd ? { cwd: options.cwd } : {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), options.killAfterMs ?? 10_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was healthy:\n${output}`);
    try {
      if (await options.healthy()) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not healthy within ${options.startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
  return { child, output: () => output, stop };
}
