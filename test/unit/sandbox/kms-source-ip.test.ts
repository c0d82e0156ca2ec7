// DynamoDB's kms:Decrypt for a caller keeps the caller's source address: a forward access session preserves the
// original requester's IP (IAM User Guide, "AWS: Denies access to AWS based on the source IP"), so a key policy that
// denies requests from outside a range lets the table be read from inside it, and only from there.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addKeyUser } from '../../../src/policy';
import { type ServicesFixture, awsError, openServices } from './lab-fixtures';

let f: ServicesFixture;
let keyId: string;
before(async () => {
  f = await openServices();
  keyId = (await f.kms(f.admin, 'CreateKey', { Description: 'office only' })).KeyMetadata.KeyId;
  await f.ddb(f.admin, 'CreateTable', {
    TableName: 'office',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId },
  });
});
after(() => f.close());

async function denyOutside(cidr: string): Promise<void> {
  const policy = JSON.parse((await f.kms(f.admin, 'GetKeyPolicy', { KeyId: keyId })).Policy as string);
  const statements = (policy.Statement as object[]).filter((s) => (s as { Sid?: string }).Sid !== 'OnlyFrom');
  statements.push({ Sid: 'OnlyFrom', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': cidr } } });
  await f.kms(f.admin, 'PutKeyPolicy', { KeyId: keyId, Policy: JSON.stringify(addKeyUser({ ...policy, Statement: statements }, f.admin.arn)) });
}

test('a Deny from outside the caller\'s own range does not stop a read through DynamoDB', async () => {
  await denyOutside('127.0.0.0/8');
  assert.equal((await f.ddb(f.admin, 'Scan', { TableName: 'office' })).Count, 0);
});

test('a Deny from outside another range stops it, as it stops a direct Decrypt', async () => {
  await denyOutside('10.0.0.0/8');
  assert.match((await awsError(f.ddb(f.admin, 'Scan', { TableName: 'office' }))).message, /^KMS key access denied error/);
});
