import { invalidInput } from '../../errors.js';
import { MAX_TIMER_MS, parseWholeNumber } from '../numbers.js';
import type { DefineCommand } from '../output.js';
import { onStopSignals } from '../stop-signals.js';

const HELP = `
Serves the HTTP API (JSON; OpenAPI 3.1 at /api/openapi.json, a reference page at /api/docs):
run the pipelines in --pipelines DIR by name (or submitted pipeline objects that use only what those
registered), follow runs as Server-Sent Events, approve or reject waiting runs, manage schedules, and ask
the selector. See docs/server.md.

Auth: API keys from SWITCHYARD_API_KEYS (comma-separated) or --key-file (one a line), sent as
Authorization: Bearer KEY. Without keys the server listens on loopback only (--host 127.0.0.1, ::1, localhost).
Limits: --max-body bytes per request (413), --rate requests/s per key with --burst (429), --max-runs in flight (429).

Ctrl-C (SIGINT) or SIGTERM stops it: no new runs, runs in flight get --grace to finish, the rest are
recorded cancelled (\`switchyard resume ID\` continues them). A second Ctrl-C exits at once.

Examples:
  $ switchyard serve --pipelines ./pipelines
  $ SWITCHYARD_API_KEYS=$(openssl rand -hex 32) switchyard serve --host 0.0.0.0 --pipelines ./pipelines --scheduler
  $ curl -s localhost:4310/api/runs -H 'content-type: application/json' -d '{"pipeline":"quickstart"}'`;

interface ServeCliOptions {
  host: string;
  port: string;
  pipelines?: string;
  store?: string;
  home?: string;
  scheduler?: boolean;
  keyFile?: string;
  maxBody: string;
  rate: string;
  burst: string;
  maxRuns: string;
  grace: string;
  profiles?: string;
}

/** `switchyard serve`: the HTTP gateway in the foreground until stopped. */
export const defineServe: DefineCommand = (program, setExitCode) => {
  program
    .command('serve')
    .description('serve the HTTP API: run pipelines, follow their events, approve, schedule')
    .option('--host <host>', 'address to listen on (beyond loopback only with API keys)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '4310')
    .option('--pipelines <dir>', 'folder of pipeline files (*.yaml, *.yml, *.json) served by name')
    .option('--store <url>', 'run store URL (postgres://...; default SWITCHYARD_STORE_URL, else SQLite under the home)')
    .option('--home <dir>', 'switchyard home (default SWITCHYARD_HOME or ./.switchyard)')
    .option('--scheduler', 'also fire the run store\'s schedules in this process')
    .option('--key-file <file>', 'API keys, one a line (with or instead of SWITCHYARD_API_KEYS)')
    .option('--max-body <bytes>', 'largest request body in bytes', String(1024 * 1024))
    .option('--rate <n>', 'requests per second per API key', '20')
    .option('--burst <n>', 'requests one key may send at once', '40')
    .option('--max-runs <n>', 'runs in flight at once', '16')
    .option('--grace <duration>', 'how long runs in flight may finish after a stop signal', '30s')
    .option('--profiles <dir>', 'also load the orchestrator profiles in DIR for the selector routes')
    .addHelpText('after', HELP)
    .action(async (options: ServeCliOptions) => {
      setExitCode(await serveCommand(options));
    });
};

async function serveCommand(options: ServeCliOptions): Promise<number> {
  const port = parseWholeNumber(options.port, '--port', { min: 0, max: 65_535 });
  const maxBodyBytes = parseWholeNumber(options.maxBody, '--max-body', { min: 1, max: 1024 * 1024 * 1024 });
  const perSecond = parseWholeNumber(options.rate, '--rate', { min: 1, max: 1_000_000 });
  const burst = parseWholeNumber(options.burst, '--burst', { min: 1, max: 1_000_000 });
  const maxRunsInFlight = parseWholeNumber(options.maxRuns, '--max-runs', { min: 1, max: 100_000 });
  const { parseDuration } = await import('../../schedule/timing.js');
  const graceMs = parseDuration(options.grace, '--grace');
  if (graceMs > MAX_TIMER_MS) throw invalidInput('--grace', 'a duration of at most 24 days', options.grace);
  const host = options.host.trim();
  if (host === '') throw invalidInput('--host', 'an address such as 127.0.0.1 or 0.0.0.0', options.host);

  // Who may call, and where it may listen, are checked before anything is loaded or opened.
  const { apiKeys, assertBindable, loadApiKeys, API_KEYS_ENV } = await import('../../server/auth.js');
  const keyList = loadApiKeys(options.keyFile !== undefined ? { keyFile: options.keyFile } : {});
  const keys = apiKeys(keyList, options.keyFile !== undefined ? '--key-file' : API_KEYS_ENV);
  assertBindable(host, keys);

  const { createServer } = await import('../../server/app.js');
  const { listen } = await import('../../server/listen.js');
  const server = await createServer({
    apiKeys: keyList,
    maxBodyBytes,
    rateLimit: { perSecond, burst },
    maxRunsInFlight,
    ...(options.pipelines !== undefined ? { pipelinesDir: options.pipelines } : {}),
    ...(options.store !== undefined ? { storeUrl: options.store } : {}),
    ...(options.home !== undefined ? { home: options.home } : {}),
    ...(options.profiles !== undefined ? { profilesDir: options.profiles } : {}),
    ...(options.scheduler ? { scheduler: true } : {}),
  });
  let listening;
  try {
    listening = await listen(server, { host, port });
  } catch (error) {
    await server.close({ graceMs: 0 });
    throw error;
  }

  const write = (line: string) => process.stdout.write(`${line}\n`);
  const { catalog } = server.context;
  write(`switchyard serve: listening on ${listening.url} (API reference ${listening.url}/api/docs)`);
  write(
    keys.size > 0
      ? `auth: API key required (${keys.size} key${keys.size === 1 ? '' : 's'}; send Authorization: Bearer KEY)`
      : `auth: none (loopback only; set ${API_KEYS_ENV} or --key-file to require keys and listen beyond loopback)`,
  );
  write(`pipelines: ${catalog.size === 0 ? 'none registered' : `${catalog.size} from ${catalog.dir} (${catalog.names().join(', ')})`}`);
  write(`limits: ${maxBodyBytes} bytes per body, ${perSecond} requests/s per key (bursts of ${burst}), ${maxRunsInFlight} runs in flight`);
  write(`scheduler: ${options.scheduler ? 'on (firing the run store\'s schedules here)' : 'off'}`);

  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const dispose = onStopSignals((signal, count) => (count === 1 ? stop(signal) : process.exit(130)));
  try {
    const signal = await stopped;
    write(`${signal}: stopping (runs in flight have ${options.grace} to finish)`);
    const closingHttp = listening.close(graceMs + 5000);
    const report = await server.close({ graceMs });
    await closingHttp;
    write(`stopped (${report.finished} run${report.finished === 1 ? '' : 's'} finished, ${report.cancelled} cancelled and resumable)`);
    return 0;
  } finally {
    dispose();
  }
}
