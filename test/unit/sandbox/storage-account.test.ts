// The account across restarts: state persists, the admin stays reachable, reset starts afresh,
// and folders that are not sandbox folders are never written to or wiped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as iam from '@aws-sdk/client-iam';
import { resetSandbox, startSandbox } from '../../../src/sandbox/index';
import { startTestSandbox } from './helpers/sandbox';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'kms-lab-account-'));
}

const client = (sb: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) =>
  new iam.IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: { ...sb.credentials }, maxAttempts: 1 });

test('IAM state and the admin key persist across a restart; secrets are stored 0600', async () => {
  const first = await startTestSandbox({ keepData: true });
  await client(first).send(new iam.CreateUserCommand({ UserName: 'persisted' }));
  await first.stop();
  const second = await startTestSandbox({ dataDir: first.dataDir });
  try {
    assert.equal(second.credentials.accessKeyId, first.credentials.accessKeyId);
    assert.equal((await client(second).send(new iam.GetUserCommand({ UserName: 'persisted' }))).User!.UserName, 'persisted');
    if (process.platform !== 'win32') {
      for (const file of ['iam.json', 'sts-sessions.json', '.kms-lab-sandbox']) {
        const mode = await stat(path.join(second.dataDir, file)).then((s) => s.mode & 0o777, () => undefined);
        if (mode !== undefined) assert.equal(mode, 0o600, file);
      }
      assert.equal((await stat(second.dataDir)).mode & 0o777, 0o700);
    }
    assert.ok((await readFile(path.join(second.dataDir, 'iam.json'), 'utf8')).includes(second.credentials.secretAccessKey), 'the secret lives only in the 0600 file');
  } finally {
    await second.stop();
  }
});

test('an admin that deleted its own key gets a new working one on the next start', async () => {
  const first = await startTestSandbox({ keepData: true });
  const admin = client(first);
  const spare = (await admin.send(new iam.CreateAccessKeyCommand({}))).AccessKey!;
  await client({ ...first, credentials: { accessKeyId: spare.AccessKeyId!, secretAccessKey: spare.SecretAccessKey! } }).send(
    new iam.DeleteAccessKeyCommand({ AccessKeyId: first.credentials.accessKeyId }),
  );
  await first.stop();
  const second = await startTestSandbox({ dataDir: first.dataDir });
  try {
    assert.notEqual(second.credentials.accessKeyId, first.credentials.accessKeyId);
    assert.equal((await client(second).send(new iam.GetUserCommand({}))).User!.UserName, 'admin');
    const keys = (await client(second).send(new iam.ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId).sort();
    assert.deepEqual(keys, [second.credentials.accessKeyId, spare.AccessKeyId].sort());
  } finally {
    await second.stop();
  }
});

test('resetSandbox wipes the state; the next start creates a new account', async () => {
  const first = await startTestSandbox({ keepData: true });
  await client(first).send(new iam.CreateUserCommand({ UserName: 'forgotten' }));
  await first.stop();
  await resetSandbox(first.dataDir);
  assert.deepEqual(await readdir(first.dataDir), []);
  const second = await startTestSandbox({ dataDir: first.dataDir });
  try {
    assert.notEqual(second.credentials.accessKeyId, first.credentials.accessKeyId);
    await assert.rejects(client(second).send(new iam.GetUserCommand({ UserName: 'forgotten' })), { name: 'NoSuchEntityException' });
  } finally {
    await second.stop();
  }
  await resetSandbox(path.join(first.dataDir, 'never-created'));
});

test('start and reset refuse a non-empty folder that is not a sandbox folder, and leave it untouched', async () => {
  const dir = await tempDir();
  const foreign = path.join(dir, 'documents');
  await mkdir(foreign, { mode: 0o755 });
  await writeFile(path.join(foreign, 'thesis.txt'), 'precious');
  await assert.rejects(startSandbox({ dataDir: foreign, port: 0 }), /is not empty and is not a KMS Lab sandbox data folder/);
  await assert.rejects(resetSandbox(foreign), /is not empty and is not a KMS Lab sandbox data folder/);
  assert.deepEqual(await readdir(foreign), ['thesis.txt']);
  if (process.platform !== 'win32') assert.equal((await stat(foreign)).mode & 0o777, 0o755);
  await rm(dir, { recursive: true });
});

test('startSandbox checks its options', async () => {
  const dir = await tempDir();
  await assert.rejects(startSandbox({ dataDir: dir, accountId: '42' }), /Account id must be 12 digits/);
  await assert.rejects(startSandbox({ dataDir: dir, region: 'moon' }), /not an AWS region name/);
  await assert.rejects(startSandbox({ dataDir: dir, port: 70000 }), /Port must be 0–65535/);
  await rm(dir, { recursive: true });
});

test('two sandboxes on one port: the second fails clearly and the first keeps serving', async () => {
  const first = await startTestSandbox();
  const dir = await tempDir();
  try {
    await assert.rejects(startSandbox({ dataDir: path.join(dir, 'd'), port: first.sandbox.port }), /Could not listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    assert.equal((await client(first).send(new iam.GetUserCommand({}))).User!.UserName, 'admin');
  } finally {
    await first.stop();
    await rm(dir, { recursive: true });
  }
});
