// The local sandbox: one loopback endpoint serving KMS, DynamoDB, IAM and STS for an offline account.
//   const sandbox = await startSandbox({ dataDir });
//   new KMSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.admin });
import path from 'node:path';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, openAccount } from './account';
import { Trail } from './cloudtrail';
import { createDataServices } from './data-services';
import { DYNAMODB_OPERATIONS } from './dynamodb/service';
import { KMS_OPERATIONS } from './kms/service';
import { openOrganization } from './organizations';
import { createRequestListener } from './server/front';
import { listen } from './server/http-server';
import { preloadSignatureV4 } from './server/sigv4';
import { prepareDataDir, wipeDataDir } from './storage/data-dir';
import { lockDataDir } from './storage/data-lock';
import { checkThrottleRate, delayedCredentials, LaggingDirectory, notingChanges, SandboxTiming, Throttle } from './timing';

export interface SandboxOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: loopback only unless another host is asked for explicitly. */
  host?: string;
  region?: string;
  accountId?: string;
  /** How long a new DynamoDB table stays CREATING, in milliseconds (default 250; 0: ACTIVE at once). */
  tableCreationMs?: number;
  /** AWS's delays times this factor (0, the default: every change counts at once; 1: AWS's own timing). */
  awsTiming?: number;
  /** The share of authenticated requests answered with the service's throttling error (0, the default, to 1). */
  throttleRate?: number;
  log?: (line: string) => void;
  /** The CloudTrail event history's bounds (default 25,000 events, 90 days), and LookupEvents' rate limit (none). */
  trail?: { maxEvents?: number; retentionDays?: number; lookupsPerSecond?: number };
}

export interface RunningSandbox {
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  admin: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export { DEFAULT_ACCOUNT_ID, DEFAULT_REGION };

function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new Error(`Account id must be 12 digits, got "${options.accountId}"`);
  }
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) {
    throw new Error(`"${options.region}" is not an AWS region name such as us-east-1`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Port must be 0–65535, got ${options.port}`);
  const host = options.host ?? '127.0.0.1';
  const timing = new SandboxTiming(options.awsTiming ?? 0);
  const throttle = new Throttle(checkThrottleRate(options.throttleRate ?? 0));
  const dataDir = path.resolve(options.dataDir);

  await prepareDataDir(dataDir);
  const lock = await lockDataDir(dataDir);
  let opened: Awaited<ReturnType<typeof openServices>>;
  try {
    opened = await openServices(dataDir, options, timing);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const { account, organization, trail, data, laggingIam } = opened;
  const served = {
    kms: notingChanges(trail.recording('kms', data.kms), 'kms', timing),
    dynamodb: trail.recording('dynamodb', data.dynamodb),
    cloudtrail: trail.recording('cloudtrail', trail.service),
    organizations: trail.recording('organizations', organization.service),
  };
  let server;
  try {
    server = await listen(
      createRequestListener({
        accountId: account.accountId,
        region: account.region,
        credentials: timing.enabled ? delayedCredentials(account.credentials, timing, (id) => id === account.admin.accessKeyId) : account.credentials,
        query: { iam: notingChanges(trail.recording('iam', account.iam), 'iam', timing, laggingIam?.state), sts: trail.recording('sts', account.sts) },
        json: async (service) => served[service],
        operations: { dynamodb: DYNAMODB_OPERATIONS, kms: KMS_OPERATIONS },
        log: options.log,
        throttle: throttle.rate > 0 ? (service, operation) => throttle.check(service, operation) : undefined,
      }),
      host,
      port,
    );
  } catch (error) {
    await Promise.all([data.close(), trail.close()]);
    await lock.release();
    throw new Error(`Could not listen on ${host}:${port}: ${(error as Error).message}`, { cause: error });
  }

  // Listening already; the signing library loads right after, before the first client is likely to call.
  setImmediate(preloadSignatureV4).unref();
  const endpoint = `http://${endpointHost(host)}:${server.port}`;
  await lock.setEndpoint(endpoint);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port: server.port,
    region: account.region,
    accountId: account.accountId,
    admin: account.admin,
    stop: () =>
      (stopping ??= server
        .close()
        .then(() => Promise.all([data.close(), account.flush(), organization.flush(), trail.close()]))
        .then(() => lock.release())),
  };
}

/** The account, the organization, CloudTrail and the data services, opened from the data folder. */
async function openServices(dataDir: string, options: SandboxOptions, timing: SandboxTiming) {
  const account = await openAccount({ dataDir, accountId: options.accountId, region: options.region, log: options.log });
  const organization = await openOrganization(dataDir, account.accountId, account.directory);
  const trail = await Trail.open({ dataDir, directory: account.directory, log: options.log, ...options.trail });
  // KMS and DynamoDB see IAM's writes late when the sandbox keeps AWS's timing.
  const laggingIam = timing.enabled ? new LaggingDirectory(account.directory, account.iamState, timing) : undefined;
  const data = await createDataServices({
    dataDir,
    region: account.region,
    accountId: account.accountId,
    directory: laggingIam ?? account.directory,
    dynamoDbKmsCalls: trail,
    tableCreationMs: options.tableCreationMs,
    timing,
  });
  return { account, organization, trail, data, laggingIam };
}

/** Wipes a sandbox's state; the next start creates the account afresh. Stop the sandbox first. */
export async function resetSandbox(dataDir: string): Promise<void> {
  await wipeDataDir(path.resolve(dataDir));
}
