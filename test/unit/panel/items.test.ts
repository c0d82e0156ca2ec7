// Reading a table's items as DynamoDB JSON, against the local sandbox: Scan pages, Query with sort key
// conditions, every attribute type, and key values typed by a person.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { waitForActive } from '../sandbox/helpers/tables';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';
import { AwsSession } from '../../../src/aws/session';
import { fromItemJson, readInput, toItemJson } from '../../../src/aws/items';
import type { ItemJson } from '../../../src/aws/types';

let dataDir: string;
let sandbox: RunningSandbox;
let session: AwsSession;

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-items-'));
  sandbox = await startSandbox({ dataDir });
  session = new AwsSession({ kind: 'static', label: 'Local sandbox', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  const ddb = new DynamoDBClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  await ddb.send(
    new CreateTableCommand({
      TableName: 'orders',
      AttributeDefinitions: [
        { AttributeName: 'customer', AttributeType: 'S' },
        { AttributeName: 'n', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'n', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitForActive(ddb, 'orders');
  for (const customer of ['ann', 'bob']) {
    for (let n = 1; n <= 12; n++) {
      await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { customer: { S: customer }, n: { N: String(n) }, note: { S: `order ${n}` } } }));
    }
  }
  await ddb.send(
    new PutItemCommand({
      TableName: 'orders',
      Item: {
        customer: { S: 'carol' },
        n: { N: '1' },
        blob: { B: new Uint8Array([0, 1, 2, 250]) },
        flags: { SS: ['a', 'b'] },
        sizes: { NS: ['1', '2.5'] },
        nested: { M: { deep: { L: [{ BOOL: true }, { NULL: true }, { BS: [new Uint8Array([7])] }] } } },
      },
    }),
  );
  ddb.destroy();
});

after(async () => {
  session.dispose();
  await sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('items as DynamoDB JSON', () => {
  it('scans page by page until LastEvaluatedKey is absent, each item once', async () => {
    const seen = new Set<string>();
    let startKey: ItemJson | undefined;
    let pages = 0;
    do {
      const page = await session.dynamodb.readItems('orders', { kind: 'scan', limit: 10, startKey });
      assert.ok(page.items.length <= 10);
      for (const item of page.items) seen.add(JSON.stringify([item.customer, item.n]));
      startKey = page.lastEvaluatedKey;
      pages++;
    } while (startKey);
    assert.equal(seen.size, 25);
    assert.ok(pages >= 3, `expected at least 3 pages, got ${pages}`);
  });

  it('queries a partition with a sort key condition, in sort key order', async () => {
    const between = await session.dynamodb.readItems('orders', {
      kind: 'query',
      partitionKey: { name: 'customer', type: 'S', value: 'bob' },
      sortKey: { name: 'n', type: 'N', operator: 'between', value: '3', value2: '5' },
    });
    assert.deepEqual(between.items.map((i) => i.n), [{ N: '3' }, { N: '4' }, { N: '5' }]);
    const greater = await session.dynamodb.readItems('orders', {
      kind: 'query',
      partitionKey: { name: 'customer', type: 'S', value: 'ann' },
      sortKey: { name: 'n', type: 'N', operator: '>', value: '10' },
    });
    assert.deepEqual(greater.items.map((i) => i.n), [{ N: '11' }, { N: '12' }]);
  });

  it('gives every attribute type as the AWS CLI prints it, binary as base64', async () => {
    const page = await session.dynamodb.readItems('orders', { kind: 'query', partitionKey: { name: 'customer', type: 'S', value: 'carol' } });
    assert.equal(page.items.length, 1);
    const item = page.items[0];
    assert.deepEqual(item.blob, { B: Buffer.from([0, 1, 2, 250]).toString('base64') });
    assert.deepEqual(item.flags, { SS: ['a', 'b'] });
    assert.deepEqual(item.sizes, { NS: ['1', '2.5'] });
    assert.deepEqual(item.nested, { M: { deep: { L: [{ BOOL: true }, { NULL: true }, { BS: ['Bw=='] }] } } });
    assert.deepEqual(toItemJson(fromItemJson(item)), item);
  });

  it('security: an attribute named __proto__ is read as an attribute, not as the item\'s prototype', async () => {
    const ddb = new DynamoDBClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
    const hostile = JSON.parse('{"customer": {"S": "mallory"}, "n": {"N": "1"}, "__proto__": {"M": {"polluted": {"S": "yes"}}}}');
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: hostile }));
    ddb.destroy();
    const page = await session.dynamodb.readItems('orders', { kind: 'query', partitionKey: { name: 'customer', type: 'S', value: 'mallory' } });
    const item = page.items[0];
    assert.ok(Object.hasOwn(item, '__proto__'), 'the attribute is an own property of the item');
    assert.deepEqual(Object.getOwnPropertyDescriptor(item, '__proto__')?.value, { M: { polluted: { S: 'yes' } } });
    assert.equal(Object.getPrototypeOf(item), Object.prototype);
    assert.ok(Object.hasOwn(fromItemJson(item), '__proto__'));
  });

  it('refuses a key value that does not fit the key attribute type, before asking AWS', () => {
    assert.throws(
      () => readInput('orders', { kind: 'query', partitionKey: { name: 'customer', type: 'S', value: 'x' }, sortKey: { name: 'n', type: 'N', operator: '=', value: 'ten' } }),
      /"ten" is not a number, and the key attribute is of type N/,
    );
    assert.throws(() => readInput('t', { kind: 'query', partitionKey: { name: 'k', type: 'B', value: '%%%' } }), /is not base64/);
  });

  it('passes names and values through placeholders, so a name like a reserved word works', () => {
    const built = readInput('t', { kind: 'query', partitionKey: { name: 'status', type: 'S', value: 'a' }, sortKey: { name: 'date', type: 'S', operator: 'begins_with', value: '2024' } });
    assert.equal(built.kind, 'query');
    assert.equal((built.input as { KeyConditionExpression: string }).KeyConditionExpression, '#pk = :pk AND begins_with(#sk, :sk)');
    assert.deepEqual((built.input as { ExpressionAttributeNames: unknown }).ExpressionAttributeNames, { '#pk': 'status', '#sk': 'date' });
  });
});
