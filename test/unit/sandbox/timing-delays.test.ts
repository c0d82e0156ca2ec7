// AWS's timing, offline (--aws-timing <factor>): each delay, through real SDK v3 clients against a running sandbox.
// Factor 0.1 makes IAM's delays 1 s and KMS's 0.5 s, long enough to be seen under load and short enough to wait for.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import { addKeyUser, removeKeyUser } from '../../../src/policy';
import { AWS_DELAYS } from '../../../src/sandbox/timing';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { createUserWithKey, type Credentials } from './helpers/users';

const FACTOR = 0.1;
const scaled = (name: keyof typeof AWS_DELAYS) => AWS_DELAYS[name].ms * FACTOR;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DYNAMODB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';

let sb: TestSandbox;
let admin: { iam: iam.IAMClient; kms: kms.KMSClient; ddb: ddb.DynamoDBClient };

function clients(credentials: Credentials) {
  const config = { endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 };
  return { iam: new iam.IAMClient(config), kms: new kms.KMSClient(config), ddb: new ddb.DynamoDBClient(config) };
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const failure = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode };
  }
}

/** Polls until the call succeeds; returns how long after `since` it first did. */
async function firstSuccessAfter(since: number, call: () => Promise<unknown>, limitMs: number): Promise<number> {
  for (;;) {
    try {
      await call();
      return Date.now() - since;
    } catch (error) {
      if (Date.now() - since > limitMs) throw error;
      await sleep(50);
    }
  }
}

async function createTable(name: string, keyId?: string): Promise<ddb.TableDescription> {
  const created = await admin.ddb.send(
    new ddb.CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: keyId ? { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId } : undefined,
    }),
  );
  return created.TableDescription!;
}

async function tableStatus(name: string): Promise<string | undefined> {
  try {
    return (await admin.ddb.send(new ddb.DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return 'GONE';
    throw error;
  }
}

async function waitForStatus(name: string, status: string, limitMs: number): Promise<number> {
  const since = Date.now();
  while ((await tableStatus(name)) !== status) {
    if (Date.now() - since > limitMs) throw new Error(`${name} not ${status} within ${limitMs} ms`);
    await sleep(50);
  }
  return Date.now() - since;
}

before(async () => {
  sb = await startTestSandbox({ awsTiming: FACTOR, tableCreationMs: 0 });
  admin = clients(sb.credentials);
});
after(() => sb.stop());

describe("the sandbox at AWS's timing (factor 0.1)", () => {
  test('the admin key the sandbox made is usable at once', async () => {
    await admin.iam.send(new iam.ListUsersCommand({}));
  });

  test('a new access key is refused as each service words it, then works after its delay', async () => {
    const made = Date.now();
    const user = await createUserWithKey(admin.iam, 'new-key-user', { policies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const fresh = clients(user);
    const early = [await errorOf(fresh.iam.send(new iam.ListUsersCommand({})))];
    early.push(await errorOf(fresh.kms.send(new kms.ListKeysCommand({}))));
    early.push(await errorOf(fresh.ddb.send(new ddb.ListTablesCommand({}))));
    // Only meaningful while the key is still new: the three calls above ran within its delay.
    assert.ok(Date.now() - made < scaled('accessKey'), 'the calls ran within the delay');
    assert.deepEqual(early, [
      { name: 'InvalidClientTokenId', status: 403 },
      { name: 'UnrecognizedClientException', status: 400 },
      { name: 'UnrecognizedClientException', status: 400 },
    ]);
    const after = await firstSuccessAfter(made, () => fresh.kms.send(new kms.ListKeysCommand({})), 10_000);
    assert.ok(after >= scaled('accessKey') - 50, `usable after ${after} ms, not before ${scaled('accessKey')} ms`);
  });

  test('an inline policy reaches KMS after its delay; IAM itself shows it at once', async () => {
    const user = await createUserWithKey(admin.iam, 'late-policy-user');
    await sleep(scaled('accessKey') + 100);
    const reader = clients(user);
    assert.equal((await errorOf(reader.kms.send(new kms.ListKeysCommand({}))))?.name, 'AccessDeniedException');
    const granted = Date.now();
    await admin.iam.send(
      new iam.PutUserPolicyCommand({ UserName: 'late-policy-user', PolicyName: 'list', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' }] }) }),
    );
    assert.ok((await admin.iam.send(new iam.ListUserPoliciesCommand({ UserName: 'late-policy-user' }))).PolicyNames?.includes('list'));
    assert.equal((await errorOf(reader.kms.send(new kms.ListKeysCommand({}))))?.name, 'AccessDeniedException', 'not yet');
    const after = await firstSuccessAfter(granted, () => reader.kms.send(new kms.ListKeysCommand({})), 10_000);
    assert.ok(after >= scaled('identityPolicy') - 50, `allowed after ${after} ms`);
  });

  test('a key policy naming a user made a moment ago is refused as an invalid principal until IAM has shown the user to KMS', async () => {
    const key = (await admin.kms.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    const policy = (await admin.kms.send(new kms.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!;
    const made = Date.now();
    await admin.iam.send(new iam.CreateUserCommand({ UserName: 'not-yet-seen-user' }));
    const naming = addKeyUser(policy, `arn:aws:iam::${sb.accountId}:user/not-yet-seen-user`);
    const put = () => admin.kms.send(new kms.PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: naming }));
    // AWS's words (aws-behaviour.md, "PutKeyPolicy and CreateKey safety check": an unknown principal).
    await assert.rejects(put(), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, 'MalformedPolicyDocumentException');
      assert.equal(error.message, 'Policy contains a statement with one or more invalid principals.');
      assert.equal(error.$metadata?.httpStatusCode, 400);
      return true;
    });
    assert.ok(Date.now() - made < scaled('identityPolicy'), 'refused within the delay');
    const after = await firstSuccessAfter(made, put, 10_000);
    assert.ok(after >= scaled('identityPolicy') - 50, `accepted after ${after} ms`);
    assert.match((await admin.kms.send(new kms.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!, /not-yet-seen-user/);
    // A principal that never existed stays refused.
    await assert.rejects(
      admin.kms.send(new kms.PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: addKeyUser(policy, `arn:aws:iam::${sb.accountId}:user/nobody-at-all`) })),
      (error: Error) => error.name === 'MalformedPolicyDocumentException',
    );
  });

  test('a key policy change reaches KMS after its delay', async () => {
    const user = await createUserWithKey(admin.iam, 'key-policy-user');
    const userArn = `arn:aws:iam::${sb.accountId}:user/key-policy-user`;
    const key = (await admin.kms.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    const ciphertext = (await admin.kms.send(new kms.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    await sleep(Math.max(scaled('accessKey'), scaled('identityPolicy')) + 100);
    const reader = clients(user);
    const policy = (await admin.kms.send(new kms.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!;
    const changed = Date.now();
    await admin.kms.send(new kms.PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: addKeyUser(policy, userArn) }));
    assert.equal((await errorOf(reader.kms.send(new kms.DecryptCommand({ CiphertextBlob: ciphertext }))))?.name, 'AccessDeniedException', 'not yet');
    const after = await firstSuccessAfter(changed, () => reader.kms.send(new kms.DecryptCommand({ CiphertextBlob: ciphertext })), 10_000);
    assert.ok(after >= scaled('keyPolicy') - 50, `allowed after ${after} ms`);
  });

  test('a new grant is refused without its token until its delay has passed, and usable at once with it', async () => {
    const user = await createUserWithKey(admin.iam, 'grantee');
    const key = (await admin.kms.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    const ciphertext = (await admin.kms.send(new kms.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    await sleep(Math.max(scaled('accessKey'), scaled('identityPolicy')) + 100);
    const grantee = clients(user);
    const granted = Date.now();
    const { GrantToken } = await admin.kms.send(
      new kms.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: `arn:aws:iam::${sb.accountId}:user/grantee`, Operations: ['Decrypt'] }),
    );
    await grantee.kms.send(new kms.DecryptCommand({ CiphertextBlob: ciphertext, GrantTokens: [GrantToken!] }));
    assert.equal((await errorOf(grantee.kms.send(new kms.DecryptCommand({ CiphertextBlob: ciphertext }))))?.name, 'AccessDeniedException', 'not yet');
    const after = await firstSuccessAfter(granted, () => grantee.kms.send(new kms.DecryptCommand({ CiphertextBlob: ciphertext })), 10_000);
    assert.ok(after >= scaled('grant') - 50, `allowed without the token after ${after} ms`);
  });

  test('a table is CREATING, an encryption change UPDATING, a deleted table DELETING, each for its delay', async () => {
    const created = await createTable('timed-table');
    assert.equal(created.TableStatus, 'CREATING');
    const active = await waitForStatus('timed-table', 'ACTIVE', 20_000);
    assert.ok(active >= scaled('tableCreating') - 300, `ACTIVE after ${active} ms`);
    const key = (await admin.kms.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    await admin.ddb.send(new ddb.UpdateTableCommand({ TableName: 'timed-table', SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyId } }));
    const updating = (await admin.ddb.send(new ddb.DescribeTableCommand({ TableName: 'timed-table' }))).Table!;
    assert.equal(updating.TableStatus, 'UPDATING');
    assert.equal(updating.SSEDescription?.Status, 'UPDATING');
    await waitForStatus('timed-table', 'ACTIVE', 20_000);
    const deleted = await admin.ddb.send(new ddb.DeleteTableCommand({ TableName: 'timed-table' }));
    assert.equal(deleted.TableDescription?.TableStatus, 'DELETING');
    assert.equal(await tableStatus('timed-table'), 'DELETING');
    await waitForStatus('timed-table', 'GONE', 20_000);
  });
});

describe("DynamoDB's per-caller table key cache (factor 0.01: five minutes become 3 s)", () => {
  let cached: TestSandbox;
  let cachedAdmin: ReturnType<typeof clients>;
  const CACHE_FACTOR = 0.01;
  const cacheMs = AWS_DELAYS.tableKeyCache.ms * CACHE_FACTOR;

  before(async () => {
    cached = await startTestSandbox({ awsTiming: CACHE_FACTOR, tableCreationMs: 0 });
    const config = { endpoint: cached.endpoint, region: cached.region, credentials: cached.credentials, maxAttempts: 1 };
    cachedAdmin = { iam: new iam.IAMClient(config), kms: new kms.KMSClient(config), ddb: new ddb.DynamoDBClient(config) };
  });
  after(() => cached.stop());

  const readerOf = (credentials: Credentials) => new ddb.DynamoDBClient({ endpoint: cached.endpoint, region: cached.region, credentials, maxAttempts: 1 });
  const scan = (client: ddb.DynamoDBClient, table: string) => client.send(new ddb.ScanCommand({ TableName: table }));

  async function setUp(table: string, users: string[]) {
    const key = (await cachedAdmin.kms.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    await cachedAdmin.ddb.send(
      new ddb.CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyId },
      }),
    );
    for (;;) if ((await cachedAdmin.ddb.send(new ddb.DescribeTableCommand({ TableName: table }))).Table?.TableStatus === 'ACTIVE') break;
    await cachedAdmin.ddb.send(new ddb.PutItemCommand({ TableName: table, Item: { id: { S: '1' } } }));
    const readers = [];
    for (const name of users) readers.push(readerOf(await createUserWithKey(cachedAdmin.iam, name, { policies: [DYNAMODB_FULL] })));
    const arns = users.map((name) => `arn:aws:iam::${cached.accountId}:user/${name}`);
    let policy = (await cachedAdmin.kms.send(new kms.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!;
    for (const arn of arns) policy = addKeyUser(policy, arn);
    // As on AWS, KMS accepts a key policy naming the new users once IAM has shown them to it.
    await sleep(AWS_DELAYS.identityPolicy.ms * CACHE_FACTOR + 200);
    await cachedAdmin.kms.send(new kms.PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy }));
    await sleep(1_000); // every IAM and KMS change of the set-up is known everywhere
    return { key, readers, arns };
  }

  test('after the key policy stops allowing a reader, its reads go on until its cached table key expires; a reader without one is refused', async () => {
    const { key, readers, arns } = await setUp('cached-table', ['cached-reader', 'uncached-reader']);
    const [reader, other] = readers;
    await scan(reader, 'cached-table');
    const readAt = Date.now();
    let policy = (await cachedAdmin.kms.send(new kms.GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!;
    for (const arn of arns) policy = removeKeyUser(policy, arn);
    await cachedAdmin.kms.send(new kms.PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy }));
    await sleep(500); // the revoke is known to KMS everywhere (0.05 s at this factor)
    assert.equal((await errorOf(scan(other, 'cached-table')))?.name, 'AccessDeniedException', 'KMS refuses a reader DynamoDB holds no key for');
    await scan(reader, 'cached-table');
    assert.ok(Date.now() - readAt < cacheMs, 'the cached read ran before the cache expired');
    const refusedAfter = await (async () => {
      for (;;) {
        const error = await errorOf(scan(reader, 'cached-table'));
        if (error) return { error, at: Date.now() - readAt };
        await sleep(100);
      }
    })();
    assert.equal(refusedAfter.error.name, 'AccessDeniedException');
    assert.ok(refusedAfter.at >= cacheMs - 100 && refusedAfter.at < cacheMs + 3_000, `refused ${refusedAfter.at} ms after the read that cached the key`);
  });

  test('a disabled key: reads with a cached table key go on, the table turns INACCESSIBLE_ENCRYPTION_CREDENTIALS after its delay', async () => {
    const { key, readers } = await setUp('disabled-key-table', ['disabled-key-reader', 'disabled-key-other']);
    const [reader, other] = readers;
    await scan(reader, 'disabled-key-table');
    const disabledAt = Date.now();
    await cachedAdmin.kms.send(new kms.DisableKeyCommand({ KeyId: key.KeyId }));
    assert.equal((await cachedAdmin.ddb.send(new ddb.DescribeTableCommand({ TableName: 'disabled-key-table' }))).Table?.TableStatus, 'ACTIVE');
    await scan(reader, 'disabled-key-table');
    assert.ok((await errorOf(scan(other, 'disabled-key-table'))) !== undefined, 'a reader without a cached key is refused');
    const inaccessible = await waitForStatusOn(cachedAdmin.ddb, 'disabled-key-table', 'INACCESSIBLE_ENCRYPTION_CREDENTIALS', 15_000);
    assert.ok(Date.now() - disabledAt >= AWS_DELAYS.keyInaccessible.ms * CACHE_FACTOR - 100, `inaccessible after ${inaccessible} ms`);
    assert.ok((await errorOf(scan(reader, 'disabled-key-table'))) !== undefined, 'then the cached reader is refused too');
  });
});

async function waitForStatusOn(client: ddb.DynamoDBClient, name: string, status: string, limitMs: number): Promise<number> {
  const since = Date.now();
  while ((await client.send(new ddb.DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== status) {
    if (Date.now() - since > limitMs) throw new Error(`${name} not ${status} within ${limitMs} ms`);
    await sleep(100);
  }
  return Date.now() - since;
}
