// IamService against a real moto_server (with AWS managed policies loaded).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { prettyPolicy } from '../../../src/aws/iam';
import type { AwsSession } from '../../../src/aws/session';
import type { IamPrincipal } from '../../../src/aws/types';
import { startMoto, type Moto } from './support/moto';
import { motoSession, rejection } from './support/sessions';

let moto: Moto;
let session: AwsSession;
let customerPolicyArn: string;

const doc = (action: string, resource = '*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

before(async () => {
  moto = await startMoto();
  session = motoSession(moto.endpoint);
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
  try {
    await iam.send(new CreateUserCommand({ UserName: 'test' }));
    await iam.send(new CreateUserCommand({ UserName: 'loner' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'test', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'test', PolicyName: 'user-inline', PolicyDocument: doc('kms:DescribeKey') }));
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'group-inline', PolicyDocument: doc('kms:ListAliases') }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'test' }));

    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'lab-decrypt', PolicyDocument: doc('kms:Encrypt') }));
    customerPolicyArn = created.Policy?.Arn ?? '';
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: customerPolicyArn, PolicyDocument: doc('kms:Decrypt'), SetAsDefault: true }));
    for (const name of ['lab-role', 'other-role-1', 'other-role-2']) {
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
    }
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-role', PolicyArn: customerPolicyArn }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-role', PolicyName: 'role-inline', PolicyDocument: doc('dynamodb:Scan', 'arn:aws:dynamodb:*:*:table/lab') }));
  } finally {
    iam.destroy();
  }
});
after(async () => {
  session?.dispose();
  await moto?.stop();
});

async function user(name: string): Promise<IamPrincipal> {
  const found = (await session.iam.listUsers()).items.find((u) => u.name === name);
  assert.ok(found, `user ${name} listed`);
  return found;
}

async function role(name: string): Promise<IamPrincipal> {
  const found = (await session.iam.listRoles()).items.find((r) => r.name === name);
  assert.ok(found, `role ${name} listed`);
  return found;
}

describe('IamService principals', () => {
  it('lists users with ARN, id and creation date', async () => {
    const users = (await session.iam.listUsers()).items;
    assert.deepEqual(users.map((u) => u.name).sort(), ['loner', 'test']);
    const test = users.find((u) => u.name === 'test');
    assert.equal(test?.kind, 'user');
    assert.equal(test?.arn, 'arn:aws:iam::123456789012:user/test');
    assert.ok(test?.id);
    assert.ok(test?.createDate instanceof Date);
  });

  it('pages through roles with small pages', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await session.iam.listRoles({ pageSize: 1, pageToken: token });
      assert.ok(page.items.length <= 1);
      names.push(...page.items.map((r) => r.name));
      token = page.nextToken;
      pages++;
    } while (token && pages < 10);
    assert.deepEqual(names.sort(), ['lab-role', 'other-role-1', 'other-role-2']);
    assert.equal(pages, 3);
    const lab = await role('lab-role');
    assert.equal(lab.kind, 'role');
    assert.equal(lab.arn, 'arn:aws:iam::123456789012:role/lab-role');
  });

  it('a user: attached, inline, and through groups', async () => {
    const details = await session.iam.principalDetails(await user('test'));
    assert.deepEqual(details.groups, ['readers']);
    assert.deepEqual(details.policies, [
      { name: 'AmazonDynamoDBFullAccess', arn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess', kind: 'managed' },
      { name: 'user-inline', kind: 'inline' },
      { name: 'AmazonDynamoDBReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess', kind: 'group-managed', group: 'readers' },
      { name: 'group-inline', kind: 'group-inline', group: 'readers' },
    ]);
  });

  it('a user with nothing attached', async () => {
    const details = await session.iam.principalDetails(await user('loner'));
    assert.deepEqual(details.policies, []);
    assert.deepEqual(details.groups, []);
  });

  it('a role: attached and inline', async () => {
    const details = await session.iam.principalDetails(await role('lab-role'));
    assert.deepEqual(details.groups, []);
    assert.deepEqual(details.policies, [
      { name: 'lab-decrypt', arn: customerPolicyArn, kind: 'managed' },
      { name: 'role-inline', kind: 'inline' },
    ]);
  });

  it('a principal that does not exist is not-found, naming an IAM action', async () => {
    const err = await rejection(session.iam.principalDetails({ kind: 'user', name: 'ghost', arn: 'arn:aws:iam::123456789012:user/ghost', id: 'x' }));
    assert.equal(err.kind, 'not-found');
    assert.match(err.action ?? '', /^iam:List/);
  });
});

describe('IamService policy documents', () => {
  it('every kind of policy comes back as indented JSON', async () => {
    const test = await session.iam.principalDetails(await user('test'));
    const texts = await Promise.all(test.policies.map((p) => session.iam.policyDocument(test, p)));
    for (const text of texts) {
      assert.match(text, /^\{\n {2}"/, 'pretty printed');
      assert.ok(JSON.parse(text).Statement, 'a policy document');
    }
    const [managed, inline, groupManaged, groupInline] = texts.map((t) => JSON.stringify(JSON.parse(t).Statement));
    assert.match(managed, /"dynamodb:\*"/);
    assert.deepEqual(JSON.parse(inline), JSON.parse(doc('kms:DescribeKey')).Statement);
    assert.match(groupManaged, /dynamodb:(Describe|Get|Scan)/);
    assert.deepEqual(JSON.parse(groupInline), JSON.parse(doc('kms:ListAliases')).Statement);
  });

  it("a managed policy's default version, and a role's inline policy", async () => {
    const lab = await session.iam.principalDetails(await role('lab-role'));
    const [managed, inline] = await Promise.all(lab.policies.map((p) => session.iam.policyDocument(lab, p)));
    assert.deepEqual(JSON.parse(managed), JSON.parse(doc('kms:Decrypt')), 'v2, the default, not v1');
    assert.deepEqual(JSON.parse(inline), JSON.parse(doc('dynamodb:Scan', 'arn:aws:dynamodb:*:*:table/lab')));
  });
});

describe('prettyPolicy', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } } }] };
  it('decodes the URL-encoded form IAM returns', () => {
    assert.equal(prettyPolicy(encodeURIComponent(JSON.stringify(policy))), JSON.stringify(policy, null, 2));
  });
  it('takes plain JSON as it is', () => {
    assert.equal(prettyPolicy(JSON.stringify(policy)), JSON.stringify(policy, null, 2));
  });
  it('keeps a literal % in plain JSON', () => {
    const withPercent = { Version: '2012-10-17', Statement: [{ Sid: '100%', Effect: 'Allow', Action: '*', Resource: '*' }] };
    assert.equal(prettyPolicy(JSON.stringify(withPercent)), JSON.stringify(withPercent, null, 2));
  });
  it('returns text that is not JSON unchanged (decoded when it can be)', () => {
    assert.equal(prettyPolicy('not%20json'), 'not json');
    assert.equal(prettyPolicy('100% broken'), '100% broken');
  });
});
