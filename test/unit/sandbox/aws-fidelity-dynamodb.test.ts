// DynamoDB answers as real AWS gave them (recorded answers of AWS-validated tests): table descriptions (UUID
// TableId, deletion protection, warm throughput, DeleteTable's short answer), the CREATING window, SSE changes,
// table ARNs as table names, idempotent transactions, ReturnValuesOnConditionCheckFailure, and error bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { jsonRequest, sendSigned } from './helpers/raw-request';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { waitForActive } from './helpers/tables';
import { type Credentials, createUserWithKey } from './helpers/users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CREATION_MS = 300;

let sb: TestSandbox;
let client: DynamoDBClient;

const dynamoAs = (credentials: Credentials) => new DynamoDBClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

function hashTable(name: string, extra: Partial<ddb.CreateTableCommandInput> = {}): ddb.CreateTableCommandInput {
  return {
    TableName: name,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    ...extra,
  };
}

async function activeTable(input: ddb.CreateTableCommandInput): Promise<ddb.TableDescription> {
  const created = await client.send(new ddb.CreateTableCommand(input));
  await waitForActive(client, input.TableName!);
  return created.TableDescription!;
}

async function failure(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail('the call succeeded');
}

/** The raw JSON body DynamoDB answers, for the members' exact names. */
async function rawError(operation: string, input: unknown, credentials: Credentials = sb.credentials): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await sendSigned(sb.endpoint, jsonRequest(`DynamoDB_20120810.${operation}`, input, '1.0'), { service: 'dynamodb', region: sb.region, credentials });
  return { status: answer.status, body: JSON.parse(answer.body) };
}

before(async () => {
  sb = await startTestSandbox({ tableCreationMs: CREATION_MS });
  client = dynamoAs(sb.credentials);
});
after(() => sb.stop());

describe('table descriptions', () => {
  test('CreateTable answers CREATING with a UUID TableId and DeletionProtectionEnabled, and no warm throughput yet', async () => {
    const created = await client.send(new ddb.CreateTableCommand(hashTable('described')));
    const table = created.TableDescription!;
    assert.equal(table.TableStatus, 'CREATING');
    assert.match(table.TableId!, UUID);
    assert.equal(table.DeletionProtectionEnabled, false);
    assert.equal(table.WarmThroughput, undefined);
    await waitForActive(client, 'described');
    const described = (await client.send(new ddb.DescribeTableCommand({ TableName: 'described' }))).Table!;
    assert.equal(described.TableId, table.TableId, 'one table keeps one id');
    assert.deepEqual(described.WarmThroughput, { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5, Status: 'ACTIVE' });
  });

  test('an on-demand table and its index start warm at 12000 reads and 4000 writes per second', async () => {
    await activeTable({
      TableName: 'on-demand-gsi',
      KeySchema: [{ AttributeName: 'TID', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'TID', AttributeType: 'S' },
        { AttributeName: 'TRID', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'by-trid', KeySchema: [{ AttributeName: 'TRID', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const table = (await client.send(new ddb.DescribeTableCommand({ TableName: 'on-demand-gsi' }))).Table!;
    const warm = { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' };
    assert.deepEqual(table.WarmThroughput, warm);
    assert.deepEqual(table.GlobalSecondaryIndexes![0]!.WarmThroughput, warm);
  });

  test('WarmThroughput asked for is UPDATING while the table is created, then ACTIVE', async () => {
    const created = await client.send(new ddb.CreateTableCommand(hashTable('warm', { WarmThroughput: { ReadUnitsPerSecond: 1000, WriteUnitsPerSecond: 1200 } })));
    assert.deepEqual(created.TableDescription!.WarmThroughput, { ReadUnitsPerSecond: 1000, WriteUnitsPerSecond: 1200, Status: 'UPDATING' });
    await waitForActive(client, 'warm');
    const table = (await client.send(new ddb.DescribeTableCommand({ TableName: 'warm' }))).Table!;
    assert.deepEqual(table.WarmThroughput, { ReadUnitsPerSecond: 1000, WriteUnitsPerSecond: 1200, Status: 'ACTIVE' });
  });

  test('DeleteTable answers the table\'s identity, size and capacity, DELETING; a missing table names itself', async () => {
    const created = await activeTable(hashTable('to-delete'));
    const deleted = (await client.send(new ddb.DeleteTableCommand({ TableName: 'to-delete' }))).TableDescription!;
    assert.deepEqual(Object.keys(deleted).sort(), [
      'DeletionProtectionEnabled',
      'ItemCount',
      'ProvisionedThroughput',
      'TableArn',
      'TableId',
      'TableName',
      'TableSizeBytes',
      'TableStatus',
    ]);
    assert.deepEqual([deleted.TableStatus, deleted.TableId, deleted.DeletionProtectionEnabled], ['DELETING', created.TableId, false]);
    const missing = await failure(client.send(new ddb.DeleteTableCommand({ TableName: 'non-existent' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.message, 'Requested resource not found: Table: non-existent not found');
  });

  test('a table protected against deletion refuses DeleteTable until UpdateTable lifts the protection', async () => {
    await activeTable(hashTable('protected', { DeletionProtectionEnabled: true }));
    assert.equal((await client.send(new ddb.DescribeTableCommand({ TableName: 'protected' }))).Table!.DeletionProtectionEnabled, true);
    const refused = await failure(client.send(new ddb.DeleteTableCommand({ TableName: 'protected' })));
    assert.equal(refused.name, 'ValidationException');
    assert.match(refused.message, /protected against deletion/);
    const updated = await client.send(new ddb.UpdateTableCommand({ TableName: 'protected', DeletionProtectionEnabled: false }));
    assert.equal(updated.TableDescription!.DeletionProtectionEnabled, false);
    await client.send(new ddb.DeleteTableCommand({ TableName: 'protected' }));
  });

  test('a second CreateTable of the same name is ResourceInUseException naming the table', async () => {
    await activeTable(hashTable('twice'));
    const again = await failure(client.send(new ddb.CreateTableCommand(hashTable('twice'))));
    assert.equal(again.name, 'ResourceInUseException');
    assert.equal(again.message, 'Table already exists: twice');
  });
});

describe('the CREATING window', () => {
  test('until ACTIVE, item calls are ResourceNotFoundException and DeleteTable / UpdateTable ResourceInUseException', async () => {
    const started = Date.now();
    await client.send(new ddb.CreateTableCommand(hashTable('creating')));
    const put = await failure(client.send(new ddb.PutItemCommand({ TableName: 'creating', Item: { id: { S: 'a' } } })));
    assert.equal(put.name, 'ResourceNotFoundException');
    assert.equal(put.message, 'Requested resource not found');
    const inTransaction = await failure(client.send(new ddb.TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'creating', Item: { id: { S: 'a' } } } }] })));
    assert.equal(inTransaction.name, 'ResourceNotFoundException');
    const deleted = await failure(client.send(new ddb.DeleteTableCommand({ TableName: 'creating' })));
    assert.equal(deleted.name, 'ResourceInUseException');
    assert.equal(deleted.message, 'Attempt to change a resource which is still in use: Table is being created: creating');
    const updated = await failure(client.send(new ddb.UpdateTableCommand({ TableName: 'creating', DeletionProtectionEnabled: true })));
    assert.equal(updated.name, 'ResourceInUseException');
    assert.ok(Date.now() - started < CREATION_MS, 'all of the above happened within the window');

    await waitForActive(client, 'creating');
    await client.send(new ddb.PutItemCommand({ TableName: 'creating', Item: { id: { S: 'a' } } }));
    assert.deepEqual((await client.send(new ddb.GetItemCommand({ TableName: 'creating', Key: { id: { S: 'a' } } }))).Item, { id: { S: 'a' } });
  });

  test('a table still CREATING when the sandbox stops is ACTIVE when it starts again', async () => {
    const slow = await startTestSandbox({ tableCreationMs: 60_000, keepData: true });
    const slowClient = new DynamoDBClient({ endpoint: slow.endpoint, region: slow.region, credentials: slow.credentials, maxAttempts: 1 });
    await slowClient.send(new ddb.CreateTableCommand(hashTable('interrupted')));
    await slow.stop();
    const again = await startTestSandbox({ dataDir: slow.dataDir, tableCreationMs: 60_000 });
    try {
      const againClient = new DynamoDBClient({ endpoint: again.endpoint, region: again.region, credentials: again.credentials, maxAttempts: 1 });
      assert.equal((await againClient.send(new ddb.DescribeTableCommand({ TableName: 'interrupted' }))).Table!.TableStatus, 'ACTIVE');
      await againClient.send(new ddb.PutItemCommand({ TableName: 'interrupted', Item: { id: { S: 'after restart' } } }));
    } finally {
      await again.stop();
    }
  });
});

describe('encryption changes', () => {
  test('turning SSE off answers SSEDescription UPDATING with the old key; the table then has none', async () => {
    const created = await activeTable(hashTable('sse-off', { SSESpecification: { Enabled: true } }));
    const keyArn = created.SSEDescription!.KMSMasterKeyArn!;
    assert.deepEqual(created.SSEDescription, { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn });
    const kms = new KMSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 });
    const key = (await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata!;
    assert.deepEqual([key.KeyManager, key.Description], ['AWS', 'Default key that protects my DynamoDB data when no other key is defined']);
    const updated = await client.send(new ddb.UpdateTableCommand({ TableName: 'sse-off', SSESpecification: { Enabled: false } }));
    assert.deepEqual(updated.TableDescription!.SSEDescription, { Status: 'UPDATING', SSEType: 'KMS', KMSMasterKeyArn: keyArn });
    assert.equal((await client.send(new ddb.DescribeTableCommand({ TableName: 'sse-off' }))).Table!.SSEDescription, undefined);
    const other = await client.send(new ddb.UpdateTableCommand({ TableName: 'sse-off', BillingMode: 'PAY_PER_REQUEST' }));
    assert.equal(other.TableDescription!.SSEDescription, undefined, 'an update that leaves SSE alone shows no change of it');
  });
});

describe('requests', () => {
  test('a table ARN works wherever a table name does', async () => {
    const { TableArn: arn } = await activeTable(hashTable('by-arn'));
    await client.send(
      new ddb.TransactWriteItemsCommand({
        TransactItems: [
          { ConditionCheck: { TableName: arn, Key: { id: { S: 'test1' } }, ConditionExpression: 'attribute_not_exists(id)' } },
          { Put: { TableName: arn, Item: { id: { S: 'test2' } } } },
        ],
      }),
    );
    const got = await client.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: arn, Key: { id: { S: 'test2' } } } }] }));
    assert.deepEqual(got.Responses, [{ Item: { id: { S: 'test2' } } }]);
    assert.deepEqual((await client.send(new ddb.GetItemCommand({ TableName: arn, Key: { id: { S: 'test2' } } }))).Item, { id: { S: 'test2' } });
    const batch = await client.send(new ddb.BatchGetItemCommand({ RequestItems: { [arn!]: { Keys: [{ id: { S: 'test2' } }] } } }));
    assert.deepEqual(batch.Responses!['by-arn'], [{ id: { S: 'test2' } }]);
  });

  test('the same ClientRequestToken with the same item, attributes in another order, is the same request', async () => {
    await activeTable(hashTable('idempotent'));
    const write = (item: Record<string, ddb.AttributeValue>) =>
      client.send(new ddb.TransactWriteItemsCommand({ ClientRequestToken: 'dedupe_token', TransactItems: [{ Put: { TableName: 'idempotent', Item: item } }] }));
    await write({ id: { S: 'id1' }, name: { S: 'name1' } });
    await write({ name: { S: 'name1' }, id: { S: 'id1' } });
    const different = await failure(write({ id: { S: 'id1' }, name: { S: 'name2' } }));
    assert.equal(different.name, 'IdempotentParameterMismatchException');
  });

  test('ReturnValuesOnConditionCheckFailure ALL_OLD answers the item as it stands with the failed condition', async () => {
    await activeTable(hashTable('conditions'));
    const item = { id: { S: '456' }, price: { N: '650' }, product: { S: 'sporting goods' } };
    await client.send(new ddb.PutItemCommand({ TableName: 'conditions', Item: item }));
    const condition = { ConditionExpression: 'price between :lo and :hi', ExpressionAttributeValues: { ':lo': { N: '500' }, ':hi': { N: '600' } } };
    const deleteFailed = await failure(
      client.send(new ddb.DeleteItemCommand({ TableName: 'conditions', Key: { id: { S: '456' } }, ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    assert.equal(deleteFailed.name, 'ConditionalCheckFailedException');
    assert.deepEqual(deleteFailed.Item, item);
    const putFailed = await failure(
      client.send(new ddb.PutItemCommand({ TableName: 'conditions', Item: { ...item, price: { N: '1' } }, ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    assert.deepEqual(putFailed.Item, item);
    const quiet = await failure(client.send(new ddb.DeleteItemCommand({ TableName: 'conditions', Key: { id: { S: '456' } }, ...condition, ReturnValuesOnConditionCheckFailure: 'NONE' })));
    assert.equal(quiet.Item, undefined);
  });

  test('ExecuteTransaction of write statements answers an empty Responses list', async () => {
    await activeTable(hashTable('partiql-writes'));
    const result = await client.send(
      new ddb.ExecuteTransactionCommand({
        TransactStatements: [{ Statement: `INSERT INTO "partiql-writes" VALUE {'id': 'user01'}` }, { Statement: `INSERT INTO "partiql-writes" VALUE {'id': 'user02'}` }],
      }),
    );
    assert.deepEqual(result.Responses, []);
  });
});

describe('error bodies', () => {
  test('the engine\'s errors pass as it wrote them: "Message" for a serialization error, "message" otherwise', async () => {
    const serialization = await rawError('DescribeTable', { TableName: 5 });
    assert.equal(serialization.status, 400);
    assert.deepEqual(Object.keys(serialization.body).sort(), ['Message', '__type']);
    assert.equal(serialization.body.__type, 'com.amazon.coral.service#SerializationException');
    const notFound = await rawError('DescribeTable', { TableName: 'no-such-table' });
    assert.deepEqual(notFound.body, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found: Table: no-such-table not found' });
  });

  test('the sandbox\'s own AccessDeniedException says "Message", as DynamoDB does', async () => {
    const iam = new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 });
    const nobody = await createUserWithKey(iam, 'no-dynamodb');
    const denied = await rawError('ListTables', {}, nobody);
    assert.equal(denied.body.__type, 'com.amazon.coral.service#AccessDeniedException');
    assert.deepEqual(Object.keys(denied.body).sort(), ['Message', '__type']);
    assert.match(String(denied.body.Message), /^User: arn:aws:iam::\d{12}:user\/no-dynamodb is not authorized to perform: dynamodb:ListTables/);
  });

  test('a malformed ResourceArn is denied to the caller, never to the engine\'s placeholder user', async () => {
    for (const operation of ['TagResource', 'UntagResource', 'ListTagsOfResource']) {
      const input = { ResourceArn: 'not-an-arn', Tags: [{ Key: 'k', Value: 'v' }], TagKeys: ['k'] };
      const denied = await rawError(operation, input);
      assert.equal(denied.body.__type, 'com.amazon.coral.service#AccessDeniedException', operation);
      assert.equal(denied.body.Message, `User: arn:aws:iam::${sb.accountId}:user/admin is not authorized to perform: dynamodb:${operation} on resource: not-an-arn`);
      assert.ok(!JSON.stringify(denied.body).includes(':dynalite'), operation);
    }
  });
});
