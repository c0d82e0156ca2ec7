// The sandbox enforces grant constraints as KMS does: keys without case, values exactly (AWS KMS API Reference,
// "GrantConstraints"), on the kms:Decrypt DynamoDB makes for every item read.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Caller } from '../../../src/sandbox/contracts';
import { type ServicesFixture, awsError, managedPolicy, openServices } from './lab-fixtures';

let f: ServicesFixture;
let key: { KeyId: string };
before(async () => {
  f = await openServices();
  key = (await f.kms(f.admin, 'CreateKey', { Description: 'grants' })).KeyMetadata;
  await f.ddb(f.admin, 'CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyId },
  });
});
after(() => f.close());

async function granted(name: string, constraint: Record<string, string>): Promise<Caller> {
  const user = f.directory.addUser(name, [managedPolicy('AmazonDynamoDBReadOnlyAccess')]);
  await f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: user.arn, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: constraint } });
  return user;
}

test('a grant whose constraint key differs from DynamoDB\'s only in case lets the grantee read', async () => {
  const user = await granted('upper-key', { 'AWS:DynamoDB:TableName': 'orders' });
  const out = await f.ddb(user, 'Scan', { TableName: 'orders' });
  assert.equal(out.Count, 0);
});

test('a grant whose constraint value differs only in case does not', async () => {
  const user = await granted('upper-value', { 'aws:dynamodb:tableName': 'ORDERS' });
  assert.match((await awsError(f.ddb(user, 'Scan', { TableName: 'orders' }))).message, /^KMS key access denied error/);
});
