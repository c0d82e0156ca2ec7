// `npm run sandbox -- --port <p|0> --data <dir> [--region r] [--account 12digits] [--host h] [--table-creation-ms n] [--aws-timing f] [--throttle-rate r] [--verbose]`
// Prints the endpoint and the admin's credentials (five lines on stdout), then serves until SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { startSandbox, type SandboxOptions } from './index';
import { MAX_TIMING_FACTOR } from './timing/timing';

const USAGE = `Usage: npm run sandbox -- --data <dir> [--port <port|0>] [--region <region>] [--account <12 digits>] [--host <host>] [--table-creation-ms <n>] [--aws-timing <factor>] [--throttle-rate <0..1>] [--verbose]

  --data     folder holding the sandbox's state (created 0700 if missing)
  --port     TCP port; 0 (the default) picks a free one
  --region   region served by KMS and DynamoDB (default us-east-1, or the folder's)
  --account  12-digit account id (default 123456789012, or the folder's)
  --host     address to bind; loopback 127.0.0.1 unless given explicitly
  --table-creation-ms  how long a new DynamoDB table stays CREATING (default 250; 0: ACTIVE at once)
  --aws-timing  AWS's delays times this factor: new access keys, IAM and key policy changes, grants, table
             states, DynamoDB's 5-minute table key cache (default 0: instant; 1: AWS's own; 0.02: fifty times faster)
  --throttle-rate  share of requests answered with the service's throttling error (default 0; at most 1)
  --verbose  log one line per request on stderr (never secrets or values)`;

class UsageError extends Error {}

export function parseCommandLine(argv: string[]): SandboxOptions & { verbose: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        region: { type: 'string' },
        account: { type: 'string' },
        host: { type: 'string' },
        'table-creation-ms': { type: 'string' },
        'aws-timing': { type: 'string' },
        'throttle-rate': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help) throw new UsageError('');
  if (!values.data) throw new UsageError('--data <dir> is required');
  let port = 0;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}"`);
    port = Number(values.port);
  }
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
    throw new UsageError(`--account must be exactly 12 digits, got "${values.account}"`);
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
    throw new UsageError(`--region must be a region name such as us-east-1, got "${values.region}"`);
  }
  if (values.host !== undefined && values.host.trim() === '') throw new UsageError('--host must not be empty');
  const creation = values['table-creation-ms'];
  if (creation !== undefined && !/^\d{1,7}$/.test(creation)) throw new UsageError(`--table-creation-ms must be a number of milliseconds, got "${creation}"`);
  const awsTiming = fraction(values['aws-timing'], '--aws-timing', MAX_TIMING_FACTOR, 'a factor such as 1 or 0.02');
  const throttleRate = fraction(values['throttle-rate'], '--throttle-rate', 1, 'a share from 0 to 1, such as 0.1');
  return {
    dataDir: values.data,
    port,
    region: values.region,
    accountId: values.account,
    host: values.host,
    tableCreationMs: creation === undefined ? undefined : Number(creation),
    awsTiming,
    throttleRate,
    verbose: values.verbose ?? false,
  };
}

function fraction(text: string | undefined, flag: string, max: number, expected: string): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= max)) throw new UsageError(`${flag} must be ${expected} (0 to ${max}), got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) process.stderr.write(`sandbox: ${error.message}\n\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  const { verbose, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ ...sandboxOptions, log: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined });
  // Signals are handled before the lines go out: whoever reads them may signal at once.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`sandbox: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    sandbox.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`sandbox: error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdout.write(
    [
      `listening ${sandbox.endpoint}`,
      `AWS_ENDPOINT_URL=${sandbox.endpoint}`,
      `AWS_ACCESS_KEY_ID=${sandbox.admin.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${sandbox.admin.secretAccessKey}`,
      `AWS_REGION=${sandbox.region}`,
      '',
    ].join('\n'),
  );
}

/** Runs the CLI on process.argv; `npm run sandbox` calls it from the current build without spawning another node. */
export function run(): void {
  main().catch((error: Error) => {
    process.stderr.write(`sandbox: ${error.message}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
