// DynamoDB tables in the sandbox: the three kinds of encryption, SSEDescription everywhere, IAM on every action.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addKeyUser } from '../../../src/policy';
import type { Caller } from '../../../src/sandbox/contracts';
import { ACCOUNT, type ServicesFixture, awsError, inlinePolicy, managedPolicy, openServices } from './lab-fixtures';

let f: ServicesFixture;
let cmk: { KeyId: string; Arn: string };
let reader: Caller;
before(async () => {
  f = await openServices();
  cmk = (await f.kms(f.admin, 'CreateKey', { Description: 'tables' })).KeyMetadata;
  await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/tables', TargetKeyId: cmk.KeyId });
  reader = f.directory.addUser('reader', [managedPolicy('AmazonDynamoDBReadOnlyAccess')]);
});
after(() => f.close());

function tableInput(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  };
}

describe('encryption kinds', () => {
  test('AWS owned key: no SSEDescription at all, in any response', async () => {
    const created = await f.ddb(f.admin, 'CreateTable', tableInput('owned'));
    assert.equal(created.TableDescription.SSEDescription, undefined);
    const described = await f.ddb(f.admin, 'DescribeTable', { TableName: 'owned' });
    assert.equal(described.Table.SSEDescription, undefined);
    assert.equal(described.Table.TableStatus, 'ACTIVE');
    const explicit = await f.ddb(f.admin, 'CreateTable', tableInput('owned-explicit', { SSESpecification: { Enabled: false } }));
    assert.equal(explicit.TableDescription.SSEDescription, undefined);
  });

  test('AWS managed key: Enabled with no key creates aws/dynamodb and names its ARN', async () => {
    const created = await f.ddb(f.admin, 'CreateTable', tableInput('managed', { SSESpecification: { Enabled: true } }));
    const managed = (await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/aws/dynamodb' })).KeyMetadata;
    assert.equal(managed.KeyManager, 'AWS');
    assert.deepEqual(created.TableDescription.SSEDescription, { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: managed.Arn });
    assert.deepEqual((await f.ddb(f.admin, 'DescribeTable', { TableName: 'managed' })).Table.SSEDescription, created.TableDescription.SSEDescription);
    const aliases = (await f.kms(f.admin, 'ListAliases', {})).Aliases;
    assert.ok(aliases.some((a: any) => a.AliasName === 'alias/aws/dynamodb' && a.TargetKeyId === managed.KeyId));
    const byAlias = await f.ddb(f.admin, 'CreateTable', tableInput('managed-by-alias', { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/aws/dynamodb' } }));
    assert.equal(byAlias.TableDescription.SSEDescription.KMSMasterKeyArn, managed.Arn);
  });

  test('customer managed key: KMSMasterKeyArn is the key ARN even when an alias was given', async () => {
    for (const [name, ref] of [
      ['cmk-by-alias', 'alias/tables'],
      ['cmk-by-alias-arn', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/tables`],
      ['cmk-by-id', cmk.KeyId],
      ['cmk-by-arn', cmk.Arn],
    ]) {
      const created = await f.ddb(f.admin, 'CreateTable', tableInput(name, { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: ref } }));
      assert.deepEqual(created.TableDescription.SSEDescription, { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: cmk.Arn }, ref);
      assert.equal(created.TableDescription.TableStatus, 'CREATING');
      const described = (await f.ddb(f.admin, 'DescribeTable', { TableName: name })).Table;
      assert.equal(described.TableStatus, 'ACTIVE');
      assert.equal(described.SSEDescription.KMSMasterKeyArn, cmk.Arn);
    }
    const grants = (await f.kms(f.admin, 'ListGrants', { KeyId: cmk.KeyId })).Grants;
    const forTable = grants.find((g: any) => g.Constraints?.EncryptionContextSubset?.['aws:dynamodb:tableName'] === 'cmk-by-alias');
    assert.ok(forTable, 'DynamoDB holds a grant on the key for the table');
    assert.equal(forTable.GranteePrincipal, 'dynamodb.us-east-1.amazonaws.com');
    assert.deepEqual(forTable.Constraints.EncryptionContextSubset, { 'aws:dynamodb:tableName': 'cmk-by-alias', 'aws:dynamodb:subscriberId': ACCOUNT });
  });

  test('CreateTable with a missing key is a KMS validation error, and creates nothing', async () => {
    const missing = '0bad0bad-0000-4000-8000-000000000000';
    const error = await awsError(f.ddb(f.admin, 'CreateTable', tableInput('no-key', { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: missing } })));
    assert.equal(error.code, 'com.amazon.coral.validate#ValidationException');
    assert.match(
      error.message,
      new RegExp(`^KMS validation error: com\\.amazonaws\\.services\\.kms\\.model\\.NotFoundException: Key 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${missing}' does not exist \\(Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`),
    );
    assert.equal((await awsError(f.ddb(f.admin, 'DescribeTable', { TableName: 'no-key' }))).code, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
    const disabled = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
    await f.kms(f.admin, 'DisableKey', { KeyId: disabled.KeyId });
    const disabledError = await awsError(f.ddb(f.admin, 'CreateTable', tableInput('disabled-key', { SSESpecification: { Enabled: true, KMSMasterKeyId: disabled.KeyId } })));
    assert.equal(disabledError.code, 'com.amazon.coral.validate#ValidationException');
    assert.match(disabledError.message, /DisabledException/);
  });

  test('CreateTable under a CMK needs kms:DescribeKey and kms:CreateGrant', async () => {
    const builder = f.directory.addUser('builder', [managedPolicy('AmazonDynamoDBFullAccess')]);
    const error = await awsError(f.ddb(builder, 'CreateTable', tableInput('builder-table', { SSESpecification: { Enabled: true, KMSMasterKeyId: cmk.KeyId } })));
    assert.equal(error.code, 'com.amazon.coral.service#AccessDeniedException');
    assert.match(error.message, /^KMS key access denied error: .*kms:CreateGrant on resource: arn:aws:kms:/);
    f.directory.users.set('builder', [
      managedPolicy('AmazonDynamoDBFullAccess'),
      inlinePolicy('grants', { Effect: 'Allow', Action: 'kms:CreateGrant', Resource: cmk.Arn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    ]);
    const created = await f.ddb(builder, 'CreateTable', tableInput('builder-table', { SSESpecification: { Enabled: true, KMSMasterKeyId: cmk.KeyId } }));
    assert.equal(created.TableDescription.SSEDescription.KMSMasterKeyArn, cmk.Arn);
  });

  test('a console-style key user may create a table under the key (persistent resources statement, through DynamoDB)', async () => {
    const keyUser = f.directory.addUser('key-user', [managedPolicy('AmazonDynamoDBFullAccess')]);
    const key = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
    const denied = await awsError(f.ddb(keyUser, 'CreateTable', tableInput('key-user-table', { SSESpecification: { Enabled: true, KMSMasterKeyId: key.Arn } })));
    assert.equal(denied.code, 'com.amazon.coral.service#AccessDeniedException');
    const policy = (await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId })).Policy;
    await f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: addKeyUser(policy, keyUser.arn) });
    const created = await f.ddb(keyUser, 'CreateTable', tableInput('key-user-table', { SSESpecification: { Enabled: true, KMSMasterKeyId: key.Arn } }));
    assert.equal(created.TableDescription.SSEDescription.KMSMasterKeyArn, key.Arn);
    // The same statement does not let the user create grants directly.
    assert.equal((await awsError(f.kms(keyUser, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: keyUser.arn, Operations: ['Decrypt'] }))).code, 'AccessDeniedException');
  });

  test('SSESpecification is validated', async () => {
    const error = await awsError(f.ddb(f.admin, 'CreateTable', tableInput('bad-sse', { SSESpecification: { Enabled: true, SSEType: 'ROT13' } })));
    assert.equal(error.code, 'com.amazon.coral.validate#ValidationException');
    assert.equal((await awsError(f.ddb(f.admin, 'CreateTable', tableInput('bad-sse', { SSESpecification: { Enabled: false, KMSMasterKeyId: cmk.KeyId } })))).code, 'com.amazon.coral.validate#ValidationException');
  });
});

describe('UpdateTable and DeleteTable', () => {
  test('UpdateTable switches between the three kinds; each change answers SSEDescription UPDATING', async () => {
    await f.ddb(f.admin, 'CreateTable', tableInput('switching'));
    let updated = await f.ddb(f.admin, 'UpdateTable', { TableName: 'switching', SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/tables' } });
    assert.equal(updated.TableDescription.SSEDescription.KMSMasterKeyArn, cmk.Arn);
    assert.equal((await f.ddb(f.admin, 'DescribeTable', { TableName: 'switching' })).Table.SSEDescription.KMSMasterKeyArn, cmk.Arn);
    updated = await f.ddb(f.admin, 'UpdateTable', { TableName: 'switching', SSESpecification: { Enabled: true } });
    const managed = (await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/aws/dynamodb' })).KeyMetadata;
    assert.equal(updated.TableDescription.SSEDescription.KMSMasterKeyArn, managed.Arn);
    const cmkGrants = (await f.kms(f.admin, 'ListGrants', { KeyId: cmk.KeyId })).Grants;
    assert.ok(!cmkGrants.some((g: any) => g.Constraints?.EncryptionContextSubset?.['aws:dynamodb:tableName'] === 'switching'), 'the old key grant is retired');
    updated = await f.ddb(f.admin, 'UpdateTable', { TableName: 'switching', SSESpecification: { Enabled: false } });
    // AWS answers the change under way, naming the key being left (recorded answer); the table then has none.
    assert.deepEqual(updated.TableDescription.SSEDescription, { Status: 'UPDATING', SSEType: 'KMS', KMSMasterKeyArn: managed.Arn });
    assert.equal((await f.ddb(f.admin, 'DescribeTable', { TableName: 'switching' })).Table.SSEDescription, undefined);
  });

  test('UpdateTable with throughput changes keeps the SSEDescription', async () => {
    await f.ddb(f.admin, 'CreateTable', tableInput('provisioned', { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, SSESpecification: { Enabled: true, KMSMasterKeyId: cmk.KeyId } }));
    const updated = await f.ddb(f.admin, 'UpdateTable', { TableName: 'provisioned', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } });
    assert.equal(updated.TableDescription.SSEDescription.KMSMasterKeyArn, cmk.Arn);
    const described = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'provisioned' })).Table;
    assert.equal(described.ProvisionedThroughput.ReadCapacityUnits, 2);
    assert.equal(described.SSEDescription.KMSMasterKeyArn, cmk.Arn);
    assert.equal((await awsError(f.ddb(f.admin, 'UpdateTable', { TableName: 'absent', SSESpecification: { Enabled: false } }))).code, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
  });

  test('DeleteTable answers the short description AWS gives and retires the grant; the name is free again', async () => {
    await f.ddb(f.admin, 'CreateTable', tableInput('short-lived', { SSESpecification: { Enabled: true, KMSMasterKeyId: cmk.Arn } }));
    const deleted = await f.ddb(f.admin, 'DeleteTable', { TableName: 'short-lived' });
    assert.equal(deleted.TableDescription.TableStatus, 'DELETING');
    assert.equal(deleted.TableDescription.TableName, 'short-lived');
    const grants = (await f.kms(f.admin, 'ListGrants', { KeyId: cmk.KeyId })).Grants;
    assert.ok(!grants.some((g: any) => g.Constraints?.EncryptionContextSubset?.['aws:dynamodb:tableName'] === 'short-lived'));
    const again = await f.ddb(f.admin, 'CreateTable', tableInput('short-lived'));
    assert.equal(again.TableDescription.SSEDescription, undefined);
  });
});

describe('IAM on every dynamodb action', () => {
  test('a denied action names the table ARN and the identity-based policy', async () => {
    const error = await awsError(f.ddb(reader, 'PutItem', { TableName: 'owned', Item: { id: { S: '1' } } }));
    assert.equal(error.code, 'com.amazon.coral.service#AccessDeniedException');
    assert.equal(
      error.message,
      `User: ${reader.arn} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/owned because no identity-based policy allows the dynamodb:PutItem action`,
    );
    await f.ddb(reader, 'GetItem', { TableName: 'owned', Key: { id: { S: '1' } } });
  });

  test('a query on an index is authorized on the index ARN', async () => {
    await f.ddb(f.admin, 'CreateTable', {
      ...tableInput('indexed'),
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'colour', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'by-colour', KeySchema: [{ AttributeName: 'colour', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
    const tableOnly = f.directory.addUser('table-only', [inlinePolicy('table', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/indexed` })]);
    const query = { TableName: 'indexed', IndexName: 'by-colour', KeyConditionExpression: 'colour = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } };
    const error = await awsError(f.ddb(tableOnly, 'Query', query));
    assert.match(error.message, new RegExp(`dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/indexed/index/by-colour because`));
    await f.ddb(f.admin, 'Query', query);
  });

  test('an explicit deny in an identity policy is reported as such', async () => {
    const denied = f.directory.addUser('denied', [managedPolicy('AmazonDynamoDBFullAccess'), inlinePolicy('no-delete', { Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' })]);
    const error = await awsError(f.ddb(denied, 'DeleteTable', { TableName: 'owned' }));
    assert.match(error.message, /dynamodb:DeleteTable on resource: .* with an explicit deny in an identity-based policy$/);
  });

  test('ListTables is authorized on table/* and pages', async () => {
    const stranger = f.directory.addUser('stranger', []);
    const error = await awsError(f.ddb(stranger, 'ListTables', {}));
    assert.equal(
      error.message,
      `User: ${stranger.arn} is not authorized to perform: dynamodb:ListTables on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/* because no identity-based policy allows the dynamodb:ListTables action`,
    );
    const all = (await f.ddb(f.admin, 'ListTables', {})).TableNames as string[];
    assert.deepEqual(all, [...all].sort());
    const firstPage = await f.ddb(reader, 'ListTables', { Limit: 2 });
    assert.deepEqual(firstPage.TableNames, all.slice(0, 2));
    assert.equal(firstPage.LastEvaluatedTableName, all[1]);
    const secondPage = await f.ddb(reader, 'ListTables', { Limit: 2, ExclusiveStartTableName: firstPage.LastEvaluatedTableName });
    assert.deepEqual(secondPage.TableNames, all.slice(2, 4));
  });

  test('tags on a table', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/owned`;
    assert.deepEqual(await f.ddb(f.admin, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'env', Value: 'lab' }] }), {});
    assert.deepEqual((await f.ddb(reader, 'ListTagsOfResource', { ResourceArn: arn })).Tags, [{ Key: 'env', Value: 'lab' }]);
    assert.equal((await awsError(f.ddb(reader, 'UntagResource', { ResourceArn: arn, TagKeys: ['env'] }))).code, 'com.amazon.coral.service#AccessDeniedException');
    const created = await f.ddb(f.admin, 'CreateTable', tableInput('tagged-at-birth', { Tags: [{ Key: 'team', Value: 'kms' }] }));
    assert.equal(created.TableDescription.TableName, 'tagged-at-birth');
    assert.deepEqual((await f.ddb(f.admin, 'ListTagsOfResource', { ResourceArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/tagged-at-birth` })).Tags, [{ Key: 'team', Value: 'kms' }]);
  });
});

describe('bad input', () => {
  test('unknown operations and dynalite validation errors keep AWS shapes', async () => {
    assert.equal((await awsError(f.ddb(f.admin, 'MakeCoffee', {}))).code, 'com.amazon.coral.service#UnknownOperationException');
    const error = await awsError(f.ddb(f.admin, 'GetItem', { TableName: 'x', Key: {} }));
    assert.equal(error.code, 'com.amazon.coral.validate#ValidationException');
    assert.equal((await awsError(f.ddb(f.admin, 'DescribeTable', { TableName: 'nope' }))).message, 'Requested resource not found: Table: nope not found');
  });
});
