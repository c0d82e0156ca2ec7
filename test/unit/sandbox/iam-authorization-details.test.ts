// IAM GetAccountAuthorizationDetails over the wire, with SDK v3 and boto3: AWS's shapes (URL-encoded documents),
// Filter, MaxItems / Marker paging, and authorization as iam:GetAccountAuthorizationDetails.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const IAM_READ = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const READ_DOC = doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' });
const V2_DOC = doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: '*' });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

let sb: TestSandbox;
let admin: IAMClient;
let account: string;
let localPolicyArn: string;

function clientFor(credentials: { accessKeyId: string; secretAccessKey: string }): IAMClient {
  return new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
}

before(async () => {
  sb = await startTestSandbox();
  admin = clientFor(sb.credentials);
  account = sb.accountId;
  const send = <T>(command: any): Promise<T> => admin.send(command) as Promise<T>;
  await send(new iam.CreateGroupCommand({ GroupName: 'readers', Path: '/teams/' }));
  await send(new iam.PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'read', PolicyDocument: READ_DOC }));
  await send(new iam.AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: IAM_READ }));
  const created = await send<iam.CreatePolicyCommandOutput>(new iam.CreatePolicyCommand({ PolicyName: 'table-read', Path: '/lab/', PolicyDocument: READ_DOC, Description: 'reads' }));
  localPolicyArn = created.Policy!.Arn!;
  await send(new iam.CreatePolicyVersionCommand({ PolicyArn: localPolicyArn, PolicyDocument: V2_DOC, SetAsDefault: true }));
  await send(new iam.CreateUserCommand({ UserName: 'carol', Tags: [{ Key: 'team', Value: 'data' }] }));
  await send(new iam.AddUserToGroupCommand({ GroupName: 'readers', UserName: 'carol' }));
  await send(new iam.AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: localPolicyArn }));
  await send(new iam.PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'inline-b', PolicyDocument: READ_DOC }));
  await send(new iam.PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'inline-a', PolicyDocument: V2_DOC }));
  await send(new iam.CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'tier', Value: 'app' }] }));
  await send(new iam.AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: DDB_FULL }));
  await send(new iam.PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'role-inline', PolicyDocument: READ_DOC }));
  await send(new iam.CreateUserCommand({ UserName: 'bare' }));
});
after(() => sb.stop());

async function allPages(client: IAMClient, input: iam.GetAccountAuthorizationDetailsCommandInput = {}) {
  const pages: iam.GetAccountAuthorizationDetailsCommandOutput[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new iam.GetAccountAuthorizationDetailsCommand({ ...input, Marker: marker }));
    pages.push(page);
    marker = page.IsTruncated ? page.Marker : undefined;
    assert.equal(page.IsTruncated, marker !== undefined, 'a truncated page carries a Marker');
  } while (marker);
  return pages;
}

describe('GetAccountAuthorizationDetails with SDK v3', () => {
  test('users: group names, attached and inline policies (URL-encoded), tags; a user with nothing has empty lists', async () => {
    const [page] = await allPages(admin);
    assert.equal(page!.IsTruncated, false);
    const carol = page!.UserDetailList!.find((user) => user.UserName === 'carol')!;
    assert.equal(carol.Arn, `arn:aws:iam::${account}:user/carol`);
    assert.equal(carol.Path, '/');
    assert.match(carol.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.ok(carol.CreateDate instanceof Date);
    assert.deepEqual(carol.GroupList, ['readers']);
    assert.deepEqual(carol.AttachedManagedPolicies, [{ PolicyName: 'table-read', PolicyArn: localPolicyArn }]);
    assert.deepEqual(
      carol.UserPolicyList!.map((p) => p.PolicyName),
      ['inline-a', 'inline-b'],
    );
    assert.equal(carol.UserPolicyList![0]!.PolicyDocument, encodeURIComponent(V2_DOC), 'documents travel URL-encoded');
    assert.deepEqual(JSON.parse(decodeURIComponent(carol.UserPolicyList![1]!.PolicyDocument!)), JSON.parse(READ_DOC));
    assert.deepEqual(carol.Tags, [{ Key: 'team', Value: 'data' }]);
    assert.equal(carol.PermissionsBoundary, undefined);
    const bare = page!.UserDetailList!.find((user) => user.UserName === 'bare')!;
    assert.deepEqual([bare.GroupList, bare.AttachedManagedPolicies, bare.UserPolicyList], [[], [], []]);
    assert.deepEqual(
      page!.UserDetailList!.map((user) => user.UserName),
      ['admin', 'bare', 'carol'],
    );
  });

  test('groups and roles: policies, trust policy document, tags, RoleLastUsed', async () => {
    const [page] = await allPages(admin);
    const [readers] = page!.GroupDetailList!;
    assert.equal(readers!.GroupName, 'readers');
    assert.equal(readers!.Arn, `arn:aws:iam::${account}:group/teams/readers`);
    assert.match(readers!.GroupId!, /^AGPA[A-Z2-7]{17}$/);
    assert.deepEqual(readers!.AttachedManagedPolicies, [{ PolicyName: 'IAMReadOnlyAccess', PolicyArn: IAM_READ }]);
    assert.deepEqual(readers!.GroupPolicyList, [{ PolicyName: 'read', PolicyDocument: encodeURIComponent(READ_DOC) }]);
    const [worker] = page!.RoleDetailList!;
    assert.equal(worker!.RoleName, 'worker');
    assert.equal(worker!.Arn, `arn:aws:iam::${account}:role/worker`);
    assert.equal(decodeURIComponent(worker!.AssumeRolePolicyDocument!), TRUST);
    assert.deepEqual(worker!.AttachedManagedPolicies, [{ PolicyName: 'AmazonDynamoDBFullAccess', PolicyArn: DDB_FULL }]);
    assert.deepEqual(worker!.RolePolicyList!.map((p) => p.PolicyName), ['role-inline']);
    assert.deepEqual(worker!.InstanceProfileList, []);
    assert.deepEqual(worker!.Tags, [{ Key: 'tier', Value: 'app' }]);
    assert.deepEqual(worker!.RoleLastUsed, {});
  });

  test('policies: every customer managed policy with all its versions, and only the AWS managed ones in use', async () => {
    const [page] = await allPages(admin);
    const names = page!.Policies!.map((policy) => policy.PolicyName).sort();
    assert.deepEqual(names, ['AdministratorAccess', 'AmazonDynamoDBFullAccess', 'IAMReadOnlyAccess', 'table-read']);
    const local = page!.Policies!.find((policy) => policy.Arn === localPolicyArn)!;
    assert.equal(local.Path, '/lab/');
    assert.equal(local.DefaultVersionId, 'v2');
    assert.equal(local.AttachmentCount, 1);
    assert.equal(local.PermissionsBoundaryUsageCount, 0);
    assert.equal(local.IsAttachable, true);
    assert.equal(local.Description, 'reads');
    assert.deepEqual(
      local.PolicyVersionList!.map((v) => [v.VersionId, v.IsDefaultVersion, decodeURIComponent(v.Document!)]),
      [
        ['v2', true, V2_DOC],
        ['v1', false, READ_DOC],
      ],
    );
    const adminPolicy = page!.Policies!.find((policy) => policy.Arn === ADMIN)!;
    assert.equal(adminPolicy.AttachmentCount, 1);
    assert.deepEqual(JSON.parse(decodeURIComponent(adminPolicy.PolicyVersionList![0]!.Document!)).Statement[0].Action, '*');
  });

  test('Filter keeps only the asked-for kinds; a value outside the enum is a ValidationError', async () => {
    const [roles] = await allPages(admin, { Filter: ['Role'] });
    assert.deepEqual([roles!.UserDetailList, roles!.GroupDetailList, roles!.Policies], [[], [], []]);
    assert.equal(roles!.RoleDetailList!.length, 1);
    const [local] = await allPages(admin, { Filter: ['LocalManagedPolicy', 'User'] });
    assert.deepEqual(local!.Policies!.map((policy) => policy.PolicyName), ['table-read']);
    assert.equal(local!.UserDetailList!.length, 3);
    const [managed] = await allPages(admin, { Filter: ['AWSManagedPolicy'] });
    assert.ok(managed!.Policies!.every((policy) => policy.Arn!.startsWith('arn:aws:iam::aws:policy/')));
    await assert.rejects(
      admin.send(new iam.GetAccountAuthorizationDetailsCommand({ Filter: ['Users' as iam.EntityType] })),
      (error: any) => error.name === 'ValidationError' && /at 'filter' failed to satisfy constraint/.test(error.message) && error.$metadata.httpStatusCode === 400,
    );
  });

  test('MaxItems pages across the lists in order, and the pages add up to the whole', async () => {
    const [whole] = await allPages(admin);
    const pages = await allPages(admin, { MaxItems: 2 });
    assert.ok(pages.length > 3);
    for (const page of pages) {
      const count = page.UserDetailList!.length + page.GroupDetailList!.length + page.RoleDetailList!.length + page.Policies!.length;
      assert.ok(count <= 2);
    }
    const names = (key: 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies', field: string) =>
      pages.flatMap((page) => (page[key] as any[]).map((entry) => entry[field]));
    assert.deepEqual(names('UserDetailList', 'UserName'), whole!.UserDetailList!.map((user) => user.UserName));
    assert.deepEqual(names('GroupDetailList', 'GroupName'), whole!.GroupDetailList!.map((group) => group.GroupName));
    assert.deepEqual(names('RoleDetailList', 'RoleName'), whole!.RoleDetailList!.map((role) => role.RoleName));
    assert.deepEqual(names('Policies', 'Arn'), whole!.Policies!.map((policy) => policy.Arn));
    await assert.rejects(admin.send(new iam.GetAccountAuthorizationDetailsCommand({ MaxItems: 1001 })), (error: any) => error.name === 'ValidationError');
  });

  test('needs iam:GetAccountAuthorizationDetails: refused without it, allowed by IAMReadOnlyAccess', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'nobody' }));
    const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    const nobody = clientFor({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await assert.rejects(nobody.send(new iam.GetAccountAuthorizationDetailsCommand({})), (error: any) => {
      assert.equal(error.name, 'AccessDenied');
      assert.equal(error.$metadata.httpStatusCode, 403);
      assert.equal(
        error.message,
        `User: arn:aws:iam::${account}:user/nobody is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: * because no identity-based policy allows the iam:GetAccountAuthorizationDetails action`,
      );
      return true;
    });
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'nobody', PolicyArn: IAM_READ }));
    const page = await nobody.send(new iam.GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    assert.ok(page.UserDetailList!.some((user) => user.UserName === 'nobody'));
    await admin.send(new iam.DetachUserPolicyCommand({ UserName: 'nobody', PolicyArn: IAM_READ }));
  });
});

describe('GetAccountAuthorizationDetails with boto3', { skip: needsBoto3 }, () => {
  test('the paginator collects every page; botocore decodes the documents', async () => {
    const result = await runBoto3(
      sb,
      `
users, groups, roles, policies, pages = [], [], [], [], 0
for page in iam.get_paginator('get_account_authorization_details').paginate(PaginationConfig={'PageSize': 2}):
    pages += 1
    users += page['UserDetailList']; groups += page['GroupDetailList']; roles += page['RoleDetailList']; policies += page['Policies']
carol = next(u for u in users if u['UserName'] == 'carol')
local = next(p for p in policies if p['PolicyName'] == 'table-read')
out({
  'pages': pages,
  'users': sorted(u['UserName'] for u in users),
  'carol': {'groups': carol['GroupList'], 'inline': {p['PolicyName']: p['PolicyDocument'] for p in carol['UserPolicyList']}, 'tags': carol['Tags']},
  'groups': [g['GroupName'] for g in groups],
  'trust': roles[0]['AssumeRolePolicyDocument'],
  'versions': [(v['VersionId'], v['IsDefaultVersion'], v['Document']) for v in local['PolicyVersionList']],
  'filter_error': error_of(lambda: iam.get_account_authorization_details(Filter=['Nope'])),
})
`,
    );
    assert.ok(result.pages > 3);
    assert.ok(['admin', 'bare', 'carol'].every((name) => result.users.includes(name)));
    assert.deepEqual(result.carol.groups, ['readers']);
    assert.deepEqual(result.carol.inline, { 'inline-a': JSON.parse(V2_DOC), 'inline-b': JSON.parse(READ_DOC) });
    assert.deepEqual(result.carol.tags, [{ Key: 'team', Value: 'data' }]);
    assert.deepEqual(result.groups, ['readers']);
    assert.deepEqual(result.trust, JSON.parse(TRUST));
    assert.deepEqual(result.versions, [
      ['v2', true, JSON.parse(V2_DOC)],
      ['v1', false, JSON.parse(READ_DOC)],
    ]);
    assert.equal(result.filter_error.code, 'ValidationError');
    assert.equal(result.filter_error.status, 400);
  });
});
