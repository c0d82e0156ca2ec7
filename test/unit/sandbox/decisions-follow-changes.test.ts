// The sandbox keeps what it decided about a caller between requests (the caller's IAM facts, DynamoDB's question to
// KMS), for speed. Without AWS's timing every change must still count at the very next request: a key policy that
// stops naming the reader, an inline policy deleted, a managed policy detached, a key disabled, an SCP or an RCP
// attached, and back again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachPolicyCommand, CreatePolicyCommand, DetachPolicyCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import * as iam from '@aws-sdk/client-iam';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

let sb: TestSandbox;
let admin: { iam: iam.IAMClient; kms: KMSClient; ddb: DynamoDBClient };
let reader: DynamoDBClient;
let keyId: string;
let defaultPolicy: string;
const TABLE = 'kept-decisions';
const DECRYPT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });

before(async () => {
  sb = await startTestSandbox();
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  admin = { iam: new iam.IAMClient(config), kms: new KMSClient(config), ddb: new DynamoDBClient(config) };
  keyId = (await admin.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  defaultPolicy = (await admin.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!;
  await admin.ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId },
    }),
  );
  await admin.ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: '1' } } }));
  await admin.iam.send(new iam.CreateUserCommand({ UserName: 'reader' }));
  await admin.iam.send(new iam.AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  const key = (await admin.iam.send(new iam.CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
  reader = new DynamoDBClient({ ...config, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
});
after(() => sb.stop());

async function read(): Promise<string> {
  try {
    await reader.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: '1' } } }));
    return 'allowed';
  } catch (error) {
    const { name, message } = error as Error;
    return name === 'AccessDeniedException' && /KMS key access denied/.test(message) ? 'kms-denied' : name === 'AccessDeniedException' ? 'iam-denied' : name;
  }
}

async function readsTwice(): Promise<string> {
  const first = await read();
  assert.equal(await read(), first, 'the same answer twice in a row');
  return first;
}

test('every change to who may read counts at the next request, however recently the reader was decided', async () => {
  assert.equal(await readsTwice(), 'kms-denied', 'no kms:Decrypt anywhere yet');

  await admin.iam.send(new iam.PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'decrypt', PolicyDocument: DECRYPT }));
  assert.equal(await readsTwice(), 'allowed', 'an inline policy (the default key policy lets IAM decide)');
  await admin.iam.send(new iam.DeleteUserPolicyCommand({ UserName: 'reader', PolicyName: 'decrypt' }));
  assert.equal(await readsTwice(), 'kms-denied', 'the inline policy deleted');

  const policy = JSON.parse(defaultPolicy);
  policy.Statement.push({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sb.accountId}:user/reader` }, Action: 'kms:Decrypt', Resource: '*' });
  await admin.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
  assert.equal(await readsTwice(), 'allowed', 'the key policy names the reader');
  await admin.kms.send(new DisableKeyCommand({ KeyId: keyId }));
  assert.notEqual(await read(), 'allowed', 'the key disabled');
  await admin.kms.send(new EnableKeyCommand({ KeyId: keyId }));
  assert.equal(await readsTwice(), 'allowed', 'the key enabled again');

  await admin.iam.send(new iam.DetachUserPolicyCommand({ UserName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  assert.equal(await readsTwice(), 'iam-denied', 'AmazonDynamoDBFullAccess detached');
  await admin.iam.send(new iam.AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  assert.equal(await readsTwice(), 'allowed', 'attached again');

  const org = new OrganizationsClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const deny = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: '*' }] });
  const scp = (await org.send(new CreatePolicyCommand({ Name: 'no-get', Type: 'SERVICE_CONTROL_POLICY', Description: 'x', Content: deny('dynamodb:GetItem') }))).Policy!.PolicySummary!.Id!;
  await org.send(new AttachPolicyCommand({ PolicyId: scp, TargetId: sb.accountId }));
  assert.equal(await readsTwice(), 'iam-denied', 'an SCP denying GetItem');
  await org.send(new DetachPolicyCommand({ PolicyId: scp, TargetId: sb.accountId }));
  assert.equal(await readsTwice(), 'allowed', 'the SCP detached');
  const rcpDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': sb.accountId } } }] });
  const rcp = (await org.send(new CreatePolicyCommand({ Name: 'no-decrypt', Type: 'RESOURCE_CONTROL_POLICY', Description: 'x', Content: rcpDocument }))).Policy!.PolicySummary!.Id!;
  await org.send(new AttachPolicyCommand({ PolicyId: rcp, TargetId: rootId }));
  assert.equal(await readsTwice(), 'kms-denied', 'an RCP denying kms:Decrypt');
  await org.send(new DetachPolicyCommand({ PolicyId: rcp, TargetId: rootId }));
  assert.equal(await readsTwice(), 'allowed', 'the RCP detached');
  org.destroy();

  await admin.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: defaultPolicy }));
  assert.equal(await readsTwice(), 'kms-denied', 'the key policy no longer names the reader');
});
