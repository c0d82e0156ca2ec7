// The embedded sandbox runs in a process of its own: whatever a request does to it cannot block the process that
// started it (the extension host), a stuck or crashed sandbox is restarted on the same endpoint with every write it
// acknowledged, and one that keeps failing is given up on, saying why.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { startSandboxProcess, type SupervisedSandbox, type SupervisorOptions } from '../../../src/sandbox/process/supervisor';
import { bundleEntry } from './helpers/front-bundle';

const dirs: string[] = [];
const running: SupervisedSandbox[] = [];
after(async () => {
  for (const sandbox of running) await sandbox.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(overrides: Partial<SupervisorOptions> = {}): Promise<SupervisedSandbox> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-isolation-'));
  dirs.push(dataDir);
  const sandbox = await startSandboxProcess({ entry: await bundleEntry('src/sandbox/process/child.ts'), dataDir, ...overrides });
  running.push(sandbox);
  return sandbox;
}

function clients(sandbox: SupervisedSandbox) {
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { ...sandbox.admin }, maxAttempts: 1 };
  return { kms: new KMSClient(config), ddb: new DynamoDBClient(config) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function waitFor<T>(what: string, register: (resolve: (value: T) => void) => void, ms = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('the sandbox in its own process', { skip: process.platform === 'win32' ? 'uses SIGSTOP' : false }, () => {
  test('security: a stuck sandbox cannot block its host, and is restarted on the same endpoint with its acknowledged writes', async () => {
    let onRestart: (event: { reason: string; pid: number | undefined }) => void = () => undefined;
    const sandbox = await start({ pingIntervalMs: 100, unresponsiveMs: 800, onRestart: (event) => onRestart(event) });
    const firstPid = sandbox.pid!;
    assert.ok(firstPid > 0 && firstPid !== process.pid);
    const { kms, ddb } = clients(sandbox);
    const key = await kms.send(new CreateKeyCommand({ Description: 'survives a restart' }));
    await ddb.send(
      new CreateTableCommand({
        TableName: 'kept',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyMetadata!.Arn },
      }),
    );
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: 'kept' });
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: 'acknowledged' }, n: { N: '42' } } }));

    // Freeze the sandbox as a request that never ends would; the host's event loop must not notice.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const restarted = waitFor<{ reason: string; pid: number | undefined }>('the restart', (resolve) => (onRestart = resolve));
    process.kill(firstPid, 'SIGSTOP');
    const event = await restarted;
    delay.disable();
    assert.match(event.reason, /^stopped answering for \d+\.\d s$/);
    // The sandbox was stuck for more than unresponsiveMs (800 ms); a host that waited on it would have stalled as long.
    // The margin under it leaves room for a loaded machine's garbage collection and scheduling.
    assert.ok(delay.max / 1e6 < 600, `the host's event loop was blocked for ${(delay.max / 1e6).toFixed(0)} ms`);
    assert.ok(!alive(firstPid), 'the stuck process was killed');
    assert.notEqual(sandbox.pid, firstPid);
    assert.equal(sandbox.restarts, 1);

    const after = clients(sandbox);
    const item = await after.ddb.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'acknowledged' } } }));
    assert.equal(item.Item?.['n']?.N, '42');
    const described = await after.kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata!.KeyId }));
    assert.equal(described.KeyMetadata?.Description, 'survives a restart');
  });

  test('a sandbox that crashes is restarted, and one that keeps crashing is given up on, saying why', async () => {
    let onRestart: (reason: string) => void = () => undefined;
    let onFailure: (reason: string) => void = () => undefined;
    const sandbox = await start({
      maxRestarts: 1,
      onRestart: ({ reason }) => onRestart(reason),
      onFailure: (reason) => onFailure(reason),
    });
    const endpoint = sandbox.endpoint;
    const restarted = waitFor<string>('the restart', (resolve) => (onRestart = resolve));
    process.kill(sandbox.pid!, 'SIGKILL');
    assert.equal(await restarted, 'was killed (SIGKILL)');
    assert.equal(sandbox.endpoint, endpoint);
    await clients(sandbox).kms.send(new CreateKeyCommand({}));

    const failed = waitFor<string>('the failure', (resolve) => (onFailure = resolve));
    process.kill(sandbox.pid!, 'SIGKILL');
    assert.match(await failed, /^The sandbox was killed \(SIGKILL\), and it already restarted 1 times in 60 s; it stays stopped\.$/);
    assert.equal(sandbox.pid, undefined);
    await sandbox.stop();
  });

  test('stop() ends the process after its stores are flushed; a start that fails says why', async () => {
    const sandbox = await start();
    const pid = sandbox.pid!;
    await clients(sandbox).kms.send(new CreateKeyCommand({}));
    await sandbox.stop();
    assert.ok(!alive(pid));
    assert.equal(sandbox.pid, undefined);

    const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-isolation-'));
    dirs.push(dataDir);
    await assert.rejects(
      startSandboxProcess({ entry: await bundleEntry('src/sandbox/process/child.ts'), dataDir, accountId: '12' }),
      /Account id must be 12 digits, got "12"/,
    );
  });
});
