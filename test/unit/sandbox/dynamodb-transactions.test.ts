// TransactWriteItems and TransactGetItems over the wire (SDK v3 and boto3): all-or-nothing, CancellationReasons in
// AWS's order and shape, the limits, ClientRequestToken idempotency, isolation under concurrency, and the two locks
// (IAM per action with dynamodb:EnclosingOperation, kms:Decrypt per table) on every item touched.
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
import { awsError as handleError, inlinePolicy, managedPolicy, openServices } from './lab-fixtures';

const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const KMS_DENIED = /^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: The ciphertext refers to a customer master key/;
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let sb: TestSandbox;
let admin: DynamoDBClient;
let adminIam: IAMClient;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });

async function createTable(name: string, sse?: ddb.SSESpecification): Promise<void> {
  await admin.send(
    new ddb.CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'by-owner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: sse,
    }),
  );
}

async function item(table: string, pk: string, client = admin): Promise<Record<string, ddb.AttributeValue> | undefined> {
  return (await client.send(new ddb.GetItemCommand({ TableName: table, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;
}

const userWithKey = (name: string, policies: string[], inline?: string) => createUserWithKey(adminIam, name, { policies, inline });

function rejectsWith(name: string, check?: (error: any) => void) {
  return (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, 400);
    check?.(error);
    return true;
  };
}

before(async () => {
  sb = await startTestSandbox();
  admin = new DynamoDBClient(config(sb.credentials));
  adminIam = new IAMClient(config(sb.credentials));
  await createTable('accounts');
  await createTable('ledger');
  await admin.send(new ddb.PutItemCommand({ TableName: 'accounts', Item: { pk: S('alice'), owner: S('a'), balance: N(100) } }));
  await admin.send(new ddb.PutItemCommand({ TableName: 'accounts', Item: { pk: S('bob'), owner: S('b'), balance: N(0) } }));
});
after(() => sb.stop());

describe('TransactWriteItems', () => {
  test('Put, Update, Delete and ConditionCheck across two tables apply together; indexes follow', async () => {
    await admin.send(new ddb.PutItemCommand({ TableName: 'ledger', Item: { pk: S('stale'), owner: S('x') } }));
    const result = await admin.send(
      new ddb.TransactWriteItemsCommand({
        TransactItems: [
          { Update: { TableName: 'accounts', Key: { pk: S('alice') }, UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': N(30) } } },
          { Update: { TableName: 'accounts', Key: { pk: S('bob') }, UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': N(30) } } },
          { Put: { TableName: 'ledger', Item: { pk: S('t1'), owner: S('a'), amount: N(30) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Delete: { TableName: 'ledger', Key: { pk: S('stale') } } },
          { ConditionCheck: { TableName: 'accounts', Key: { pk: S('nobody') }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.deepEqual(
      result.ConsumedCapacity!.map((c) => [c.TableName, c.CapacityUnits, c.WriteCapacityUnits]).sort(),
      [
        ['accounts', 6, 6],
        ['ledger', 4, 4],
      ],
      'transactional writes cost two units per KB (the condition check counts on its table)',
    );
    assert.equal((await item('accounts', 'alice'))!.balance!.N, '70');
    assert.equal((await item('accounts', 'bob'))!.balance!.N, '30');
    assert.equal((await item('ledger', 't1'))!.amount!.N, '30');
    assert.equal(await item('ledger', 'stale'), undefined);
    const byOwner = await admin.send(new ddb.QueryCommand({ TableName: 'ledger', IndexName: 'by-owner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': S('x') } }));
    assert.equal(byOwner.Count, 0, 'the deleted item left the index');
  });

  test('a failed condition cancels everything, with one reason per action in order (and the item when ALL_OLD)', async () => {
    await assert.rejects(
      admin.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'ledger', Item: { pk: S('t2'), owner: S('a') } } },
            { Update: { TableName: 'accounts', Key: { pk: S('alice') }, UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': N(1000) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            { ConditionCheck: { TableName: 'accounts', Key: { pk: S('bob') }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
      rejectsWith('TransactionCanceledException', (error) => {
        assert.equal(error.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ConditionalCheckFailed]');
        assert.deepEqual(error.CancellationReasons, [
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: S('alice'), owner: S('a'), balance: N(70) } },
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        ]);
      }),
    );
    assert.equal(await item('ledger', 't2'), undefined, 'the Put of a cancelled transaction is not applied');
    assert.equal((await item('accounts', 'alice'))!.balance!.N, '70');
  });

  test('an update that fails against the stored item is a ValidationError reason', async () => {
    await admin.send(new ddb.PutItemCommand({ TableName: 'accounts', Item: { pk: S('carol'), label: S('text') } }));
    await assert.rejects(
      admin.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'ledger', Item: { pk: S('t3'), owner: S('a') } } },
            { Update: { TableName: 'accounts', Key: { pk: S('carol') }, UpdateExpression: 'SET label = label + :n', ExpressionAttributeValues: { ':n': N(1) } } },
          ],
        }),
      ),
      rejectsWith('TransactionCanceledException', (error) => {
        assert.deepEqual(error.CancellationReasons.map((r: any) => r.Code), ['None', 'ValidationError']);
        assert.match(error.CancellationReasons[1].Message, /incorrect data type/);
      }),
    );
    assert.equal(await item('ledger', 't3'), undefined);
  });

  test('limits and shape: one action per item, 1 to 100 actions, one kind per entry, 4 MB, existing tables', async () => {
    const put = (pk: string, table = 'ledger') => ({ Put: { TableName: table, Item: { pk: S(pk) } } });
    const send = (TransactItems: ddb.TransactWriteItem[]) => admin.send(new ddb.TransactWriteItemsCommand({ TransactItems }));
    await assert.rejects(send([put('dup'), { Delete: { TableName: 'ledger', Key: { pk: S('dup') } } }]), rejectsWith('ValidationException', (e) => assert.equal(e.message, 'Transaction request cannot include multiple operations on one item')));
    await assert.rejects(send(Array.from({ length: 101 }, (_, i) => put(`many-${i}`))), rejectsWith('ValidationException', (e) => assert.match(e.message, /Member must have length less than or equal to 100/)));
    await send(Array.from({ length: 100 }, (_, i) => put(`many-${i}`)));
    assert.ok(await item('ledger', 'many-99'));
    await assert.rejects(send([]), rejectsWith('ValidationException', (e) => assert.match(e.message, /greater than or equal to 1/)));
    await assert.rejects(
      send([{ Put: { TableName: 'ledger', Item: { pk: S('x') } }, Delete: { TableName: 'ledger', Key: { pk: S('y') } } }]),
      rejectsWith('ValidationException', (e) => assert.equal(e.message, 'TransactItems can only contain one of Check, Put, Update or Delete')),
    );
    await assert.rejects(send([{ ConditionCheck: { TableName: 'ledger', Key: { pk: S('x') } } as unknown as ddb.ConditionCheck }]), rejectsWith('ValidationException'));
    await assert.rejects(send([put('x', 'no-such-table')]), rejectsWith('ResourceNotFoundException'));
    await assert.rejects(send([{ Put: { TableName: 'ledger', Item: { owner: S('no key') } } }]), rejectsWith('ValidationException', (e) => assert.match(e.message, /Missing the key pk/)));
    const big = 'x'.repeat(390 * 1024);
    await assert.rejects(
      send(Array.from({ length: 11 }, (_, i) => ({ Put: { TableName: 'ledger', Item: { pk: S(`big-${i}`), body: S(big) } } }))),
      rejectsWith('ValidationException', (e) => assert.equal(e.message, 'Transaction request cannot be larger than 4 MB')),
    );
    assert.equal(await item('ledger', 'big-0'), undefined);
    await send(Array.from({ length: 10 }, (_, i) => ({ Put: { TableName: 'ledger', Item: { pk: S(`big-${i}`), body: S(big) } } })));
    assert.equal((await item('ledger', 'big-9'))!.body!.S!.length, big.length);
  });

  test('ClientRequestToken: a repeat is applied once; the same token with another request is refused', async () => {
    const bump = (token: string, by = 1) =>
      admin.send(
        new ddb.TransactWriteItemsCommand({
          ClientRequestToken: token,
          TransactItems: [{ Update: { TableName: 'ledger', Key: { pk: S('counter') }, UpdateExpression: 'ADD hits :n', ExpressionAttributeValues: { ':n': N(by) } } }],
        }),
      );
    await bump('token-1');
    await bump('token-1');
    await bump('token-1');
    assert.equal((await item('ledger', 'counter'))!.hits!.N, '1');
    await assert.rejects(bump('token-1', 5), rejectsWith('IdempotentParameterMismatchException'));
    await bump('token-2');
    assert.equal((await item('ledger', 'counter'))!.hits!.N, '2');
  });

  test('concurrent transfers are isolated: the total never changes and every transfer lands', async () => {
    await admin.send(new ddb.PutItemCommand({ TableName: 'accounts', Item: { pk: S('pool-a'), owner: S('p'), balance: N(1000) } }));
    await admin.send(new ddb.PutItemCommand({ TableName: 'accounts', Item: { pk: S('pool-b'), owner: S('p'), balance: N(0) } }));
    const transfer = (i: number) =>
      admin.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [
            { Update: { TableName: 'accounts', Key: { pk: S(i % 2 ? 'pool-a' : 'pool-b') }, UpdateExpression: 'ADD balance :m', ExpressionAttributeValues: { ':m': N(-1) } } },
            { Update: { TableName: 'accounts', Key: { pk: S(i % 2 ? 'pool-b' : 'pool-a') }, UpdateExpression: 'ADD balance :p', ExpressionAttributeValues: { ':p': N(1) } } },
            { Put: { TableName: 'ledger', Item: { pk: S(`transfer-${i}`), owner: S('p') } } },
          ],
        }),
      );
    await Promise.all(Array.from({ length: 60 }, (_, i) => transfer(i)));
    const a = Number((await item('accounts', 'pool-a'))!.balance!.N);
    const b = Number((await item('accounts', 'pool-b'))!.balance!.N);
    assert.equal(a + b, 1000);
    assert.equal(a, 1000, '30 transfers each way');
    const read = await admin.send(new ddb.TransactGetItemsCommand({ TransactItems: Array.from({ length: 60 }, (_, i) => ({ Get: { TableName: 'ledger', Key: { pk: S(`transfer-${i}`) } } })) }));
    assert.ok(read.Responses!.every((response) => response.Item));
  });
});

describe('TransactGetItems', () => {
  test('responses in request order, {} for a missing item, projections, ConsumedCapacity', async () => {
    const result = await admin.send(
      new ddb.TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: 'accounts', Key: { pk: S('bob') }, ProjectionExpression: '#b', ExpressionAttributeNames: { '#b': 'balance' } } },
          { Get: { TableName: 'ledger', Key: { pk: S('missing') } } },
          { Get: { TableName: 'accounts', Key: { pk: S('alice') } } },
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.deepEqual(result.Responses, [{ Item: { balance: N(30) } }, {}, { Item: { pk: S('alice'), owner: S('a'), balance: N(70) } }]);
    assert.deepEqual(result.ConsumedCapacity!.map((c) => c.TableName).sort(), ['accounts', 'ledger']);
    await assert.rejects(
      admin.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'ledger', Key: { pk: S('a') } } }, { Get: { TableName: 'ledger', Key: { pk: S('a') } } }] })),
      rejectsWith('ValidationException', (e) => assert.equal(e.message, 'Transaction request cannot include multiple operations on one item')),
    );
  });
});

describe('the two locks inside transactions', () => {
  let keyId: string;
  before(async () => {
    keyId = (await new KMSClient(config(sb.credentials)).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await createTable('vault', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId });
    await admin.send(new ddb.PutItemCommand({ TableName: 'vault', Item: { pk: S('secret'), owner: S('v'), body: S('the answer is 42') } }));
  });

  test('without kms:Decrypt on the table\'s key, TransactWriteItems and TransactGetItems are refused and nothing is written', async () => {
    const tester = new DynamoDBClient(config(await userWithKey('txn-tester', [DDB_FULL])));
    await assert.rejects(
      tester.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: 'ledger', Item: { pk: S('by-tester') } } }, { Put: { TableName: 'vault', Item: { pk: S('by-tester') } } }],
        }),
      ),
      rejectsWith('AccessDeniedException', (e) => assert.match(e.message, KMS_DENIED)),
    );
    assert.equal(await item('ledger', 'by-tester'), undefined);
    await assert.rejects(
      tester.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'vault', Key: { pk: S('secret') } } }] })),
      rejectsWith('AccessDeniedException', (e) => assert.match(e.message, KMS_DENIED)),
    );
    const read = await admin.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'vault', Key: { pk: S('secret') } } }] }));
    assert.equal(read.Responses![0]!.Item!.body!.S, 'the answer is 42');
  });

  test('each action needs its own IAM action; ConditionCheck needs dynamodb:ConditionCheckItem', async () => {
    const arn = `arn:aws:dynamodb:${sb.region}:${sb.accountId}:table/ledger`;
    const writer = new DynamoDBClient(config(await userWithKey('txn-writer', [], doc({ Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: arn }))));
    await writer.send(new ddb.TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'ledger', Item: { pk: S('by-writer') } } }] }));
    await assert.rejects(
      writer.send(
        new ddb.TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: 'ledger', Item: { pk: S('by-writer-2') } } }, { ConditionCheck: { TableName: 'ledger', Key: { pk: S('by-writer') }, ConditionExpression: 'attribute_exists(pk)' } }],
        }),
      ),
      rejectsWith('AccessDeniedException', (e) => assert.match(e.message, /is not authorized to perform: dynamodb:ConditionCheckItem on resource: .*table\/ledger/)),
    );
    assert.equal(await item('ledger', 'by-writer-2'), undefined);
  });

  test('dynamodb:EnclosingOperation lets a policy allow writes only inside transactions', async () => {
    const arn = `arn:aws:dynamodb:${sb.region}:${sb.accountId}:table/ledger`;
    const onlyTransactions = doc({
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:GetItem'],
      Resource: arn,
      Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:EnclosingOperation': ['TransactWriteItems', 'TransactGetItems'] } },
    });
    const client = new DynamoDBClient(config(await userWithKey('txn-only', [], onlyTransactions)));
    await assert.rejects(client.send(new ddb.PutItemCommand({ TableName: 'ledger', Item: { pk: S('direct') } })), rejectsWith('AccessDeniedException'));
    await client.send(new ddb.TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'ledger', Item: { pk: S('transactional') } } }] }));
    const read = await client.send(new ddb.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'ledger', Key: { pk: S('transactional') } } }] }));
    assert.ok(read.Responses![0]!.Item);
  });
});

describe('idempotency window (handle-level, with the request time under test control)', () => {
  test('a token is remembered for 10 minutes, then the same request applies again', async () => {
    const f = await openServices();
    try {
      await f.ddb(f.admin, 'CreateTable', {
        TableName: 'tokens',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      const start = Date.now();
      const bump = (minutes: number) =>
        f.ddb(f.admin, 'TransactWriteItems', { ClientRequestToken: 'window', TransactItems: [{ Update: { TableName: 'tokens', Key: { pk: S('c') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': N(1) } } }] }, new Date(start + minutes * 60_000));
      const count = async () => (await f.ddb(f.admin, 'GetItem', { TableName: 'tokens', Key: { pk: S('c') } })).Item.n.N;
      await bump(0);
      await bump(9.9);
      assert.equal(await count(), '1');
      await bump(10.1);
      assert.equal(await count(), '2', 'after 10 minutes the token starts afresh');
      await f.reopen();
      await bump(11);
      assert.equal(await count(), '2', 'the token survives a restart');
      const reader = f.directory.addUser('reader', [managedPolicy('AmazonDynamoDBReadOnlyAccess'), inlinePolicy('x', { Effect: 'Allow', Action: 'kms:*', Resource: '*' })]);
      const denied = await handleError(f.ddb(reader, 'TransactWriteItems', { ClientRequestToken: 'window', TransactItems: [{ Update: { TableName: 'tokens', Key: { pk: S('c') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': N(1) } } }] }));
      assert.equal(denied.code, 'com.amazon.coral.service#AccessDeniedException', 'a remembered token does not skip authorization');
    } finally {
      await f.close();
    }
  });
});

describe('transactions with boto3', { skip: needsBoto3 }, () => {
  test('transact_write_items, cancellation reasons through botocore, transact_get_items', async () => {
    const result = await runBoto3(
      sb,
      `
ddb.transact_write_items(TransactItems=[{'Put': {'TableName': 'ledger', 'Item': {'pk': {'S': 'boto-1'}, 'n': {'N': '1'}}}}, {'Put': {'TableName': 'ledger', 'Item': {'pk': {'S': 'boto-2'}}}}])
failed = error_of(lambda: ddb.transact_write_items(TransactItems=[{'Put': {'TableName': 'ledger', 'Item': {'pk': {'S': 'boto-3'}}}}, {'ConditionCheck': {'TableName': 'ledger', 'Key': {'pk': {'S': 'boto-1'}}, 'ConditionExpression': 'n > :z', 'ExpressionAttributeValues': {':z': {'N': '5'}}, 'ReturnValuesOnConditionCheckFailure': 'ALL_OLD'}}]))
got = ddb.transact_get_items(TransactItems=[{'Get': {'TableName': 'ledger', 'Key': {'pk': {'S': 'boto-1'}}}}, {'Get': {'TableName': 'ledger', 'Key': {'pk': {'S': 'boto-3'}}}}])
out({'code': failed['code'], 'reasons': failed['response']['CancellationReasons'], 'got': got['Responses']})
`,
    );
    assert.equal(result.code, 'TransactionCanceledException');
    assert.deepEqual(result.reasons, [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'boto-1' }, n: { N: '1' } } }]);
    assert.deepEqual(result.got, [{ Item: { pk: { S: 'boto-1' }, n: { N: '1' } } }, {}]);
  });
});
