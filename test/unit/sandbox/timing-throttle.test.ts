// Throttling, offline (--throttle-rate): each service's own error and HTTP status, and the SDKs' own retries
// (SDK v3's standard mode, boto3's standard mode) recovering from it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import * as sts from '@aws-sdk/client-sts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, startCli } from './helpers/cli-process';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

async function failureOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
  throw new Error('expected a throttling error');
}

describe('a sandbox that throttles every request (--throttle-rate 1)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startTestSandbox({ throttleRate: 1 });
  });
  after(() => sb.stop());

  test("each service answers with its own throttling error and HTTP status", async () => {
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 };
    const d = new ddb.DynamoDBClient(config);
    assert.deepEqual(await failureOf(new kms.KMSClient(config).send(new kms.ListKeysCommand({}))), {
      name: 'ThrottlingException',
      status: 400,
      message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    });
    assert.deepEqual(await failureOf(d.send(new ddb.ListTablesCommand({}))), { name: 'ThrottlingException', status: 400, message: 'Rate of requests exceeds the allowed throughput.' });
    const item = await failureOf(d.send(new ddb.GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } })));
    assert.equal(item.name, 'ProvisionedThroughputExceededException');
    assert.equal(item.status, 400);
    assert.deepEqual(await failureOf(new iam.IAMClient(config).send(new iam.ListUsersCommand({}))), { name: 'Throttling', status: 400, message: 'Rate exceeded' });
    assert.deepEqual(await failureOf(new sts.STSClient(config).send(new sts.GetCallerIdentityCommand({}))), { name: 'Throttling', status: 400, message: 'Rate exceeded' });
  });

  test('boto3 reads the same codes and statuses', { skip: needsBoto3 }, async () => {
    const out = await runBoto3(sb, `out([error_of(lambda: kms.list_keys()), error_of(lambda: ddb.list_tables()), error_of(lambda: iam.list_users()), error_of(lambda: sts.get_caller_identity())])`);
    assert.deepEqual(
      out.map((error: { code: string; status: number }) => [error.code, error.status]),
      [['ThrottlingException', 400], ['ThrottlingException', 400], ['Throttling', 400], ['Throttling', 400]],
    );
  });
});

describe('a sandbox that throttles one request in five (--throttle-rate 0.2)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startTestSandbox({ throttleRate: 0.2 });
  });
  after(() => sb.stop());

  test("SDK v3's own retries recover: every call succeeds, and some needed a retry", async () => {
    // Standard retry mode; 6 attempts make a call that fails every one of them a 1-in-15,625 event.
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 6 };
    const clients = { kms: new kms.KMSClient(config), ddb: new ddb.DynamoDBClient(config), iam: new iam.IAMClient(config) };
    let attempts = 0;
    for (let i = 0; i < 12; i++) {
      const results = await Promise.all([
        clients.kms.send(new kms.ListKeysCommand({})),
        clients.ddb.send(new ddb.ListTablesCommand({})),
        clients.iam.send(new iam.ListUsersCommand({})),
      ]);
      for (const result of results) attempts += result.$metadata.attempts ?? 1;
    }
    assert.ok(attempts > 36, `36 calls took ${attempts} attempts: some were throttled and retried`);
  });

  test("boto3's own retries recover (standard mode)", { skip: needsBoto3 }, async () => {
    const out = await runBoto3(
      sb,
      `
cfg = Config(retries={'mode': 'standard', 'max_attempts': 6})
k = _s.client('kms', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=cfg)
i = _s.client('iam', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=cfg)
attempts = 0
for n in range(12):
    for call in (k.list_keys, i.list_users):
        attempts += call()['ResponseMetadata'].get('RetryAttempts', 0) + 1
out(attempts)`,
    );
    assert.ok(out > 24, `24 calls took ${out} attempts`);
  });
});

describe('the CLI flags', () => {
  test('--aws-timing and --throttle-rate out of range are refused with the usage', async () => {
    for (const [flag, value] of [['--throttle-rate', '1.5'], ['--aws-timing', '10.5'], ['--aws-timing', 'fast'], ['--aws-timing', '11']]) {
      const result = await runCli(['--data', '/nonexistent/kms-lab-timing', flag, value]);
      assert.equal(result.code, 2, `${flag} ${value}`);
      assert.match(result.stderr, new RegExp(`${flag} must be`), `${flag} ${value}`);
    }
  });

  test('--throttle-rate 1 started from the CLI throttles every request', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-timing-cli-'));
    const cli = await startCli(['--port', '0', '--data', dataDir, '--aws-timing', '0.02', '--throttle-rate', '1']);
    try {
      const client = new sts.STSClient({ endpoint: cli.endpoint, region: cli.region, credentials: cli.credentials, maxAttempts: 1 });
      assert.equal((await failureOf(client.send(new sts.GetCallerIdentityCommand({})))).name, 'Throttling');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
