// The sandbox's AWS Organizations, with SDK v3: the sandbox account in an OU under the root, SCPs and RCPs created,
// attached and detached, and enforced on every request (AWS Organizations User Guide, "Service control policies",
// "Resource control policies"; AWS KMS Developer Guide, "Resource control policies in AWS KMS").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  AttachPolicyCommand, CreatePolicyCommand, DeletePolicyCommand, DescribeOrganizationCommand, DescribePolicyCommand, DetachPolicyCommand, ListParentsCommand, ListPoliciesForTargetCommand,
  ListRootsCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

let sb: TestSandbox;
let orgs: OrganizationsClient;
let ddb: DynamoDBClient;
let kms: KMSClient;
let keyId: string;
let tester: { accessKeyId: string; secretAccessKey: string };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

before(async () => {
  sb = await startTestSandbox({ keepData: true });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  orgs = new OrganizationsClient(config);
  ddb = new DynamoDBClient(config);
  kms = new KMSClient(config);
  const iam = new IAMClient(config);
  keyId = (await kms.send(new CreateKeyCommand({ Description: 'org' }))).KeyMetadata?.KeyId ?? '';
  await ddb.send(new CreateTableCommand({
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId },
  }));
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: '1' } } }));
  await iam.send(new CreateUserCommand({ UserName: 'tester' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'tester', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  const made = await iam.send(new CreateAccessKeyCommand({ UserName: 'tester' }));
  tester = { accessKeyId: made.AccessKey?.AccessKeyId ?? '', secretAccessKey: made.AccessKey?.SecretAccessKey ?? '' };
  iam.destroy();
});

after(async () => {
  orgs?.destroy();
  ddb?.destroy();
  kms?.destroy();
  await sb?.stop();
  const { rm } = await import('node:fs/promises');
  if (sb) await rm(sb.dataDir, { recursive: true, force: true });
});

async function path(): Promise<{ root: string; ou: string; account: string }> {
  const ou = (await orgs.send(new ListParentsCommand({ ChildId: sb.accountId }))).Parents?.[0];
  const root = (await orgs.send(new ListParentsCommand({ ChildId: ou?.Id }))).Parents?.[0];
  return { root: root?.Id ?? '', ou: ou?.Id ?? '', account: sb.accountId };
}

const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected a refusal'), (e: Error & { $metadata?: unknown }) => e);

describe('the organization', () => {
  test('the sandbox account sits in an OU under the root of an organization it does not manage, with both policy types enabled', async () => {
    const org = (await orgs.send(new DescribeOrganizationCommand({}))).Organization;
    assert.match(org?.Id ?? '', /^o-[a-z0-9]{10}$/);
    assert.notEqual(org?.MasterAccountId, sb.accountId);
    assert.equal(org?.FeatureSet, 'ALL');
    const { root, ou } = await path();
    assert.match(ou, /^ou-[a-z0-9]{4}-[a-z0-9]{8}$/);
    assert.match(root, /^r-[a-z0-9]{4}$/);
    const roots = (await orgs.send(new ListRootsCommand({}))).Roots ?? [];
    assert.deepEqual(roots.map((r) => [r.Id, r.PolicyTypes?.map((t) => `${t.Type}:${t.Status}`)]), [[root, ['SERVICE_CONTROL_POLICY:ENABLED', 'RESOURCE_CONTROL_POLICY:ENABLED']]]);
    assert.equal((await failure(orgs.send(new ListParentsCommand({ ChildId: root })))).name, 'ChildNotFoundException');
  });

  test('FullAWSAccess and RCPFullAWSAccess are attached at every level, and DescribePolicy returns their documents', async () => {
    for (const target of Object.values(await path())) {
      for (const [Filter, name] of [['SERVICE_CONTROL_POLICY', 'FullAWSAccess'], ['RESOURCE_CONTROL_POLICY', 'RCPFullAWSAccess']] as const) {
        const policies = (await orgs.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter }))).Policies ?? [];
        assert.deepEqual(policies.map((p) => [p.Name, p.AwsManaged]), [[name, true]], `${target} ${Filter}`);
      }
    }
    const full = (await orgs.send(new DescribePolicyCommand({ PolicyId: 'p-FullAWSAccess' }))).Policy;
    assert.deepEqual(JSON.parse(full?.Content ?? '{}').Statement, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    assert.equal((await failure(orgs.send(new DescribePolicyCommand({ PolicyId: 'p-nothere' })))).name, 'PolicyNotFoundException');
  });

  test('the last SCP of a target cannot be detached, RCPFullAWSAccess never, and a policy in use cannot be deleted', async () => {
    const { ou } = await path();
    assert.equal((await failure(orgs.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: ou })))).name, 'ConstraintViolationException');
    assert.equal((await failure(orgs.send(new DetachPolicyCommand({ PolicyId: 'p-RCPFullAWSAccess', TargetId: ou })))).name, 'ConstraintViolationException');
    const made = await orgs.send(new CreatePolicyCommand({ Name: 'InUse', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: doc({ Effect: 'Deny', Action: 'sqs:*', Resource: '*' }) }));
    const id = made.Policy?.PolicySummary?.Id ?? '';
    await orgs.send(new AttachPolicyCommand({ PolicyId: id, TargetId: ou }));
    assert.equal((await failure(orgs.send(new AttachPolicyCommand({ PolicyId: id, TargetId: ou })))).name, 'DuplicatePolicyAttachmentException');
    assert.equal((await failure(orgs.send(new DeletePolicyCommand({ PolicyId: id })))).name, 'PolicyInUseException');
    await orgs.send(new DetachPolicyCommand({ PolicyId: id, TargetId: ou }));
    await orgs.send(new DeletePolicyCommand({ PolicyId: id }));
    const rcpAllow = orgs.send(new CreatePolicyCommand({ Name: 'AllowRcp', Type: 'RESOURCE_CONTROL_POLICY', Description: '', Content: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }) }));
    assert.equal((await failure(rcpAllow)).name, 'MalformedPolicyDocumentException', 'only RCPFullAWSAccess may allow');
  });
});

describe('enforcement', () => {
  test('an SCP denying dynamodb:Scan on the OU refuses Scan to the account\'s principals, GetItem still works, and detaching it restores Scan', async () => {
    const { ou } = await path();
    const made = await orgs.send(new CreatePolicyCommand({ Name: 'NoScan', Type: 'SERVICE_CONTROL_POLICY', Description: 'no scans', Content: doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' }) }));
    const id = made.Policy?.PolicySummary?.Id ?? '';
    await orgs.send(new AttachPolicyCommand({ PolicyId: id, TargetId: ou }));
    const refused = await failure(ddb.send(new ScanCommand({ TableName: 'orders' })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, /is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:[^ ]+:table\/orders with an explicit deny in a service control policy$/);
    const item = await ddb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } }));
    assert.equal(item.Item?.id.S, '1');
    await orgs.send(new DetachPolicyCommand({ PolicyId: id, TargetId: ou }));
    assert.equal((await ddb.send(new ScanCommand({ TableName: 'orders' }))).Count, 1);
  });

  test('an SCP denying every action does not lock the account out of Organizations itself', async () => {
    const { account } = await path();
    const made = await orgs.send(new CreatePolicyCommand({ Name: 'NothingAtAll', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: doc({ Effect: 'Deny', Action: '*', Resource: '*' }) }));
    const id = made.Policy?.PolicySummary?.Id ?? '';
    await orgs.send(new AttachPolicyCommand({ PolicyId: id, TargetId: account }));
    assert.equal((await failure(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })))).name, 'AccessDeniedException');
    await orgs.send(new DetachPolicyCommand({ PolicyId: id, TargetId: account }));
    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
  });

  test('an RCP on the key refuses one principal kms:Decrypt, directly and through DynamoDB, whatever its IAM and key policies allow', async () => {
    const { root } = await path();
    const made = await orgs.send(new CreatePolicyCommand({
      Name: 'NotTester', Type: 'RESOURCE_CONTROL_POLICY', Description: '',
      Content: doc({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': '*:user/tester' } } }),
    }));
    const id = made.Policy?.PolicySummary?.Id ?? '';
    await orgs.send(new AttachPolicyCommand({ PolicyId: id, TargetId: root }));
    const asTester = { endpoint: sb.endpoint, region: sb.region, credentials: tester };
    const testerKms = new KMSClient(asTester);
    const testerDdb = new DynamoDBClient(asTester);
    try {
      const blob = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') }))).CiphertextBlob;
      const refused = await failure(testerKms.send(new DecryptCommand({ CiphertextBlob: blob })));
      assert.match(refused.message, /with an explicit deny in a resource control policy$/);
      assert.match((await failure(testerDdb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } })))).message, /^KMS key access denied error/);
      assert.equal((await ddb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } }))).Item?.id.S, '1', 'the admin is not the tester');
      await orgs.send(new DetachPolicyCommand({ PolicyId: id, TargetId: root }));
      assert.equal((await testerDdb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } }))).Item?.id.S, '1');
    } finally {
      testerKms.destroy();
      testerDdb.destroy();
    }
  });

  test('attached policies survive a restart of the sandbox', async () => {
    const { ou } = await path();
    const made = await orgs.send(new CreatePolicyCommand({ Name: 'StillNoScan', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' }) }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: made.Policy?.PolicySummary?.Id, TargetId: ou }));
    await sb.sandbox.stop();
    sb = await startTestSandbox({ dataDir: sb.dataDir, keepData: true });
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
    orgs.destroy();
    ddb.destroy();
    orgs = new OrganizationsClient(config);
    ddb = new DynamoDBClient(config);
    const names = ((await orgs.send(new ListPoliciesForTargetCommand({ TargetId: ou, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies ?? []).map((p) => p.Name);
    assert.deepEqual(names, ['FullAWSAccess', 'StillNoScan']);
    assert.equal((await failure(ddb.send(new ScanCommand({ TableName: 'orders' })))).name, 'AccessDeniedException');
  });
});
