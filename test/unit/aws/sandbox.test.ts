// The AWS layer against the project's own local sandbox (the extension's default target), which enforces IAM and
// key policies: the lab's resources as the admin sees them, and as the lab's test user with only DynamoDB access.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, type SSESpecification } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';
import { AwsSession } from '../../../src/aws/session';
import type { KmsKey, StaticCredentials } from '../../../src/aws/types';
import { rejection } from './support/sessions';

let dataDir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let testUser: AwsSession;
let labKey: KmsKey;

const sessionFor = (label: string, credentials: StaticCredentials) =>
  new AwsSession({ kind: 'static', label, region: sandbox.region, endpoint: sandbox.endpoint, credentials });

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-aws-sandbox-'));
  sandbox = await startSandbox({ dataDir });
  admin = sessionFor('Local sandbox', sandbox.admin);

  labKey = await admin.kms.createKey({ description: 'kms-lab table key' });
  await admin.kms.createAlias('alias/kms-lab', labKey.keyId);

  const raw = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  const ddb = new DynamoDBClient(raw);
  const iam = new IAMClient(raw);
  try {
    const table = (name: string, sse?: SSESpecification) =>
      ddb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: sse,
        }),
      );
    await table('lab-owned');
    await table('lab-managed', { Enabled: true });
    await table('lab-cmk', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/kms-lab' });

    await iam.send(new CreateUserCommand({ UserName: 'test' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'test', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'test' }));
    testUser = sessionFor('test user', { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' });
  } finally {
    ddb.destroy();
    iam.destroy();
  }
});

after(async () => {
  admin?.dispose();
  testUser?.dispose();
  await sandbox?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the AWS layer on the local sandbox, as the admin', () => {
  it('knows who it is', async () => {
    const me = await admin.sts.getCallerIdentity();
    assert.equal(me.arn, `arn:aws:iam::${sandbox.accountId}:user/admin`);
    assert.equal(me.account, sandbox.accountId);
  });

  it('tells the three kinds of table encryption apart, with key ARNs', async () => {
    const { items } = await admin.dynamodb.listTables();
    const byName = new Map(items.map((t) => [t.name, t]));
    assert.equal(byName.get('lab-owned')?.encryption, 'aws-owned');
    assert.equal(byName.get('lab-owned')?.kmsKeyArn, undefined);
    assert.equal(byName.get('lab-managed')?.encryption, 'aws-managed');
    assert.match(byName.get('lab-managed')?.kmsKeyArn ?? '', /:key\//);
    assert.equal(byName.get('lab-cmk')?.encryption, 'customer-managed');
    assert.equal(byName.get('lab-cmk')?.kmsKeyArn, labKey.arn);
  });

  it('lists the customer key with its alias, and the aws/dynamodb key only when asked', async () => {
    const customer = (await admin.kms.listKeys()).items;
    assert.deepEqual(customer.map((k) => [k.keyId, k.aliases, k.keyManager, k.state, k.rotationEnabled]), [[labKey.keyId, ['alias/kms-lab'], 'CUSTOMER', 'Enabled', false]]);
    const all = (await admin.kms.listKeys({ includeAwsManaged: true })).items;
    const managed = all.find((k) => k.aliases.includes('alias/aws/dynamodb'));
    assert.equal(managed?.keyManager, 'AWS');
  });

  it('reads and writes the key policy by alias', async () => {
    const before = await admin.kms.getKeyPolicy('alias/kms-lab');
    assert.equal(before.keyId, labKey.keyId);
    const doc = JSON.parse(before.text);
    doc.Statement.push({ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sandbox.accountId}:user/test` }, Action: ['kms:Decrypt'], Resource: '*' });
    await admin.kms.putKeyPolicy('alias/kms-lab', JSON.stringify(doc));
    assert.deepEqual(JSON.parse((await admin.kms.getKeyPolicy(labKey.keyId)).text), doc);
  });

  it("shows the grant DynamoDB holds on the table's key", async () => {
    const grants = await admin.kms.listGrants(labKey.keyId);
    assert.ok(grants.some((g) => g.operations.includes('Decrypt')), JSON.stringify(grants));
  });

  it("lists the test user with AmazonDynamoDBFullAccess and reads that policy's document", async () => {
    const test = (await admin.iam.listUsers()).items.find((u) => u.name === 'test');
    assert.ok(test);
    const details = await admin.iam.principalDetails(test);
    assert.deepEqual(details.policies.map((p) => p.name), ['AmazonDynamoDBFullAccess']);
    const text = await admin.iam.policyDocument(details, details.policies[0]);
    assert.match(text, /"dynamodb:\*"/);
  });
});

describe('the AWS layer on the local sandbox, as the test user', () => {
  it('may not list keys: access-denied, naming kms:ListKeys and the user', async () => {
    const err = await rejection(testUser.kms.listKeys());
    assert.equal(err.kind, 'access-denied');
    assert.equal(err.action, 'kms:ListKeys');
    assert.match(err.message, new RegExp(`^Access denied: kms:ListKeys is not allowed for arn:aws:iam::${sandbox.accountId}:user/test \\(test user\\)$`));
  });

  it('still sees the tables and which kind of key protects each', async () => {
    const { items } = await testUser.dynamodb.listTables();
    const cmk = items.find((t) => t.name === 'lab-cmk');
    assert.equal(cmk?.encryption, 'customer-managed');
    assert.equal(cmk?.kmsKeyArn, labKey.arn);
  });

  it('may not list IAM users', async () => {
    const err = await rejection(testUser.iam.listUsers());
    assert.equal(err.kind, 'access-denied');
    assert.equal(err.action, 'iam:ListUsers');
  });
});
