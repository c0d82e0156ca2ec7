// DynamoDB resource-based policies over the wire (SDK v3 and boto3): PutResourcePolicy / GetResourcePolicy /
// DeleteResourcePolicy with revision ids, the 20 KB limit, and enforcement. Within one account an allow in the
// identity policies or in the table's policy is enough unless something denies ("Policy evaluation for requests within
// a single account", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html);
// a grant that names the user is not capped by its permissions boundary, one that names the role is
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). The key lock still applies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';

const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const KMS_DENIED = /^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException/;

let sb: TestSandbox;
let admin: DynamoDBClient;
let adminIam: IAMClient;
let account: string;
let tableArn: string;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const userArn = (name: string) => `arn:aws:iam::${account}:user/${name}`;

const userWithKey = (name: string, policies: string[] = [], boundary?: string) => createUserWithKey(adminIam, name, { policies, boundary });

async function createTable(name: string, extra: Partial<ddb.CreateTableCommandInput> = {}): Promise<string> {
  const created = await admin.send(
    new ddb.CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      ...extra,
    }),
  );
  await admin.send(new ddb.PutItemCommand({ TableName: name, Item: { pk: { S: '1' }, g: { S: 'a' }, v: { S: 'secret' } } }));
  return created.TableDescription!.TableArn!;
}

function awsError(name: string, message?: RegExp | string) {
  return (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  };
}

before(async () => {
  sb = await startTestSandbox();
  admin = new DynamoDBClient(config(sb.credentials));
  adminIam = new IAMClient(config(sb.credentials));
  account = sb.accountId;
  tableArn = await createTable('orders');
});
after(() => sb.stop());

describe('the operations', () => {
  test('put, get, idempotent put, conditional updates with ExpectedRevisionId and NO_POLICY, delete', async () => {
    await assert.rejects(admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: tableArn })), awsError('PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: ${tableArn}`));
    const first = doc({ Sid: 'read', Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:GetItem', Resource: tableArn });
    const put = await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: first, ExpectedRevisionId: 'NO_POLICY' }));
    assert.match(put.RevisionId!, /^\d+$/);
    const got = await admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: tableArn }));
    assert.deepEqual([got.Policy, got.RevisionId], [first, put.RevisionId]);
    const again = await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: first }));
    assert.equal(again.RevisionId, put.RevisionId, 'the same document keeps its revision id');
    const second = doc({ Sid: 'read', Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: tableArn });
    await assert.rejects(admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: second, ExpectedRevisionId: 'NO_POLICY' })), awsError('PolicyNotFoundException'));
    await assert.rejects(admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: second, ExpectedRevisionId: '12345' })), awsError('PolicyNotFoundException', /revision id 12345/));
    const updated = await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: second, ExpectedRevisionId: put.RevisionId }));
    assert.ok(Number(updated.RevisionId) > Number(put.RevisionId));
    assert.equal((await admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: tableArn }))).Policy, second);
    await assert.rejects(admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: tableArn, ExpectedRevisionId: put.RevisionId })), awsError('PolicyNotFoundException'));
    const deleted = await admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: tableArn, ExpectedRevisionId: updated.RevisionId }));
    assert.equal(deleted.RevisionId, updated.RevisionId);
    await assert.rejects(admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: tableArn })), awsError('PolicyNotFoundException'));
    await assert.rejects(admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: tableArn })), awsError('PolicyNotFoundException'));
    const described = await admin.send(new ddb.DescribeTableCommand({ TableName: 'orders' }));
    assert.ok(!Object.keys(described.Table!).some((field) => /KmsLab|Policy/.test(field)), 'DescribeTable never shows the policy or sandbox fields');
  });

  test('20 KB limit with whitespace counted; malformed documents, unknown tables and non-table ARNs are refused', async () => {
    const statement = { Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:GetItem', Resource: tableArn };
    const compact = doc(statement);
    const padded = compact.replace('{', `{${' '.repeat(20 * 1024 - compact.length + 1)}`);
    assert.ok(padded.replace(/\s/g, '').length < 20 * 1024 && Buffer.byteLength(padded) > 20 * 1024);
    await assert.rejects(admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: padded })), awsError('ValidationException', /exceeds the maximum allowed size of 20480 bytes/));
    const fits = compact.replace('{', `{${' '.repeat(20 * 1024 - compact.length)}`);
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: fits }));
    await admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: tableArn }));
    await assert.rejects(admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: '{not json' })), awsError('ValidationException'));
    await assert.rejects(
      admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn }) })),
      awsError('ValidationException', /must name a Principal/),
    );
    const ghost = tableArn.replace('table/orders', 'table/ghost');
    await assert.rejects(admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: ghost })), awsError('ResourceNotFoundException'));
    await assert.rejects(admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: 'arn:aws:s3:::bucket' })), awsError('ValidationException'));
  });

  test('CreateTable with ResourcePolicy attaches it at creation', async () => {
    const arn = `arn:aws:dynamodb:${sb.region}:${account}:table/born-with-policy`;
    const policy = doc({ Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:*', Resource: arn });
    await createTable('born-with-policy', { ResourcePolicy: policy });
    assert.equal((await admin.send(new ddb.GetResourcePolicyCommand({ ResourceArn: arn }))).Policy, policy);
  });

  test('a policy that would deny its author further changes needs ConfirmRemoveSelfResourceAccess', async () => {
    const arn = await createTable('self-lock');
    const lock = doc({ Effect: 'Deny', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:PutResourcePolicy', Resource: arn });
    await assert.rejects(admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: lock })), awsError('ValidationException', /ConfirmRemoveSelfResourceAccess/));
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: lock, ConfirmRemoveSelfResourceAccess: true }));
    await assert.rejects(
      admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: doc({ Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:GetItem', Resource: arn }) })),
      awsError('AccessDeniedException', /dynamodb:PutResourcePolicy on resource: .*self-lock with an explicit deny in a resource-based policy$/),
    );
    await admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: arn }));
  });
});

describe('enforcement', () => {
  test('a user with no identity policy reads what the table\'s policy allows them, and nothing else', async () => {
    const arn = await createTable('shared');
    const reader = await userWithKey('rp-reader');
    const client = new DynamoDBClient(config(reader));
    const denied = /rp-reader is not authorized to perform: dynamodb:GetItem on resource: .*table\/shared because no identity-based policy allows the dynamodb:GetItem action$/;
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'shared', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', denied));
    await admin.send(
      new ddb.PutResourcePolicyCommand({
        ResourceArn: arn,
        Policy: doc({ Effect: 'Allow', Principal: { AWS: userArn('rp-reader') }, Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [arn, `${arn}/index/by-g`] }),
      }),
    );
    const item = await client.send(new ddb.GetItemCommand({ TableName: 'shared', Key: { pk: { S: '1' } } }));
    assert.equal(item.Item!.v!.S, 'secret');
    const viaIndex = await client.send(new ddb.QueryCommand({ TableName: 'shared', IndexName: 'by-g', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'a' } } }));
    assert.equal(viaIndex.Items!.length, 1);
    await assert.rejects(client.send(new ddb.ScanCommand({ TableName: 'shared' })), awsError('AccessDeniedException', /dynamodb:Scan/));
    await admin.send(new ddb.DeleteResourcePolicyCommand({ ResourceArn: arn }));
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'shared', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', denied));
  });

  test('an explicit deny in the table\'s policy beats AmazonDynamoDBFullAccess', async () => {
    const arn = await createTable('guarded');
    const full = await userWithKey('rp-full', [DDB_FULL]);
    const client = new DynamoDBClient(config(full));
    await client.send(new ddb.GetItemCommand({ TableName: 'guarded', Key: { pk: { S: '1' } } }));
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: doc({ Effect: 'Deny', Principal: { AWS: userArn('rp-full') }, Action: 'dynamodb:GetItem', Resource: arn }) }));
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'guarded', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', /with an explicit deny in a resource-based policy$/));
    await client.send(new ddb.ScanCommand({ TableName: 'guarded' }));
  });

  test('a role allowed only by the table\'s policy: its sessions read; a role boundary still caps them', async () => {
    const arn = await createTable('role-shared');
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });
    const role = (await adminIam.send(new iam.CreateRoleCommand({ RoleName: 'rp-role', AssumeRolePolicyDocument: trust }))).Role!;
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: doc({ Effect: 'Allow', Principal: { AWS: role.Arn }, Action: 'dynamodb:GetItem', Resource: arn }) }));
    const sts = new STSClient(config(sb.credentials));
    const session = async () => {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'reader' }))).Credentials!;
      return new DynamoDBClient(config({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }));
    };
    const item = await (await session()).send(new ddb.GetItemCommand({ TableName: 'role-shared', Key: { pk: { S: '1' } } }));
    assert.equal(item.Item!.v!.S, 'secret');
    const onlyKms = (await adminIam.send(new iam.CreatePolicyCommand({ PolicyName: 'rp-only-kms', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) }))).Policy!.Arn!;
    await adminIam.send(new iam.PutRolePermissionsBoundaryCommand({ RoleName: 'rp-role', PermissionsBoundary: onlyKms }));
    await assert.rejects((await session()).send(new ddb.GetItemCommand({ TableName: 'role-shared', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', /because no permissions boundary allows the dynamodb:GetItem action$/));
  });

  test('a grant naming the user is not capped by the user\'s boundary', async () => {
    const arn = await createTable('user-shared');
    const onlyKms = (await adminIam.send(new iam.CreatePolicyCommand({ PolicyName: 'rp-only-kms-2', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) }))).Policy!.Arn!;
    const bounded = await userWithKey('rp-bounded', [DDB_FULL], onlyKms);
    const client = new DynamoDBClient(config(bounded));
    await assert.rejects(client.send(new ddb.GetItemCommand({ TableName: 'user-shared', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', /no permissions boundary allows/));
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: doc({ Effect: 'Allow', Principal: { AWS: userArn('rp-bounded') }, Action: 'dynamodb:GetItem', Resource: arn }) }));
    await client.send(new ddb.GetItemCommand({ TableName: 'user-shared', Key: { pk: { S: '1' } } }));
  });

  test('on a table under a customer managed key, the table\'s policy opens only the table lock', async () => {
    const keyId = (await new KMSClient(config(sb.credentials)).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const arn = await createTable('cmk-shared', { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId } });
    const reader = await userWithKey('rp-cmk-reader');
    await admin.send(new ddb.PutResourcePolicyCommand({ ResourceArn: arn, Policy: doc({ Effect: 'Allow', Principal: { AWS: userArn('rp-cmk-reader') }, Action: 'dynamodb:GetItem', Resource: arn }) }));
    await assert.rejects(new DynamoDBClient(config(reader)).send(new ddb.GetItemCommand({ TableName: 'cmk-shared', Key: { pk: { S: '1' } } })), awsError('AccessDeniedException', KMS_DENIED));
  });

  test('reading or changing a table\'s policy needs dynamodb:GetResourcePolicy / PutResourcePolicy', async () => {
    const nobody = await userWithKey('rp-nobody');
    const client = new DynamoDBClient(config(nobody));
    await assert.rejects(client.send(new ddb.GetResourcePolicyCommand({ ResourceArn: tableArn })), awsError('AccessDeniedException', /dynamodb:GetResourcePolicy on resource/));
    await assert.rejects(
      client.send(new ddb.PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: doc({ Effect: 'Allow', Principal: { AWS: userArn('rp-nobody') }, Action: 'dynamodb:*', Resource: '*' }) })),
      awsError('AccessDeniedException', /dynamodb:PutResourcePolicy on resource/),
    );
  });
});

describe('resource policies with boto3', { skip: needsBoto3 }, () => {
  test('put, get, delete, and PolicyNotFoundException', async () => {
    const arn = await createTable('boto-policy');
    const policy = doc({ Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'dynamodb:GetItem', Resource: arn });
    const result = await runBoto3(
      sb,
      `
arn = '${arn}'
missing = error_of(lambda: ddb.get_resource_policy(ResourceArn=arn))
put = ddb.put_resource_policy(ResourceArn=arn, Policy=${JSON.stringify(policy)}, ExpectedRevisionId='NO_POLICY')
got = ddb.get_resource_policy(ResourceArn=arn)
wrong = error_of(lambda: ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId='1'))
deleted = ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=put['RevisionId'])
out({'missing': missing['code'], 'status': missing['status'], 'revision': put['RevisionId'], 'got': [got['Policy'], got['RevisionId']], 'wrong': wrong['code'], 'deleted': deleted['RevisionId']})
`,
    );
    assert.equal(result.missing, 'PolicyNotFoundException');
    assert.equal(result.status, 400);
    assert.deepEqual(result.got, [policy, result.revision]);
    assert.equal(result.wrong, 'PolicyNotFoundException');
    assert.equal(result.deleted, result.revision);
  });
});
