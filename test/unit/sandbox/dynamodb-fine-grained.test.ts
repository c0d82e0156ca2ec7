// Fine-grained access control over the wire: dynamodb:LeadingKeys (with ${aws:username}), dynamodb:Attributes,
// dynamodb:Select, dynamodb:ReturnValues and dynamodb:ReturnConsumedCapacity in the request context, as in
// "Using IAM policy conditions for fine-grained access control" (Amazon DynamoDB Developer Guide) and the IAM User
// Guide's example "Amazon DynamoDB: Allows access to specific attributes"; and UpdateTable's limit on encryption changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';
import { awsError, openServices } from './lab-fixtures';

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const S = (value: string) => ({ S: value });

let sb: TestSandbox;
let admin: DynamoDBClient;
let adminIam: IAMClient;
let tableArn: string;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

const userWithKey = (name: string, inline: string) => createUserWithKey(adminIam, name, { inline });

function refused(action: string) {
  return (error: any) => {
    assert.equal(error.name, 'AccessDeniedException', `${error.name}: ${error.message}`);
    assert.match(error.message, new RegExp(`is not authorized to perform: dynamodb:${action} on resource`));
    return true;
  };
}

before(async () => {
  sb = await startTestSandbox();
  admin = new DynamoDBClient(config(sb.credentials));
  adminIam = new IAMClient(config(sb.credentials));
  // Under a customer managed key whose policy delegates to IAM: the users' policies below also allow kms:Decrypt.
  const keyId = (await new KMSClient(config(sb.credentials)).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  tableArn = (
    await admin.send(
      new ddb.CreateTableCommand({
        TableName: 'notes',
        AttributeDefinitions: [
          { AttributeName: 'owner', AttributeType: 'S' },
          { AttributeName: 'note', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'owner', KeyType: 'HASH' },
          { AttributeName: 'note', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId },
      }),
    )
  ).TableDescription!.TableArn!;
  for (const [owner, note] of [
    ['amy', 'a1'],
    ['amy', 'a2'],
    ['ben', 'b1'],
  ]) {
    await admin.send(new ddb.PutItemCommand({ TableName: 'notes', Item: { owner: S(owner!), note: S(note!), public: S('hello'), secret: S(`${owner} secret`) } }));
  }
});
after(() => sb.stop());

describe('dynamodb:LeadingKeys with ${aws:username}', () => {
  const ownItemsOnly = () =>
    doc(
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
    );

  test('a user reads and writes the items under their own partition key and is refused everyone else\'s', async () => {
    const amy = new DynamoDBClient(config(await userWithKey('amy', ownItemsOnly())));
    const mine = await amy.send(new ddb.GetItemCommand({ TableName: 'notes', Key: { owner: S('amy'), note: S('a1') } }));
    assert.equal(mine.Item!.secret!.S, 'amy secret');
    const query = await amy.send(new ddb.QueryCommand({ TableName: 'notes', KeyConditionExpression: '#o = :me', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':me': S('amy') } }));
    assert.deepEqual(query.Items!.map((item) => item.note!.S), ['a1', 'a2']);
    await amy.send(new ddb.PutItemCommand({ TableName: 'notes', Item: { owner: S('amy'), note: S('a3') } }));
    await amy.send(new ddb.UpdateItemCommand({ TableName: 'notes', Key: { owner: S('amy'), note: S('a3') }, UpdateExpression: 'SET #p = :p', ExpressionAttributeNames: { '#p': 'public' }, ExpressionAttributeValues: { ':p': S('yes') } }));
    await amy.send(new ddb.DeleteItemCommand({ TableName: 'notes', Key: { owner: S('amy'), note: S('a3') } }));

    await assert.rejects(amy.send(new ddb.GetItemCommand({ TableName: 'notes', Key: { owner: S('ben'), note: S('b1') } })), refused('GetItem'));
    await assert.rejects(
      amy.send(new ddb.QueryCommand({ TableName: 'notes', KeyConditionExpression: '#o = :other', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':other': S('ben') } })),
      refused('Query'),
    );
    await assert.rejects(amy.send(new ddb.PutItemCommand({ TableName: 'notes', Item: { owner: S('ben'), note: S('forged') } })), refused('PutItem'));
    await assert.rejects(amy.send(new ddb.DeleteItemCommand({ TableName: 'notes', Key: { owner: S('ben'), note: S('b1') } })), refused('DeleteItem'));
    await assert.rejects(
      amy.send(new ddb.BatchGetItemCommand({ RequestItems: { notes: { Keys: [{ owner: S('amy'), note: S('a1') }, { owner: S('ben'), note: S('b1') }] } } })),
      refused('BatchGetItem'),
      'one foreign key in a batch refuses the batch',
    );
    const batch = await amy.send(new ddb.BatchGetItemCommand({ RequestItems: { notes: { Keys: [{ owner: S('amy'), note: S('a1') }, { owner: S('amy'), note: S('a2') }] } } }));
    assert.equal(batch.Responses!.notes!.length, 2);
    await assert.rejects(amy.send(new ddb.ScanCommand({ TableName: 'notes' })), refused('Scan'));
    assert.equal((await admin.send(new ddb.GetItemCommand({ TableName: 'notes', Key: { owner: S('ben'), note: S('forged') } }))).Item, undefined);
  });

  test('the same holds inside transactions', async () => {
    const ben = new DynamoDBClient(config(await userWithKey('ben', ownItemsOnly())));
    const got = await ben.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'notes', Key: { owner: S('ben'), note: S('b1') } } }] }));
    assert.equal(got.Responses![0]!.Item!.secret!.S, 'ben secret');
    await assert.rejects(ben.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'notes', Key: { owner: S('amy'), note: S('a1') } } }] })), refused('GetItem'));
    await assert.rejects(
      ben.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: 'notes', Item: { owner: S('ben'), note: S('b2') } } }, { Delete: { TableName: 'notes', Key: { owner: S('amy'), note: S('a2') } } }],
        }),
      ),
      refused('DeleteItem'),
    );
    assert.equal((await admin.send(new ddb.GetItemCommand({ TableName: 'notes', Key: { owner: S('ben'), note: S('b2') } }))).Item, undefined);
  });
});

describe('dynamodb:Attributes and dynamodb:Select', () => {
  test('the IAM User Guide\'s "allows access to specific attributes" policy: only projections and writes of those attributes', async () => {
    const policy = doc(
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['owner', 'note', 'public'] }, StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
    );
    const client = new DynamoDBClient(config(await userWithKey('attribute-reader', policy)));
    const key = { owner: S('amy'), note: S('a1') };
    const projected = await client.send(new ddb.GetItemCommand({ TableName: 'notes', Key: key, ProjectionExpression: '#o, note, #p', ExpressionAttributeNames: { '#o': 'owner', '#p': 'public' } }));
    assert.deepEqual(projected.Item, { owner: S('amy'), note: S('a1'), public: S('hello') });
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'notes', Key: key })), refused('GetItem'), 'the whole item is ALL_ATTRIBUTES');
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'notes', Key: key, ProjectionExpression: 'secret' })), refused('GetItem'));
    const query = await client.send(
      new ddb.QueryCommand({ TableName: 'notes', KeyConditionExpression: '#o = :o', ProjectionExpression: '#p', ExpressionAttributeNames: { '#o': 'owner', '#p': 'public' }, ExpressionAttributeValues: { ':o': S('amy') } }),
    );
    assert.deepEqual(query.Items, [{ public: S('hello') }, { public: S('hello') }]);
    await assert.rejects(
      client.send(new ddb.QueryCommand({ TableName: 'notes', KeyConditionExpression: '#o = :o', Select: 'ALL_ATTRIBUTES', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': S('amy') } })),
      refused('Query'),
    );
    await client.send(new ddb.PutItemCommand({ TableName: 'notes', Item: { owner: S('amy'), note: S('a9'), public: S('p') } }));
    await assert.rejects(client.send(new ddb.PutItemCommand({ TableName: 'notes', Item: { owner: S('amy'), note: S('a9'), secret: S('s') } })), refused('PutItem'));
    await assert.rejects(
      client.send(new ddb.UpdateItemCommand({ TableName: 'notes', Key: { owner: S('amy'), note: S('a9') }, UpdateExpression: 'SET secret = :s', ExpressionAttributeValues: { ':s': S('s') } })),
      refused('UpdateItem'),
    );
  });
});

describe('dynamodb:ReturnValues and dynamodb:ReturnConsumedCapacity', () => {
  test('a deny on either keeps writes working without them', async () => {
    const policy = doc(
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: tableArn },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: tableArn, Condition: { StringEquals: { 'dynamodb:ReturnValues': ['ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW'] } } },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'dynamodb:ReturnConsumedCapacity': ['TOTAL', 'INDEXES'] } } },
    );
    const client = new DynamoDBClient(config(await userWithKey('quiet-writer', policy)));
    const item = { owner: S('ben'), note: S('b7') };
    await client.send(new ddb.PutItemCommand({ TableName: 'notes', Item: item, ReturnValues: 'NONE', ReturnConsumedCapacity: 'NONE' }));
    await assert.rejects(client.send(new ddb.PutItemCommand({ TableName: 'notes', Item: item, ReturnValues: 'ALL_OLD' })), refused('PutItem'));
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'notes', Key: item, ReturnConsumedCapacity: 'TOTAL' })), refused('GetItem'));
    await client.send(new ddb.GetItemCommand({ TableName: 'notes', Key: item }));
  });
});

describe('UpdateTable: encryption changes are limited', () => {
  test('4 changes in 24 hours, then one every 6 hours (LimitExceededException)', async () => {
    const f = await openServices();
    try {
      const key = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
      await f.ddb(f.admin, 'CreateTable', {
        TableName: 'rotating',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await f.ddb(f.admin, 'PutItem', { TableName: 'rotating', Item: { id: S('kept') } });
      const hour = 3600_000;
      const start = Date.now();
      const settings = [{ Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key }, { Enabled: true }, { Enabled: false }];
      let current = 2; // created under the AWS owned key
      const update = (index: number, atHours: number) => f.ddb(f.admin, 'UpdateTable', { TableName: 'rotating', SSESpecification: settings[index] }, new Date(start + atHours * hour));
      const change = async (atHours: number) => {
        const next = (current + 1) % settings.length;
        await update(next, atHours);
        current = next;
      };
      for (const at of [0, 1, 2, 3]) await change(at);
      const limited = await awsError(change(4));
      assert.equal(limited.code, 'com.amazonaws.dynamodb.v20120810#LimitExceededException');
      assert.match(limited.message, /4 times in 24 hours, then once every 6 hours/);
      await change(9.1);
      const again = await awsError(change(10));
      assert.equal(again.code, 'com.amazonaws.dynamodb.v20120810#LimitExceededException');
      await update(current, 10); // the same setting again is no change, and is not counted
      await change(27.2); // a day after the first four, 18 hours after the fifth: the window has room again
      await change(27.3);
      const item = await f.ddb(f.admin, 'GetItem', { TableName: 'rotating', Key: { id: S('kept') } }, new Date(start + 11 * hour));
      assert.equal(item.Item.id.S, 'kept', 'the data survives every change');
    } finally {
      await f.close();
    }
  });
});

describe('fine-grained access with boto3', { skip: needsBoto3 }, () => {
  test('dynamodb:LeadingKeys refuses another user\'s partition', async () => {
    const credentials = await userWithKey(
      'boto-amy',
      doc(
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } } },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      ),
    );
    const result = await runBoto3(
      { endpoint: sb.endpoint, region: sb.region, credentials },
      `
ddb.put_item(TableName='notes', Item={'owner': {'S': 'boto-amy'}, 'note': {'S': 'n1'}})
mine = ddb.get_item(TableName='notes', Key={'owner': {'S': 'boto-amy'}, 'note': {'S': 'n1'}})['Item']
other = error_of(lambda: ddb.get_item(TableName='notes', Key={'owner': {'S': 'ben'}, 'note': {'S': 'b1'}}))
out({'mine': mine['note']['S'], 'other': other['code'], 'message': other['message']})
`,
    );
    assert.equal(result.mine, 'n1');
    assert.equal(result.other, 'AccessDeniedException');
    assert.match(result.message, /boto-amy is not authorized to perform: dynamodb:GetItem/);
  });
});
