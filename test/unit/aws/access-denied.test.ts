// Denials against a moto_server that enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT): after the first three requests,
// which create an administrator, every request is checked against the caller's IAM policies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { AwsSession } from '../../../src/aws/session';
import { startMoto, type Moto } from './support/moto';
import { motoSession, rejection } from './support/sessions';

let moto: Moto;
let admin: AwsSession;
const sessions: AwsSession[] = [];
const keys = new Map<string, { accessKeyId: string; secretAccessKey: string }>();
let cmkArn: string;

const allow = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

async function createUser(iam: IAMClient, name: string): Promise<void> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  keys.set(name, { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' });
}

function sessionAs(name: string): AwsSession {
  const session = motoSession(moto.endpoint, keys.get(name));
  sessions.push(session);
  return session;
}

before(async () => {
  moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '3' });
  const bootstrap = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDBOOT', secretAccessKey: 'boot' } });
  await createUser(bootstrap, 'admin');
  await bootstrap.send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  bootstrap.destroy();

  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: keys.get('admin') });
  try {
    await createUser(iam, 'ddb-full');
    await iam.send(new AttachUserPolicyCommand({ UserName: 'ddb-full', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    await createUser(iam, 'list-only');
    await iam.send(new PutUserPolicyCommand({ UserName: 'list-only', PolicyName: 'list', PolicyDocument: allow(['kms:ListKeys']) }));
    await createUser(iam, 'no-rotation');
    await iam.send(new PutUserPolicyCommand({ UserName: 'no-rotation', PolicyName: 'read', PolicyDocument: allow(['kms:ListKeys', 'kms:DescribeKey', 'kms:ListAliases']) }));
    await createUser(iam, 'ddb-only');
    await iam.send(new PutUserPolicyCommand({ UserName: 'ddb-only', PolicyName: 'ddb', PolicyDocument: allow(['dynamodb:*']) }));
  } finally {
    iam.destroy();
  }

  admin = motoSession(moto.endpoint, keys.get('admin'));
  const cmk = await admin.kms.createKey({ description: 'protected' });
  cmkArn = cmk.arn;
  await admin.kms.createAlias('alias/protected', cmk.keyId);
  const ddb = new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: keys.get('admin') });
  try {
    const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    await ddb.send(
      new CreateTableCommand({
        TableName: 'protected',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: cmk.keyId },
      }),
    );
  } finally {
    ddb.destroy();
  }
});

after(async () => {
  for (const s of sessions) s.dispose();
  admin?.dispose();
  await moto?.stop();
});

describe('access denied', () => {
  it('a list call without permission is access-denied, naming the action and the caller', async () => {
    const err = await rejection(sessionAs('ddb-full').kms.listKeys());
    assert.equal(err.kind, 'access-denied');
    assert.equal(err.action, 'kms:ListKeys');
    assert.equal(err.service, 'kms');
    assert.equal(err.message, 'Access denied: kms:ListKeys is not allowed for arn:aws:iam::123456789012:user/ddb-full (moto)');
  });

  it('the same user still lists tables, and sees the table is under a customer managed key', async () => {
    const { items } = await sessionAs('ddb-full').dynamodb.listTables();
    assert.equal(items.length, 1);
    assert.equal(items[0].encryption, 'customer-managed');
    assert.equal(items[0].kmsKeyArn, cmkArn);
    assert.equal(items[0].problem, undefined);
  });

  it('IAM list calls are denied the same way', async () => {
    const err = await rejection(sessionAs('ddb-full').iam.listUsers());
    assert.equal(err.kind, 'access-denied');
    assert.equal(err.action, 'iam:ListUsers');
  });

  it('keys that may be listed but not described are shown by id, with the reason', async () => {
    const { items } = await sessionAs('list-only').kms.listKeys();
    assert.equal(items.length, 1);
    const [key] = items;
    assert.equal(key.arn, cmkArn);
    assert.equal(key.state, 'Unknown');
    assert.deepEqual(key.aliases, [], 'kms:ListAliases is denied too');
    assert.match(key.problem ?? '', /^Access denied: kms:DescribeKey is not allowed for arn:aws:iam::123456789012:user\/list-only/);
  });

  it('rotation that may not be read is undefined, and the rest of the key is there', async () => {
    const { items } = await sessionAs('no-rotation').kms.listKeys();
    assert.equal(items.length, 1);
    assert.equal(items[0].rotationEnabled, undefined);
    assert.deepEqual(items[0].aliases, ['alias/protected']);
    assert.equal(items[0].state, 'Enabled');
    assert.equal(items[0].problem, undefined);
  });

  it('a table whose key may not be described keeps its name and says why its kind is a guess', async () => {
    const table = await sessionAs('ddb-only').dynamodb.describeTable('protected');
    assert.equal(table.status, 'ACTIVE');
    assert.equal(table.encryption, 'customer-managed');
    assert.equal(table.kmsKeyArn, undefined, 'moto names the key by id, which cannot be turned into an ARN without DescribeKey');
    assert.match(table.problem ?? '', /could not be described.*Access denied: kms:DescribeKey/);
  });

  it('unknown access keys are invalid-credentials', async () => {
    const stranger = motoSession(moto.endpoint, { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'nope' });
    sessions.push(stranger);
    const err = await rejection(stranger.kms.listKeys());
    assert.equal(err.kind, 'invalid-credentials');
    assert.equal(err.action, 'kms:ListKeys');
    assert.ok(!err.message.includes('nope'));
  });
});
