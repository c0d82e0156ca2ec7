// The KMS lock on a table's data: every item read and write needs kms:Decrypt on the table's key, through DynamoDB.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addKeyUser, removeKeyUser } from '../../../src/policy';
import type { Caller } from '../../../src/sandbox/contracts';
import { ACCOUNT, type ServicesFixture, awsError, b64, inlinePolicy, managedPolicy, openServices } from './lab-fixtures';

const KMS_DENIED = /^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access\. \(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/;

let f: ServicesFixture;
let tester: Caller;
let key: { KeyId: string; Arn: string };
before(async () => {
  f = await openServices();
  tester = f.directory.addUser('test', [managedPolicy('AmazonDynamoDBFullAccess')]);
  key = (await f.kms(f.admin, 'CreateKey', { Description: 'lab' })).KeyMetadata;
  await createTable('cmk-table', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyId });
  await createTable('managed-table', { Enabled: true });
  await createTable('owned-table', undefined);
  for (const table of ['cmk-table', 'managed-table', 'owned-table']) {
    await f.ddb(f.admin, 'PutItem', { TableName: table, Item: { id: { S: '1' }, secret: { S: 'the answer is 42' } } });
  }
});
after(() => f.close());

async function createTable(name: string, sse: Record<string, unknown> | undefined): Promise<void> {
  await f.ddb(f.admin, 'CreateTable', {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(sse ? { SSESpecification: sse } : {}),
  });
}

const itemOperations = (table: string): [string, Record<string, unknown>][] => [
  ['GetItem', { TableName: table, Key: { id: { S: '1' } } }],
  ['Scan', { TableName: table }],
  ['Query', { TableName: table, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: '1' } } }],
  ['PutItem', { TableName: table, Item: { id: { S: '2' } } }],
  ['UpdateItem', { TableName: table, Key: { id: { S: '1' } }, UpdateExpression: 'SET touched = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } }],
  ['DeleteItem', { TableName: table, Key: { id: { S: '3' } } }],
  ['BatchGetItem', { RequestItems: { [table]: { Keys: [{ id: { S: '1' } }] } } }],
  ['BatchWriteItem', { RequestItems: { [table]: [{ PutRequest: { Item: { id: { S: '4' } } } }] } }],
];

async function setKeyPolicy(change: (policy: string) => string): Promise<void> {
  const current = (await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId })).Policy as string;
  await f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: change(current) });
}

describe('a table under a customer managed key', () => {
  test('the admin (IAM allows kms:*, the key policy delegates to IAM) reads and writes', async () => {
    for (const [operation, input] of itemOperations('cmk-table')) await f.ddb(f.admin, operation, input);
    const item = await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-table', Key: { id: { S: '1' } } });
    assert.equal(item.Item.secret.S, 'the answer is 42');
  });

  test('a user with only AmazonDynamoDBFullAccess sees the table but every item operation is refused', async () => {
    const described = await f.ddb(tester, 'DescribeTable', { TableName: 'cmk-table' });
    assert.equal(described.Table.SSEDescription.KMSMasterKeyArn, key.Arn);
    for (const [operation, input] of itemOperations('cmk-table')) {
      const error = await awsError(f.ddb(tester, operation, input));
      assert.equal(error.code, 'com.amazon.coral.service#AccessDeniedException', operation);
      assert.match(error.message, KMS_DENIED, operation);
    }
  });

  test('adding the user to the key policy lets them in at once; removing them locks them out again', async () => {
    await setKeyPolicy((policy) => addKeyUser(policy, tester.arn));
    const scanned = await f.ddb(tester, 'Scan', { TableName: 'cmk-table' });
    assert.ok(scanned.Items.some((item: any) => item.secret?.S === 'the answer is 42'));
    await f.ddb(tester, 'GetItem', { TableName: 'cmk-table', Key: { id: { S: '1' } } });
    await setKeyPolicy((policy) => removeKeyUser(policy, tester.arn));
    assert.match((await awsError(f.ddb(tester, 'Scan', { TableName: 'cmk-table' }))).message, KMS_DENIED);
  });

  test('an IAM policy allowing kms:Decrypt counts, because the key policy delegates to the account', async () => {
    const withKms = f.directory.addUser('with-kms', [managedPolicy('AmazonDynamoDBFullAccess'), inlinePolicy('decrypt', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.Arn })]);
    await f.ddb(withKms, 'Scan', { TableName: 'cmk-table' });
  });

  test('the check carries kms:ViaService, kms:CallerAccount and the table encryption context', async () => {
    const scoped = f.directory.addUser('scoped', [managedPolicy('AmazonDynamoDBFullAccess')]);
    const conditions = [
      { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } },
      { StringEquals: { 'kms:EncryptionContext:aws:dynamodb:tableName': 'cmk-table', 'kms:EncryptionContext:aws:dynamodb:subscriberId': ACCOUNT } },
    ];
    for (const condition of conditions) {
      await setKeyPolicy((policy) => {
        const document = JSON.parse(policy);
        document.Statement = document.Statement.filter((s: any) => s.Sid !== 'Scoped');
        document.Statement.push({ Sid: 'Scoped', Effect: 'Allow', Principal: { AWS: scoped.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: condition });
        return JSON.stringify(document);
      });
      await f.ddb(scoped, 'Scan', { TableName: 'cmk-table' });
    }
    // The same statement does not let the user call KMS directly.
    const blob = (await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { 'aws:dynamodb:tableName': 'cmk-table', 'aws:dynamodb:subscriberId': ACCOUNT } })).CiphertextBlob;
    await setKeyPolicy((policy) => {
      const document = JSON.parse(policy);
      document.Statement = document.Statement.filter((s: any) => s.Sid !== 'Scoped');
      document.Statement.push({ Sid: 'Scoped', Effect: 'Allow', Principal: { AWS: scoped.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: conditions[0] });
      return JSON.stringify(document);
    });
    assert.equal((await awsError(f.kms(scoped, 'Decrypt', { CiphertextBlob: blob, EncryptionContext: { 'aws:dynamodb:tableName': 'cmk-table', 'aws:dynamodb:subscriberId': ACCOUNT } }))).code, 'AccessDeniedException');
    await setKeyPolicy((policy) => {
      const document = JSON.parse(policy);
      document.Statement = document.Statement.filter((s: any) => s.Sid !== 'Scoped');
      return JSON.stringify(document);
    });
  });

  test('a KMS grant to the user counts, within its encryption context constraint', async () => {
    const granted = f.directory.addUser('granted', [managedPolicy('AmazonDynamoDBFullAccess')]);
    await f.kms(f.admin, 'CreateGrant', {
      KeyId: key.KeyId,
      GranteePrincipal: granted.arn,
      Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': 'other-table' } },
    });
    assert.match((await awsError(f.ddb(granted, 'Scan', { TableName: 'cmk-table' }))).message, KMS_DENIED);
    const grant = await f.kms(f.admin, 'CreateGrant', {
      KeyId: key.KeyId,
      GranteePrincipal: granted.arn,
      Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': 'cmk-table' } },
    });
    await f.ddb(granted, 'Scan', { TableName: 'cmk-table' });
    await f.kms(f.admin, 'RevokeGrant', { KeyId: key.KeyId, GrantId: grant.GrantId });
    assert.match((await awsError(f.ddb(granted, 'Scan', { TableName: 'cmk-table' }))).message, KMS_DENIED);
  });
});

describe('AWS managed and AWS owned keys', () => {
  test('anyone DynamoDB lets in can read a table under aws/dynamodb or the AWS owned key', async () => {
    for (const table of ['managed-table', 'owned-table']) {
      for (const [operation, input] of itemOperations(table)) await f.ddb(tester, operation, input);
    }
  });
});

describe('a disabled or deleted key', () => {
  test('makes the table INACCESSIBLE_ENCRYPTION_CREDENTIALS until the key is enabled again', async () => {
    const before = Date.now() / 1000;
    await f.kms(f.admin, 'DisableKey', { KeyId: key.KeyId });
    const table = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table;
    assert.equal(table.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
    assert.equal(table.SSEDescription.Status, 'ENABLED');
    assert.ok(table.SSEDescription.InaccessibleEncryptionDateTime >= before - 1 && table.SSEDescription.InaccessibleEncryptionDateTime <= Date.now() / 1000 + 1);
    for (const [operation, input] of itemOperations('cmk-table')) {
      const error = await awsError(f.ddb(f.admin, operation, input));
      assert.equal(error.code, 'com.amazon.coral.service#AccessDeniedException', operation);
      assert.match(error.message, new RegExp(`DisabledException: ${key.Arn} is disabled\\.`), operation);
    }
    const owned = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'owned-table' })).Table;
    assert.equal(owned.TableStatus, 'ACTIVE');

    await f.kms(f.admin, 'EnableKey', { KeyId: key.KeyId });
    const back = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table;
    assert.equal(back.TableStatus, 'ACTIVE');
    assert.equal(back.SSEDescription.InaccessibleEncryptionDateTime, undefined);
    await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-table', Key: { id: { S: '1' } } });
  });

  test('pending deletion is inaccessible too; cancelling leaves it disabled until enabled', async () => {
    await f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    assert.equal((await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
    assert.match((await awsError(f.ddb(f.admin, 'Scan', { TableName: 'cmk-table' }))).message, /KMSInvalidStateException: .* is pending deletion\./);
    await f.kms(f.admin, 'CancelKeyDeletion', { KeyId: key.KeyId });
    assert.equal((await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
    await f.kms(f.admin, 'EnableKey', { KeyId: key.KeyId });
    assert.equal((await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table.TableStatus, 'ACTIVE');
  });
});

describe('persistence', () => {
  test('tables, their keys and their items survive a restart', async () => {
    await f.ddb(f.admin, 'PutItem', { TableName: 'cmk-table', Item: { id: { S: 'durable' }, n: { N: '7' } } });
    await f.reopen();
    const table = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-table' })).Table;
    assert.equal(table.SSEDescription.KMSMasterKeyArn, key.Arn);
    const item = await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-table', Key: { id: { S: 'durable' } } });
    assert.equal(item.Item.n.N, '7');
    assert.match((await awsError(f.ddb(tester, 'GetItem', { TableName: 'cmk-table', Key: { id: { S: 'durable' } } }))).message, KMS_DENIED);
  });
});
