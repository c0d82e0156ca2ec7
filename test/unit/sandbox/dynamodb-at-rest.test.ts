// Items at rest: sealed with the table's data key, which is wrapped under the table's KMS key. Nothing of an item's
// non-key attributes reaches the disk in clear, and the data stays readable across restarts and key changes.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type ServicesFixture, openServices } from './lab-fixtures';

const CANARY = 'PLAINTEXT-CANARY-7f3a9c';

let f: ServicesFixture;
let keyId: string;
before(async () => {
  f = await openServices();
  keyId = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
});
after(() => f.close());

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)])));
  return nested.flat();
}

async function diskContains(needle: string): Promise<string[]> {
  const files = await filesUnder(path.join(f.dataDir, 'dynamodb'));
  const hits: string[] = [];
  for (const file of files) if ((await readFile(file)).includes(Buffer.from(needle))) hits.push(path.basename(file));
  return hits;
}

function tableInput(name: string, sse?: Record<string, unknown>): Record<string, unknown> {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'colour', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'by-colour', KeySchema: [{ AttributeName: 'colour', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(sse ? { SSESpecification: sse } : {}),
  };
}

test('item values and index entries are sealed on disk, for every kind of key', async () => {
  await f.ddb(f.admin, 'CreateTable', tableInput('cmk-sealed', { Enabled: true, KMSMasterKeyId: keyId }));
  await f.ddb(f.admin, 'CreateTable', tableInput('owned-sealed'));
  for (const table of ['cmk-sealed', 'owned-sealed']) {
    await f.ddb(f.admin, 'PutItem', { TableName: table, Item: { id: { S: '1' }, colour: { S: 'red' }, secret: { S: `${CANARY}-${table}` } } });
    await f.ddb(f.admin, 'BatchWriteItem', { RequestItems: { [table]: [{ PutRequest: { Item: { id: { S: '2' }, colour: { S: 'red' }, secret: { S: `${CANARY}-${table}-2` } } } }] } });
    await f.ddb(f.admin, 'UpdateItem', { TableName: table, Key: { id: { S: '1' } }, UpdateExpression: 'SET extra = :e', ExpressionAttributeValues: { ':e': { S: `${CANARY}-${table}-update` } } });
    const viaIndex = await f.ddb(f.admin, 'Query', { TableName: table, IndexName: 'by-colour', KeyConditionExpression: 'colour = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } });
    assert.deepEqual(viaIndex.Items.map((item: any) => item.secret.S).sort(), [`${CANARY}-${table}`, `${CANARY}-${table}-2`]);
    const scanned = await f.ddb(f.admin, 'Scan', { TableName: table, FilterExpression: 'attribute_exists(extra)' });
    assert.equal(scanned.Items[0].extra.S, `${CANARY}-${table}-update`);
  }
  await f.reopen(); // closes LevelDB, so everything written is in its files
  assert.deepEqual(await diskContains(CANARY), []);
  const item = await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-sealed', Key: { id: { S: '1' } } });
  assert.equal(item.Item.secret.S, `${CANARY}-cmk-sealed`);
  const batch = await f.ddb(f.admin, 'BatchGetItem', { RequestItems: { 'owned-sealed': { Keys: [{ id: { S: '2' } }] } } });
  assert.equal(batch.Responses['owned-sealed'][0].secret.S, `${CANARY}-owned-sealed-2`);
  const described = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'cmk-sealed' })).Table;
  assert.equal(JSON.stringify(described).includes('KmsLabSandbox'), false, 'the wrapped data key is never shown');
});

test('moving a table to another key keeps its items readable, before and after a restart', async () => {
  const other = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
  await f.ddb(f.admin, 'UpdateTable', { TableName: 'cmk-sealed', SSESpecification: { Enabled: true, KMSMasterKeyId: other } });
  assert.equal((await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-sealed', Key: { id: { S: '1' } } })).Item.secret.S, `${CANARY}-cmk-sealed`);
  await f.ddb(f.admin, 'UpdateTable', { TableName: 'cmk-sealed', SSESpecification: { Enabled: false } });
  await f.reopen();
  assert.equal((await f.ddb(f.admin, 'GetItem', { TableName: 'cmk-sealed', Key: { id: { S: '1' } } })).Item.secret.S, `${CANARY}-cmk-sealed`);
});

test('once the key is deleted, the table data cannot be read', async () => {
  const doomed = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
  await f.ddb(f.admin, 'CreateTable', tableInput('doomed', { Enabled: true, KMSMasterKeyId: doomed }));
  await f.ddb(f.admin, 'PutItem', { TableName: 'doomed', Item: { id: { S: '1' }, colour: { S: 'blue' } } });
  await f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: doomed, PendingWindowInDays: 7 });
  const later = new Date(Date.now() + 8 * 86_400_000);
  await f.kms(f.admin, 'ListKeys', {}, later); // the key's waiting period is over: it is deleted
  await f.reopen();
  const error = await f.ddb(f.admin, 'GetItem', { TableName: 'doomed', Key: { id: { S: '1' } } }).then(
    () => undefined,
    (failure: Error) => failure,
  );
  assert.match(String(error?.message), /^KMS key access denied error/);
  const table = (await f.ddb(f.admin, 'DescribeTable', { TableName: 'doomed' })).Table;
  assert.equal(table.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
});
