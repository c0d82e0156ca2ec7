// IAM over the wire with the SDK v3 client: every operation the sandbox offers, its errors with AWS's codes,
// statuses and wording, and authorization of IAM actions by the policy engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

const ADMIN_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const IAM_READ = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const S3_READ_DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

function awsError(name: string, status: number, message?: string | RegExp) {
  return (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  };
}

let sb: TestSandbox;
let admin: IAMClient;
let account: string;

function clientFor(credentials: { accessKeyId: string; secretAccessKey: string }): IAMClient {
  return new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
}

async function userWithKey(name: string, policies: string[] = []): Promise<IAMClient> {
  await admin.send(new iam.CreateUserCommand({ UserName: name }));
  for (const arn of policies) await admin.send(new iam.AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return clientFor({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
}

before(async () => {
  sb = await startTestSandbox();
  admin = clientFor(sb.credentials);
  account = sb.accountId;
});
after(() => sb.stop());

describe('account bootstrap', () => {
  test('the admin user exists with AdministratorAccess and exactly the key the sandbox handed out', async () => {
    const user = await admin.send(new iam.GetUserCommand({}));
    assert.equal(user.User!.UserName, 'admin');
    assert.equal(user.User!.Arn, `arn:aws:iam::${account}:user/admin`);
    assert.match(user.User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
    const attached = await admin.send(new iam.ListAttachedUserPoliciesCommand({ UserName: 'admin' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ACCESS }]);
    const keys = await admin.send(new iam.ListAccessKeysCommand({ UserName: 'admin' }));
    assert.deepEqual(keys.AccessKeyMetadata!.map((k) => k.AccessKeyId), [sb.credentials.accessKeyId]);
    assert.match(sb.credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(sb.credentials.secretAccessKey.length, 40);
  });
});

describe('users', () => {
  test('create with path and tags, get, and the name is unique case-insensitively', async () => {
    const created = await admin.send(new iam.CreateUserCommand({ UserName: 'alice', Path: '/staff/', Tags: [{ Key: 'team', Value: 'data' }] }));
    assert.equal(created.User!.Arn, `arn:aws:iam::${account}:user/staff/alice`);
    assert.equal(created.User!.Path, '/staff/');
    assert.deepEqual(created.User!.Tags, [{ Key: 'team', Value: 'data' }]);
    assert.ok(created.User!.CreateDate instanceof Date);
    const got = await admin.send(new iam.GetUserCommand({ UserName: 'alice' }));
    assert.equal(got.User!.UserId, created.User!.UserId);
    await assert.rejects(admin.send(new iam.CreateUserCommand({ UserName: 'ALICE' })), awsError('EntityAlreadyExistsException', 409, 'User with name ALICE already exists.'));
  });

  test('unknown users are NoSuchEntity 404 with AWS\'s message', async () => {
    await assert.rejects(admin.send(new iam.GetUserCommand({ UserName: 'ghost' })), awsError('NoSuchEntityException', 404, 'The user with name ghost cannot be found.'));
    await assert.rejects(admin.send(new iam.DeleteUserCommand({ UserName: 'ghost' })), awsError('NoSuchEntityException', 404));
  });

  test('invalid names and paths are ValidationError', async () => {
    await assert.rejects(
      admin.send(new iam.CreateUserCommand({ UserName: 'bad name' })),
      awsError('ValidationError', 400, /^1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern/),
    );
    await assert.rejects(admin.send(new iam.CreateUserCommand({ UserName: 'x'.repeat(65) })), awsError('ValidationError', 400, /length less than or equal to 64/));
    await assert.rejects(admin.send(new iam.CreateUserCommand({ UserName: 'pathless', Path: 'staff' })), awsError('ValidationError', 400, /'path'/));
  });

  test('list with a path prefix and with Marker/MaxItems pagination', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await admin.send(new iam.CreateUserCommand({ UserName: name, Path: '/paged/' }));
    const prefixed = await admin.send(new iam.ListUsersCommand({ PathPrefix: '/paged/' }));
    assert.deepEqual(prefixed.Users!.map((u) => u.UserName), ['page-a', 'page-b', 'page-c']);
    const first = await admin.send(new iam.ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    assert.equal(first.IsTruncated, true);
    assert.deepEqual(first.Users!.map((u) => u.UserName), ['page-a', 'page-b']);
    const second = await admin.send(new iam.ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }));
    assert.equal(second.IsTruncated, false);
    assert.deepEqual(second.Users!.map((u) => u.UserName), ['page-c']);
    const all: string[] = [];
    for await (const page of iam.paginateListUsers({ client: admin, pageSize: 1 }, {})) all.push(...page.Users!.map((u) => u.UserName!));
    assert.ok(all.includes('admin') && all.includes('page-c') && all.includes('alice'));
    await assert.rejects(admin.send(new iam.ListUsersCommand({ Marker: '%%%' })), awsError('ValidationError', 400));
  });

  test('concurrent writers: 40 parallel creations all land; 10 racing for one name yield one winner', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `parallel-${i}`);
    await Promise.all(names.map((name) => admin.send(new iam.CreateUserCommand({ UserName: name, Path: '/parallel/' }))));
    const listed = (await admin.send(new iam.ListUsersCommand({ PathPrefix: '/parallel/' }))).Users!.map((u) => u.UserName).sort();
    assert.deepEqual(listed, [...names].sort());
    const race = await Promise.allSettled(Array.from({ length: 10 }, () => admin.send(new iam.CreateUserCommand({ UserName: 'contested' }))));
    assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(race.every((r) => r.status === 'fulfilled' || (r.reason as Error).name === 'EntityAlreadyExistsException'));
    await Promise.all(names.map((name) => admin.send(new iam.TagUserCommand({ UserName: 'contested', Tags: [{ Key: name, Value: 'x' }] }))));
    assert.equal((await admin.send(new iam.ListUserTagsCommand({ UserName: 'contested' }))).Tags!.length, 40);
  });

  test('tag, list tags and untag (keys case-insensitive, values replaced)', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'tagged' }));
    await admin.send(new iam.TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'owner', Value: 'me' }] }));
    await admin.send(new iam.TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'ENV', Value: 'prod' }] }));
    assert.deepEqual((await admin.send(new iam.ListUserTagsCommand({ UserName: 'tagged' }))).Tags, [{ Key: 'ENV', Value: 'prod' }, { Key: 'owner', Value: 'me' }]);
    await admin.send(new iam.UntagUserCommand({ UserName: 'tagged', TagKeys: ['env'] }));
    assert.deepEqual((await admin.send(new iam.ListUserTagsCommand({ UserName: 'tagged' }))).Tags, [{ Key: 'owner', Value: 'me' }]);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await assert.rejects(admin.send(new iam.TagUserCommand({ UserName: 'tagged', Tags: tooMany })), awsError('LimitExceededException', 409));
  });

  test('delete refuses while keys, policies or groups remain, in AWS\'s order, then succeeds', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'leaving' }));
    const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: 'leaving' }))).AccessKey!;
    await admin.send(new iam.PutUserPolicyCommand({ UserName: 'leaving', PolicyName: 'inline', PolicyDocument: S3_READ_DOC }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'leaving', PolicyArn: DDB_FULL }));
    await admin.send(new iam.CreateGroupCommand({ GroupName: 'leavers' }));
    await admin.send(new iam.AddUserToGroupCommand({ GroupName: 'leavers', UserName: 'leaving' }));
    const conflict = (message: string) => awsError('DeleteConflictException', 409, message);
    await assert.rejects(admin.send(new iam.DeleteUserCommand({ UserName: 'leaving' })), conflict('Cannot delete entity, must delete access keys first.'));
    await admin.send(new iam.DeleteAccessKeyCommand({ UserName: 'leaving', AccessKeyId: key.AccessKeyId }));
    await assert.rejects(admin.send(new iam.DeleteUserCommand({ UserName: 'leaving' })), conflict('Cannot delete entity, must delete policies first.'));
    await admin.send(new iam.DeleteUserPolicyCommand({ UserName: 'leaving', PolicyName: 'inline' }));
    await assert.rejects(admin.send(new iam.DeleteUserCommand({ UserName: 'leaving' })), conflict('Cannot delete entity, must detach all policies first.'));
    await admin.send(new iam.DetachUserPolicyCommand({ UserName: 'leaving', PolicyArn: DDB_FULL }));
    await assert.rejects(admin.send(new iam.DeleteUserCommand({ UserName: 'leaving' })), conflict('Cannot delete entity, must remove user from all groups first.'));
    await admin.send(new iam.RemoveUserFromGroupCommand({ GroupName: 'leavers', UserName: 'leaving' }));
    await admin.send(new iam.DeleteUserCommand({ UserName: 'leaving' }));
    await assert.rejects(admin.send(new iam.GetUserCommand({ UserName: 'leaving' })), awsError('NoSuchEntityException', 404));
  });
});

describe('access keys', () => {
  test('create (at most two), list, deactivate (refused at the door), reactivate, delete', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'keyholder' }));
    const first = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: 'keyholder' }))).AccessKey!;
    assert.match(first.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(first.SecretAccessKey!.length, 40);
    assert.equal(first.Status, 'Active');
    const second = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: 'keyholder' }))).AccessKey!;
    await assert.rejects(
      admin.send(new iam.CreateAccessKeyCommand({ UserName: 'keyholder' })),
      awsError('LimitExceededException', 409, 'Cannot exceed quota for AccessKeysPerUser: 2'),
    );
    const listed = await admin.send(new iam.ListAccessKeysCommand({ UserName: 'keyholder' }));
    assert.deepEqual(listed.AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.Status, k.UserName]), [
      [first.AccessKeyId, 'Active', 'keyholder'],
      [second.AccessKeyId, 'Active', 'keyholder'],
    ]);
    assert.ok(!JSON.stringify(listed).includes(first.SecretAccessKey!), 'ListAccessKeys never returns secrets');

    const asHolder = clientFor({ accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! });
    await assert.rejects(asHolder.send(new iam.ListUsersCommand({})), awsError('AccessDenied', 403));
    await admin.send(new iam.UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: first.AccessKeyId, Status: 'Inactive' }));
    await assert.rejects(asHolder.send(new iam.ListUsersCommand({})), awsError('InvalidClientTokenId', 403));
    await admin.send(new iam.UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: first.AccessKeyId, Status: 'Active' }));
    await assert.rejects(asHolder.send(new iam.ListUsersCommand({})), awsError('AccessDenied', 403));

    await admin.send(new iam.DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: first.AccessKeyId }));
    await assert.rejects(asHolder.send(new iam.ListUsersCommand({})), awsError('InvalidClientTokenId', 403));
    await assert.rejects(
      admin.send(new iam.DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: first.AccessKeyId })),
      awsError('NoSuchEntityException', 404, `The Access Key with id ${first.AccessKeyId} cannot be found.`),
    );
    await assert.rejects(
      admin.send(new iam.UpdateAccessKeyCommand({ UserName: 'admin', AccessKeyId: second.AccessKeyId, Status: 'Inactive' })),
      awsError('NoSuchEntityException', 404),
    );
  });

  test('without UserName, the caller\'s own keys are meant', async () => {
    const own = await admin.send(new iam.ListAccessKeysCommand({}));
    assert.deepEqual(own.AccessKeyMetadata!.map((k) => k.UserName), ['admin']);
  });
});

describe('groups', () => {
  test('create, get with members, list, membership, and group policies counting for members', async () => {
    const created = await admin.send(new iam.CreateGroupCommand({ GroupName: 'readers', Path: '/teams/' }));
    assert.equal(created.Group!.Arn, `arn:aws:iam::${account}:group/teams/readers`);
    assert.match(created.Group!.GroupId!, /^AGPA/);
    await assert.rejects(admin.send(new iam.CreateGroupCommand({ GroupName: 'Readers' })), awsError('EntityAlreadyExistsException', 409));
    const member = await userWithKey('reader');
    await assert.rejects(member.send(new iam.ListUsersCommand({})), awsError('AccessDenied', 403));
    await admin.send(new iam.AddUserToGroupCommand({ GroupName: 'readers', UserName: 'reader' }));
    await admin.send(new iam.AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: IAM_READ }));
    assert.ok((await member.send(new iam.ListUsersCommand({}))).Users!.length > 0, 'group policy applies to members');
    assert.deepEqual((await admin.send(new iam.ListAttachedGroupPoliciesCommand({ GroupName: 'readers' }))).AttachedPolicies, [
      { PolicyName: 'IAMReadOnlyAccess', PolicyArn: IAM_READ },
    ]);
    const got = await admin.send(new iam.GetGroupCommand({ GroupName: 'readers' }));
    assert.deepEqual(got.Users!.map((u) => u.UserName), ['reader']);
    assert.deepEqual((await admin.send(new iam.ListGroupsForUserCommand({ UserName: 'reader' }))).Groups!.map((g) => g.GroupName), ['readers']);
    assert.ok((await admin.send(new iam.ListGroupsCommand({ PathPrefix: '/teams/' }))).Groups!.some((g) => g.GroupName === 'readers'));

    await admin.send(new iam.PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'deny-iam', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }] }) }));
    await assert.rejects(member.send(new iam.ListUsersCommand({})), awsError('AccessDenied', 403, /with an explicit deny in an identity-based policy$/));
    assert.deepEqual((await admin.send(new iam.ListGroupPoliciesCommand({ GroupName: 'readers' }))).PolicyNames, ['deny-iam']);

    const conflict = (message: string) => awsError('DeleteConflictException', 409, message);
    await assert.rejects(admin.send(new iam.DeleteGroupCommand({ GroupName: 'readers' })), conflict('Cannot delete entity, must remove users from group first.'));
    await admin.send(new iam.RemoveUserFromGroupCommand({ GroupName: 'readers', UserName: 'reader' }));
    await assert.rejects(admin.send(new iam.RemoveUserFromGroupCommand({ GroupName: 'readers', UserName: 'reader' })), awsError('NoSuchEntityException', 404));
    await assert.rejects(admin.send(new iam.DeleteGroupCommand({ GroupName: 'readers' })), conflict('Cannot delete entity, must delete policies first.'));
    await admin.send(new iam.DeleteGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'deny-iam' }));
    await assert.rejects(admin.send(new iam.DeleteGroupCommand({ GroupName: 'readers' })), conflict('Cannot delete entity, must detach all policies first.'));
    await admin.send(new iam.DetachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: IAM_READ }));
    await admin.send(new iam.DeleteGroupCommand({ GroupName: 'readers' }));
    await assert.rejects(admin.send(new iam.GetGroupCommand({ GroupName: 'readers' })), awsError('NoSuchEntityException', 404, 'The group with name readers cannot be found.'));
  });
});

describe('roles', () => {
  const trust = (principal: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });

  test('create with a trust policy (returned URL-encoded), get, list, update, delete', async () => {
    const document = trust({ AWS: `arn:aws:iam::${account}:root` });
    const created = await admin.send(new iam.CreateRoleCommand({ RoleName: 'reader-role', AssumeRolePolicyDocument: document, Description: 'reads', MaxSessionDuration: 7200 }));
    assert.equal(created.Role!.Arn, `arn:aws:iam::${account}:role/reader-role`);
    assert.match(created.Role!.RoleId!, /^AROA/);
    assert.equal(created.Role!.AssumeRolePolicyDocument, encodeURIComponent(document));
    assert.deepEqual(JSON.parse(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!)), JSON.parse(document));
    const got = await admin.send(new iam.GetRoleCommand({ RoleName: 'reader-role' }));
    assert.equal(got.Role!.MaxSessionDuration, 7200);
    assert.equal(got.Role!.Description, 'reads');
    assert.ok((await admin.send(new iam.ListRolesCommand({}))).Roles!.some((r) => r.RoleName === 'reader-role'));
    const updated = trust({ Service: 'lambda.amazonaws.com' });
    await admin.send(new iam.UpdateAssumeRolePolicyCommand({ RoleName: 'reader-role', PolicyDocument: updated }));
    assert.equal(decodeURIComponent((await admin.send(new iam.GetRoleCommand({ RoleName: 'reader-role' }))).Role!.AssumeRolePolicyDocument!), updated);
    await assert.rejects(admin.send(new iam.CreateRoleCommand({ RoleName: 'reader-role', AssumeRolePolicyDocument: document })), awsError('EntityAlreadyExistsException', 409, 'Role with name reader-role already exists.'));

    await admin.send(new iam.PutRolePolicyCommand({ RoleName: 'reader-role', PolicyName: 'p', PolicyDocument: S3_READ_DOC }));
    await assert.rejects(admin.send(new iam.DeleteRoleCommand({ RoleName: 'reader-role' })), awsError('DeleteConflictException', 409, 'Cannot delete entity, must delete policies first.'));
    await admin.send(new iam.DeleteRolePolicyCommand({ RoleName: 'reader-role', PolicyName: 'p' }));
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'reader-role', PolicyArn: DDB_FULL }));
    assert.deepEqual((await admin.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: 'reader-role' }))).AttachedPolicies, [
      { PolicyName: 'AmazonDynamoDBFullAccess', PolicyArn: DDB_FULL },
    ]);
    await assert.rejects(admin.send(new iam.DeleteRoleCommand({ RoleName: 'reader-role' })), awsError('DeleteConflictException', 409, 'Cannot delete entity, must detach all policies first.'));
    await admin.send(new iam.DetachRolePolicyCommand({ RoleName: 'reader-role', PolicyArn: DDB_FULL }));
    assert.deepEqual((await admin.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: 'reader-role' }))).AttachedPolicies, []);
    await admin.send(new iam.DeleteRoleCommand({ RoleName: 'reader-role' }));
    await assert.rejects(admin.send(new iam.GetRoleCommand({ RoleName: 'reader-role' })), awsError('NoSuchEntityException', 404, 'The role with name reader-role cannot be found.'));
  });

  test('trust policies are checked: principal required, no Resource, principals must exist', async () => {
    const malformed = (message: string) => awsError('MalformedPolicyDocumentException', 400, message);
    await assert.rejects(
      admin.send(new iam.CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }) })),
      malformed('Missing required field Principal'),
    );
    await assert.rejects(
      admin.send(new iam.CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/nobody` }) })),
      malformed(`Invalid principal in policy: "AWS":"arn:aws:iam::${account}:user/nobody"`),
    );
    await assert.rejects(admin.send(new iam.CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: '{not json' })), malformed('This policy contains invalid Json'));
    await assert.rejects(admin.send(new iam.GetRoleCommand({ RoleName: 'r1' })), awsError('NoSuchEntityException', 404));
    await assert.rejects(
      admin.send(new iam.CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trust('*'), MaxSessionDuration: 60 })),
      awsError('ValidationError', 400, /greater than or equal to 3600/),
    );
  });
});

describe('inline policies', () => {
  test('put, get (URL-encoded as AWS sends it), list, replace, delete, for a user', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'inliner' }));
    const pretty = JSON.stringify(JSON.parse(S3_READ_DOC), null, 2);
    await admin.send(new iam.PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'b-policy', PolicyDocument: pretty }));
    await admin.send(new iam.PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'a-policy', PolicyDocument: S3_READ_DOC }));
    const got = await admin.send(new iam.GetUserPolicyCommand({ UserName: 'inliner', PolicyName: 'b-policy' }));
    assert.equal(got.PolicyDocument, encodeURIComponent(pretty), 'the document comes back exactly as submitted, URL-encoded');
    assert.deepEqual((await admin.send(new iam.ListUserPoliciesCommand({ UserName: 'inliner' }))).PolicyNames, ['a-policy', 'b-policy']);
    await admin.send(new iam.DeleteUserPolicyCommand({ UserName: 'inliner', PolicyName: 'a-policy' }));
    await assert.rejects(
      admin.send(new iam.GetUserPolicyCommand({ UserName: 'inliner', PolicyName: 'a-policy' })),
      awsError('NoSuchEntityException', 404, 'The user policy with name a-policy cannot be found.'),
    );
    await assert.rejects(admin.send(new iam.DeleteUserPolicyCommand({ UserName: 'inliner', PolicyName: 'a-policy' })), awsError('NoSuchEntityException', 404));
    await assert.rejects(admin.send(new iam.PutUserPolicyCommand({ UserName: 'ghost', PolicyName: 'p', PolicyDocument: S3_READ_DOC })), awsError('NoSuchEntityException', 404));
  });

  test('identity policies are validated and size-limited', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'validated' }));
    const put = (document: string) => admin.send(new iam.PutUserPolicyCommand({ UserName: 'validated', PolicyName: 'p', PolicyDocument: document }));
    const malformed = (message: string) => awsError('MalformedPolicyDocumentException', 400, message);
    await assert.rejects(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] })), malformed('Policy document should not specify a principal.'));
    await assert.rejects(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] })), malformed('Policy statement must contain resources.'));
    await assert.rejects(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }] })), malformed('Invalid effect: Maybe'));
    await assert.rejects(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] })), malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'));
    await assert.rejects(put(JSON.stringify({ Version: '2020-01-01', Statement: [] })), awsError('MalformedPolicyDocumentException', 400));
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: Array.from({ length: 200 }, (_, i) => `s3:Action${i}`), Resource: '*' }] });
    await assert.rejects(put(big), awsError('LimitExceededException', 409, 'Maximum policy size of 2048 bytes exceeded for user validated'));
  });

  test('role and group inline policies', async () => {
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'inline-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    await admin.send(new iam.PutRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'r', PolicyDocument: S3_READ_DOC }));
    assert.equal(decodeURIComponent((await admin.send(new iam.GetRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'r' }))).PolicyDocument!), S3_READ_DOC);
    assert.deepEqual((await admin.send(new iam.ListRolePoliciesCommand({ RoleName: 'inline-role' }))).PolicyNames, ['r']);
    await admin.send(new iam.CreateGroupCommand({ GroupName: 'inline-group' }));
    await admin.send(new iam.PutGroupPolicyCommand({ GroupName: 'inline-group', PolicyName: 'g', PolicyDocument: S3_READ_DOC }));
    const group = await admin.send(new iam.GetGroupPolicyCommand({ GroupName: 'inline-group', PolicyName: 'g' }));
    assert.equal(group.GroupName, 'inline-group');
    assert.equal(decodeURIComponent(group.PolicyDocument!), S3_READ_DOC);
  });
});

describe('managed policies', () => {
  test('AWS managed policies carry their real documents from the data package', async () => {
    const policy = await admin.send(new iam.GetPolicyCommand({ PolicyArn: DDB_FULL }));
    assert.equal(policy.Policy!.PolicyName, 'AmazonDynamoDBFullAccess');
    const version = await admin.send(new iam.GetPolicyVersionCommand({ PolicyArn: DDB_FULL, VersionId: policy.Policy!.DefaultVersionId }));
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!));
    const actions = document.Statement.flatMap((s: { Action: string | string[] }) => s.Action);
    assert.ok(actions.includes('dynamodb:*'));
    assert.ok(actions.includes('kms:DescribeKey') && actions.includes('kms:ListAliases'));
    assert.ok(!actions.some((a: string) => a === 'kms:Decrypt' || a === 'kms:*'), 'AmazonDynamoDBFullAccess must not grant kms:Decrypt');
    const aws = await admin.send(new iam.ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000 }));
    const names = aws.Policies!.map((p) => p.PolicyName);
    for (const name of ['AdministratorAccess', 'AmazonDynamoDBFullAccess', 'AmazonDynamoDBFullAccess_v2', 'AmazonDynamoDBReadOnlyAccess', 'ReadOnlyAccess', 'AWSKeyManagementServicePowerUser', 'IAMFullAccess']) {
      assert.ok(names.includes(name), `${name} is offered`);
    }
    await assert.rejects(
      admin.send(new iam.GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })),
      awsError('NoSuchEntityException', 404, 'Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.'),
    );
    await assert.rejects(admin.send(new iam.GetPolicyCommand({ PolicyArn: 'not-an-arn' })), awsError('ValidationError', 400, 'Invalid ARN:  Could not be parsed!'));
    await assert.rejects(admin.send(new iam.GetPolicyCommand({ PolicyArn: 'arn:aws:s3:::bucket' })), awsError('InvalidInputException', 400, 'ARN arn:aws:s3:::bucket is not valid.'));
  });

  test('the committed managed-policies.json is exactly what the generator makes', () => {
    const script = path.resolve('src/sandbox/data/generate.mjs');
    const generated = spawnSync(process.execPath, [script, '--stdout'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(generated.status, 0, generated.stderr);
    assert.equal(generated.stdout, readFileSync(path.resolve('src/sandbox/data/managed-policies.json'), 'utf8'));
  });

  test('customer managed policies: create, versions up to five, default switching, deletion rules', async () => {
    const created = await admin.send(new iam.CreatePolicyCommand({ PolicyName: 'S3Reader', Path: '/lab/', PolicyDocument: S3_READ_DOC, Description: 'read s3' }));
    const arn = created.Policy!.Arn!;
    assert.equal(arn, `arn:aws:iam::${account}:policy/lab/S3Reader`);
    assert.equal(created.Policy!.DefaultVersionId, 'v1');
    assert.equal(created.Policy!.AttachmentCount, 0);
    assert.match(created.Policy!.PolicyId!, /^ANPA/);
    await assert.rejects(
      admin.send(new iam.CreatePolicyCommand({ PolicyName: 's3reader', PolicyDocument: S3_READ_DOC })),
      awsError('EntityAlreadyExistsException', 409, 'A policy called s3reader already exists. Duplicate names are not allowed.'),
    );
    const v2 = await admin.send(new iam.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: S3_READ_DOC, SetAsDefault: true }));
    assert.deepEqual([v2.PolicyVersion!.VersionId, v2.PolicyVersion!.IsDefaultVersion], ['v2', true]);
    for (let i = 0; i < 3; i++) await admin.send(new iam.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: S3_READ_DOC }));
    await assert.rejects(
      admin.send(new iam.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: S3_READ_DOC })),
      awsError('LimitExceededException', 409, /up to 5 versions/),
    );
    const versions = await admin.send(new iam.ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(versions.Versions!.map((v) => `${v.VersionId}${v.IsDefaultVersion ? '*' : ''}`), ['v5', 'v4', 'v3', 'v2*', 'v1']);
    await assert.rejects(admin.send(new iam.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })), awsError('DeleteConflictException', 409, 'Cannot delete the default version of a policy.'));
    await admin.send(new iam.SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v4' }));
    assert.equal((await admin.send(new iam.GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId, 'v4');
    const v1 = await admin.send(new iam.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    assert.equal(v1.PolicyVersion!.IsDefaultVersion, false);
    assert.equal(decodeURIComponent(v1.PolicyVersion!.Document!), S3_READ_DOC);
    await assert.rejects(admin.send(new iam.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })), awsError('NoSuchEntityException', 404));

    await admin.send(new iam.CreateUserCommand({ UserName: 'policy-holder' }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'policy-holder', PolicyArn: arn }));
    assert.equal((await admin.send(new iam.GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 1);
    const local = await admin.send(new iam.ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }));
    assert.deepEqual(local.Policies!.map((p) => p.PolicyName), ['S3Reader']);
    const entities = await admin.send(new iam.ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(entities.PolicyUsers!.map((u) => u.UserName), ['policy-holder']);
    await assert.rejects(admin.send(new iam.DeletePolicyCommand({ PolicyArn: arn })), awsError('DeleteConflictException', 409, 'Cannot delete a policy attached to entities.'));
    await admin.send(new iam.DetachUserPolicyCommand({ UserName: 'policy-holder', PolicyArn: arn }));
    await assert.rejects(admin.send(new iam.DeletePolicyCommand({ PolicyArn: arn })), awsError('DeleteConflictException', 409, /more than one version/));
    for (const id of ['v1', 'v2', 'v3', 'v5']) await admin.send(new iam.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: id }));
    await admin.send(new iam.DeletePolicyCommand({ PolicyArn: arn }));
    await assert.rejects(admin.send(new iam.GetPolicyCommand({ PolicyArn: arn })), awsError('NoSuchEntityException', 404));
  });

  test('AWS managed policies cannot be changed', async () => {
    await assert.rejects(admin.send(new iam.DeletePolicyCommand({ PolicyArn: ADMIN_ACCESS })), awsError('AccessDenied', 403));
    await assert.rejects(admin.send(new iam.CreatePolicyVersionCommand({ PolicyArn: ADMIN_ACCESS, PolicyDocument: S3_READ_DOC })), awsError('AccessDenied', 403));
  });
});

describe('attachments', () => {
  test('attach is idempotent, detach of what is not attached and attach of what does not exist fail, ten at most', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'attacher' }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: DDB_FULL }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: DDB_FULL }));
    assert.deepEqual((await admin.send(new iam.ListAttachedUserPoliciesCommand({ UserName: 'attacher' }))).AttachedPolicies!.map((p) => p.PolicyArn), [DDB_FULL]);
    await assert.rejects(
      admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: `arn:aws:iam::${account}:policy/Nope` })),
      awsError('NoSuchEntityException', 404, `Policy arn:aws:iam::${account}:policy/Nope does not exist or is not attachable.`),
    );
    await assert.rejects(
      admin.send(new iam.DetachUserPolicyCommand({ UserName: 'attacher', PolicyArn: IAM_READ })),
      awsError('NoSuchEntityException', 404, `Policy ${IAM_READ} was not found.`),
    );
    for (let i = 0; i < 9; i++) {
      const created = await admin.send(new iam.CreatePolicyCommand({ PolicyName: `Attach${i}`, PolicyDocument: S3_READ_DOC }));
      await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: created.Policy!.Arn }));
    }
    await assert.rejects(admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: IAM_READ })), awsError('LimitExceededException', 409, 'Cannot exceed quota for PoliciesPerUser: 10'));
  });
});

describe('authorization of IAM actions by the policy engine', () => {
  test('no policy: AccessDenied 403 with AWS\'s sentence; read-only: reads pass, writes do not', async () => {
    const nobody = await userWithKey('nobody');
    await assert.rejects(
      nobody.send(new iam.CreateUserCommand({ UserName: 'eve' })),
      awsError(
        'AccessDenied',
        403,
        `User: arn:aws:iam::${account}:user/nobody is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${account}:user/eve because no identity-based policy allows the iam:CreateUser action`,
      ),
    );
    await assert.rejects(nobody.send(new iam.GetUserCommand({})), awsError('AccessDenied', 403));
    const reader = await userWithKey('iam-reader', [IAM_READ]);
    assert.ok((await reader.send(new iam.ListUsersCommand({}))).Users!.some((u) => u.UserName === 'nobody'));
    await reader.send(new iam.GetPolicyCommand({ PolicyArn: DDB_FULL }));
    await assert.rejects(reader.send(new iam.CreateUserCommand({ UserName: 'eve' })), awsError('AccessDenied', 403));
    await assert.rejects(reader.send(new iam.AttachUserPolicyCommand({ UserName: 'iam-reader', PolicyArn: ADMIN_ACCESS })), awsError('AccessDenied', 403));
    await assert.rejects(admin.send(new iam.GetUserCommand({ UserName: 'eve' })), awsError('NoSuchEntityException', 404));
  });

  test('resource-scoped inline policies: a user may manage only its own keys (${aws:username})', async () => {
    const self = await userWithKey('self-service');
    await admin.send(
      new iam.PutUserPolicyCommand({
        UserName: 'self-service',
        PolicyName: 'own-keys',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['iam:ListAccessKeys', 'iam:GetUser'], Resource: 'arn:aws:iam::*:user/${aws:username}' }],
        }),
      }),
    );
    assert.equal((await self.send(new iam.ListAccessKeysCommand({}))).AccessKeyMetadata!.length, 1);
    assert.equal((await self.send(new iam.GetUserCommand({}))).User!.UserName, 'self-service');
    await assert.rejects(self.send(new iam.ListAccessKeysCommand({ UserName: 'admin' })), awsError('AccessDenied', 403));
  });
});

describe('SimulatePrincipalPolicy', () => {
  test('the lab\'s test user: DynamoDB allowed, kms:Decrypt not, until the key policy names it', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'lab-test' }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'lab-test', PolicyArn: DDB_FULL }));
    const userArn = `arn:aws:iam::${account}:user/lab-test`;
    const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const simulated = await admin.send(
      new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn, ActionNames: ['dynamodb:Scan', 'kms:Decrypt'], ResourceArns: [keyArn] }),
    );
    assert.deepEqual(simulated.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]), [
      ['dynamodb:Scan', 'allowed'],
      ['kms:Decrypt', 'implicitDeny'],
    ]);
    assert.deepEqual(simulated.EvaluationResults![0]!.MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType]), [['AmazonDynamoDBFullAccess', 'IAM Policy']]);

    const keyPolicy = (principal: string) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' }] });
    const named = await admin.send(
      new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn, ActionNames: ['kms:Decrypt'], ResourceArns: [keyArn], ResourcePolicy: keyPolicy(userArn) }),
    );
    assert.equal(named.EvaluationResults![0]!.EvalDecision, 'allowed');
    assert.equal(named.EvaluationResults![0]!.MatchedStatements![0]!.SourcePolicyType, 'resource');
    const delegated = await admin.send(
      new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn, ActionNames: ['kms:Decrypt'], ResourceArns: [keyArn], ResourcePolicy: keyPolicy(`arn:aws:iam::${account}:root`) }),
    );
    assert.equal(delegated.EvaluationResults![0]!.EvalDecision, 'implicitDeny', 'delegation to the account needs an IAM allow, which DynamoDBFullAccess lacks');
  });

  test('context entries feed conditions; groups and explicit denies count', async () => {
    await admin.send(new iam.CreateGroupCommand({ GroupName: 'sim-group' }));
    await admin.send(
      new iam.PutGroupPolicyCommand({
        GroupName: 'sim-group',
        PolicyName: 'office-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
            { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
          ],
        }),
      }),
    );
    await admin.send(new iam.CreateUserCommand({ UserName: 'sim-user' }));
    await admin.send(new iam.AddUserToGroupCommand({ GroupName: 'sim-group', UserName: 'sim-user' }));
    const simulate = (ip: string) =>
      admin.send(
        new iam.SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${account}:user/sim-user`,
          ActionNames: ['s3:GetObject', 's3:DeleteObject'],
          ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: [ip], ContextKeyType: 'ip' }],
        }),
      );
    assert.deepEqual((await simulate('10.1.2.3')).EvaluationResults!.map((r) => r.EvalDecision), ['allowed', 'explicitDeny']);
    assert.deepEqual((await simulate('192.168.1.1')).EvaluationResults!.map((r) => r.EvalDecision), ['implicitDeny', 'explicitDeny']);
    const group = await admin.send(new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:group/sim-group`, ActionNames: ['s3:DeleteObject'] }));
    assert.equal(group.EvaluationResults![0]!.EvalDecision, 'explicitDeny');
    await assert.rejects(
      admin.send(new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:user/ghost`, ActionNames: ['s3:GetObject'] })),
      awsError('NoSuchEntityException', 404),
    );
    const nobody = await userWithKey('sim-nobody');
    await assert.rejects(
      nobody.send(new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:user/sim-user`, ActionNames: ['s3:GetObject'] })),
      awsError('AccessDenied', 403),
    );
  });
});
