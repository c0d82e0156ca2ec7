// Collecting the access snapshot from a real moto_server (5.2.1): GetAccountAuthorizationDetails with AWS managed
// policies, managed policy versions, groups, a customer managed key with a grant, and a table under it.
// moto does not enforce policies, so the answers are checked against what the policies say, not against live reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AddUserToGroupCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateUserCommand, IAMClient, PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateGrantCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { whoCan, type AccountSnapshot } from '../../../src/access';
import { collectAccessSnapshot } from '../../../src/aws/access-snapshot';
import type { AwsSession } from '../../../src/aws/session';
import { startMoto, type Moto } from './support/moto';
import { motoSession } from './support/sessions';

let moto: Moto;
let session: AwsSession;
let keyArn: string;
let tableArn: string;
let account: string;
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

before(async () => {
  moto = await startMoto();
  session = motoSession(moto.endpoint);
  const raw = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } };
  const [iam, kms, ddb] = [new IAMClient(raw), new KMSClient(raw), new DynamoDBClient(raw)];
  try {
    const key = await kms.send(new CreateKeyCommand({ Description: 'lab key' }));
    keyArn = key.KeyMetadata?.Arn ?? '';
    account = key.KeyMetadata?.AWSAccountId ?? '';
    const table = await ddb.send(new CreateTableCommand({
      TableName: 'lab',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    }));
    tableArn = table.TableDescription?.TableArn ?? '';
    await iam.send(new CreateUserCommand({ UserName: 'test' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'test', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    // A customer managed policy whose first version allows kms:Decrypt and whose default (second) version does not.
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'decrypt-then-not', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) }));
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Policy?.Arn, PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }), SetAsDefault: true }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'test', PolicyArn: policy.Policy?.Arn }));
    await iam.send(new CreateGroupCommand({ GroupName: 'key-users' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'key-users', PolicyName: 'DecryptLabKey', PolicyDocument: doc({ Effect: 'Allow', Action: ['kms:Decrypt', 'dynamodb:GetItem'], Resource: '*' }) }));
    await iam.send(new CreateUserCommand({ UserName: 'member' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'key-users', UserName: 'member' }));
    await iam.send(new CreateUserCommand({ UserName: 'granted' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'granted', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess' }));
    await kms.send(new CreateGrantCommand({
      KeyId: keyArn,
      GranteePrincipal: `arn:aws:iam::${account}:user/granted`,
      Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': 'lab' } },
    }));
  } finally {
    iam.destroy();
    kms.destroy();
    ddb.destroy();
  }
});

after(async () => {
  session?.dispose();
  await moto?.stop();
});

describe('collecting the access snapshot from moto', () => {
  let snapshot: AccountSnapshot;

  it('reads IAM through GetAccountAuthorizationDetails, with the attached AWS managed policies\' documents', async () => {
    snapshot = await collectAccessSnapshot(session, { tables: ['lab'] });
    assert.equal(snapshot.accountId, account);
    const names = snapshot.authorizationDetails.UserDetailList.map((u) => u.UserName).sort();
    assert.deepEqual(names, ['granted', 'member', 'test']);
    const arns = new Set(snapshot.authorizationDetails.Policies.map((p) => p.Arn));
    assert.ok(arns.has('arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'));
    assert.ok(arns.has('arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'));
    assert.equal(snapshot.tables[0].Table.TableArn, tableArn);
    assert.equal(snapshot.keys[0].KeyMetadata.Arn, keyArn);
    assert.equal(snapshot.keys[0].Grants.length, 1);
    assert.deepEqual(snapshot.missing, [], 'moto answers GetResourcePolicy with PolicyNotFoundException, which is not missing data');
  });

  it('whoCan on it: the default policy version decides, groups count, and the grant opens the key lock', () => {
    const report = whoCan(snapshot, tableArn);
    const row = (name: string) => report.rows.find((r) => r.name === name);
    assert.equal(row('test')?.table.decision, 'allowed');
    assert.equal(row('test')?.key?.decision, 'denied', 'the old version that allowed kms:Decrypt is not the default');
    assert.equal(row('member')?.read, 'allowed');
    assert.deepEqual(row('member')?.groups, ['key-users']);
    assert.equal(row('granted')?.key?.via, 'grant');
    assert.equal(row('granted')?.read, 'allowed');
  });

  it('the per-principal path gives the same rows for the principals it collects', async () => {
    const arns = ['test', 'member', 'granted'].map((n) => `arn:aws:iam::${account}:user/${n}`);
    const narrow = await collectAccessSnapshot(session, { tables: ['lab'], principalArns: arns });
    const pick = (s: AccountSnapshot) => whoCan(s, tableArn, { principals: arns }).rows.map((r) => [r.name, r.read, r.table.decision, r.key?.decision, r.key?.via]);
    assert.deepEqual(pick(narrow), pick(snapshot));
  });
});
