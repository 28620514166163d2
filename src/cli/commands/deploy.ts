import type { DefineCommand } from '../output.js';

const HELP = `
Creates (or updates) a Prefect deployment for a pipeline file: the flow (named after the pipeline),
the work pool if it is missing, and the deployment with its schedule. The deployment's parameters
carry the whole pipeline, so any \`switchyard worker --pool NAME\` can run it.
The Prefect API comes from --api-url or PREFECT_API_URL (auth: PREFECT_API_KEY or PREFECT_API_AUTH_STRING).

Examples:
  $ export PREFECT_API_URL=http://127.0.0.1:4200/api
  $ switchyard deploy etl.yaml --pool etl --cron "0 2 * * *" --tz Europe/Berlin
  $ switchyard deploy report.yaml --pool etl --name hourly --interval 1h --json
  $ switchyard worker --pool etl`;

export interface DeployCliOptions {
  pool: string;
  cron?: string;
  interval?: string;
  tz?: string;
  name?: string;
  poolType: string;
  input?: string;
  apiUrl?: string;
  paused?: boolean;
  json?: boolean;
}

/** `switchyard deploy FILE --pool NAME [--cron EXPR] [--tz ZONE] [--name NAME]`. */
export const defineDeploy: DefineCommand = (program) => {
  program
    .command('deploy')
    .description('create a Prefect deployment (with an optional schedule) that switchyard workers run')
    .argument('<file>', 'pipeline file (YAML or JSON)')
    .requiredOption('--pool <name>', 'Prefect work pool (created when missing)')
    .option('--cron <expr>', 'cron schedule, e.g. "0 2 * * *"')
    .option('--interval <duration>', 'interval schedule instead of cron, e.g. 30s, 15m, 1h')
    .option('--tz <zone>', 'IANA time zone for the schedule (default UTC)')
    .option('--name <name>', 'deployment name', 'default')
    .option('--pool-type <type>', 'work pool type when it is created (process, or a custom type name)', 'process')
    .option('--input <json>', 'default run input (JSON)')
    .option('--paused', 'create the deployment with its schedule paused')
    .option('--api-url <url>', 'Prefect API URL (default PREFECT_API_URL)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, options: DeployCliOptions) => {
      const { runDeploy } = await import('./deploy-action.js');
      await runDeploy(file, options);
    });
};
