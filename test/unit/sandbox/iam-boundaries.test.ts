// Permissions boundaries over the wire (SDK v3 and boto3): setting and removing them, how IAM shows them, and their
// enforcement on IAM, KMS and DynamoDB requests. The rules are the IAM User Guide's:
//   "Permissions boundaries for IAM entities" and "Policy evaluation logic" →
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
// An identity-based allow counts only where the boundary also allows; a resource-based policy that names the user (or
// the session) itself is not limited by the boundary; one that names the role is.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const DDB_READ = 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess';
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let sb: TestSandbox;
let admin: IAMClient;
let account: string;
let onlyDynamo: string; // a customer managed boundary: dynamodb:* and nothing else
let onlyKms: string;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

const userWithKey = (name: string, policies: string[], boundary?: string) => createUserWithKey(admin, name, { policies, boundary });

function denied(pattern: RegExp | string) {
  return (error: any) => {
    assert.match(error.name, /AccessDenied/);
    if (typeof pattern === 'string') assert.equal(error.message, pattern);
    else assert.match(error.message, pattern);
    return true;
  };
}

before(async () => {
  sb = await startTestSandbox();
  admin = new IAMClient(config(sb.credentials));
  account = sb.accountId;
  onlyDynamo = (await admin.send(new iam.CreatePolicyCommand({ PolicyName: 'only-dynamodb', PolicyDocument: doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }) }))).Policy!.Arn!;
  onlyKms = (await admin.send(new iam.CreatePolicyCommand({ PolicyName: 'only-kms', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) }))).Policy!.Arn!;
});
after(() => sb.stop());

describe('setting and showing boundaries', () => {
  test('CreateUser with a boundary: GetUser shows it, ListUsers does not (as AWS documents)', async () => {
    const created = await admin.send(new iam.CreateUserCommand({ UserName: 'bounded', PermissionsBoundary: onlyDynamo }));
    const expected = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: onlyDynamo };
    assert.deepEqual(created.User!.PermissionsBoundary, expected);
    assert.deepEqual((await admin.send(new iam.GetUserCommand({ UserName: 'bounded' }))).User!.PermissionsBoundary, expected);
    const listed = (await admin.send(new iam.ListUsersCommand({}))).Users!.find((user) => user.UserName === 'bounded')!;
    assert.equal(listed.PermissionsBoundary, undefined);
    await admin.send(new iam.PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: DDB_READ }));
    assert.equal((await admin.send(new iam.GetUserCommand({ UserName: 'bounded' }))).User!.PermissionsBoundary!.PermissionsBoundaryArn, DDB_READ);
    await admin.send(new iam.DeleteUserPermissionsBoundaryCommand({ UserName: 'bounded' }));
    assert.equal((await admin.send(new iam.GetUserCommand({ UserName: 'bounded' }))).User!.PermissionsBoundary, undefined);
  });

  test('roles: CreateRole and PutRolePermissionsBoundary; GetRole shows it, ListRoles does not', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });
    const created = await admin.send(new iam.CreateRoleCommand({ RoleName: 'bounded-role', AssumeRolePolicyDocument: trust, PermissionsBoundary: DDB_READ }));
    assert.equal(created.Role!.PermissionsBoundary!.PermissionsBoundaryArn, DDB_READ);
    await admin.send(new iam.PutRolePermissionsBoundaryCommand({ RoleName: 'bounded-role', PermissionsBoundary: onlyKms }));
    assert.deepEqual((await admin.send(new iam.GetRoleCommand({ RoleName: 'bounded-role' }))).Role!.PermissionsBoundary, {
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: onlyKms,
    });
    const listed = (await admin.send(new iam.ListRolesCommand({}))).Roles!.find((role) => role.RoleName === 'bounded-role')!;
    assert.equal(listed.PermissionsBoundary, undefined);
    await admin.send(new iam.DeleteRolePermissionsBoundaryCommand({ RoleName: 'bounded-role' }));
    assert.equal((await admin.send(new iam.GetRoleCommand({ RoleName: 'bounded-role' }))).Role!.PermissionsBoundary, undefined);
  });

  test('a boundary that is not an existing managed policy is NoSuchEntity; unknown entities are NoSuchEntity', async () => {
    const missing = `arn:aws:iam::${account}:policy/not-there`;
    await assert.rejects(admin.send(new iam.CreateUserCommand({ UserName: 'never', PermissionsBoundary: missing })), (error: any) => {
      assert.equal(error.name, 'NoSuchEntityException');
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.match(error.message, /not-there does not exist or is not attachable/);
      return true;
    });
    await assert.rejects(admin.send(new iam.GetUserCommand({ UserName: 'never' })), (error: any) => error.name === 'NoSuchEntityException');
    await assert.rejects(admin.send(new iam.PutUserPermissionsBoundaryCommand({ UserName: 'ghost', PermissionsBoundary: onlyKms })), (error: any) => error.name === 'NoSuchEntityException');
    await assert.rejects(admin.send(new iam.PutRolePermissionsBoundaryCommand({ RoleName: 'ghost', PermissionsBoundary: onlyKms })), (error: any) => error.name === 'NoSuchEntityException');
    await assert.rejects(admin.send(new iam.PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: 'not-an-arn-at-all-really' })), (error: any) => error.name === 'ValidationError');
  });

  test('a policy in use as a boundary counts in PermissionsBoundaryUsageCount and cannot be deleted', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'counted', PermissionsBoundary: onlyKms }));
    const policy = (await admin.send(new iam.GetPolicyCommand({ PolicyArn: onlyKms }))).Policy!;
    assert.equal(policy.PermissionsBoundaryUsageCount, 1);
    assert.equal(policy.AttachmentCount, 0);
    await assert.rejects(admin.send(new iam.DeletePolicyCommand({ PolicyArn: onlyKms })), (error: any) => error.name === 'DeleteConflictException');
    const details = await admin.send(new iam.GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'LocalManagedPolicy'] }));
    assert.equal(details.UserDetailList!.find((user) => user.UserName === 'counted')!.PermissionsBoundary!.PermissionsBoundaryArn, onlyKms);
    assert.equal(details.Policies!.find((p) => p.Arn === onlyKms)!.PermissionsBoundaryUsageCount, 1);
    await admin.send(new iam.DeleteUserPermissionsBoundaryCommand({ UserName: 'counted' }));
    await admin.send(new iam.DeleteUserCommand({ UserName: 'counted' }));
  });

  test('an AWS managed policy used only as a boundary is listed in GetAccountAuthorizationDetails', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'aws-bounded', PermissionsBoundary: DDB_READ }));
    const details = await admin.send(new iam.GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
    const read = details.Policies!.find((p) => p.Arn === DDB_READ)!;
    assert.equal(read.PermissionsBoundaryUsageCount, 1);
    assert.equal(read.AttachmentCount, 0);
  });

  test('the iam:PermissionsBoundary condition key lets an admin delegate user creation only with a given boundary', async () => {
    const delegate = await userWithKey('delegate', []);
    await admin.send(
      new iam.PutUserPolicyCommand({
        UserName: 'delegate',
        PolicyName: 'create-with-boundary',
        PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:CreateUser', 'iam:AttachUserPolicy'], Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': onlyDynamo } } }),
      }),
    );
    const client = new IAMClient(config(delegate));
    await assert.rejects(client.send(new iam.CreateUserCommand({ UserName: 'unbounded-child' })), denied(/iam:CreateUser/));
    await client.send(new iam.CreateUserCommand({ UserName: 'bounded-child', PermissionsBoundary: onlyDynamo }));
    await client.send(new iam.AttachUserPolicyCommand({ UserName: 'bounded-child', PolicyArn: ADMIN }));
    await admin.send(new iam.CreateUserCommand({ UserName: 'other-child' }));
    await assert.rejects(client.send(new iam.AttachUserPolicyCommand({ UserName: 'other-child', PolicyArn: ADMIN })), denied(/iam:AttachUserPolicy/));
  });
});

describe('enforcement', () => {
  test('AdministratorAccess under a DynamoDB-only boundary: DynamoDB works, KMS and IAM are refused, naming the boundary', async () => {
    const creds = await userWithKey('boxed-admin', [ADMIN], onlyDynamo);
    await new DynamoDBClient(config(creds)).send(new ListTablesCommand({}));
    await assert.rejects(
      new KMSClient(config(creds)).send(new CreateKeyCommand({})),
      denied(`User: arn:aws:iam::${account}:user/boxed-admin is not authorized to perform: kms:CreateKey on resource: * because no permissions boundary allows the kms:CreateKey action`),
    );
    await assert.rejects(new IAMClient(config(creds)).send(new iam.ListUsersCommand({})), denied(/because no permissions boundary allows the iam:ListUsers action$/));
    await admin.send(new iam.DeleteUserPermissionsBoundaryCommand({ UserName: 'boxed-admin' }));
    await new KMSClient(config(creds)).send(new CreateKeyCommand({}));
  });

  test('a boundary that excludes DynamoDB refuses item reads even with AmazonDynamoDBFullAccess', async () => {
    const adminDdb = new DynamoDBClient(config(sb.credentials));
    await adminDdb.send(
      new CreateTableCommand({ TableName: 'bounded-table', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    const creds = await userWithKey('no-dynamo', [DDB_FULL], onlyKms);
    await assert.rejects(
      new DynamoDBClient(config(creds)).send(new PutItemCommand({ TableName: 'bounded-table', Item: { id: { S: '1' } } })),
      denied(/dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:\d{12}:table\/bounded-table because no permissions boundary allows the dynamodb:PutItem action/),
    );
  });

  test('a key policy naming the user itself is not capped by the boundary; one that only delegates to IAM is', async () => {
    const kmsAdmin = new KMSClient(config(sb.credentials));
    const keyId = (await kmsAdmin.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const creds = await userWithKey('kms-user', [ADMIN], onlyDynamo);
    const kms = new KMSClient(config(creds));
    await assert.rejects(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), denied(/because no permissions boundary allows the kms:Encrypt action/));
    const policy = JSON.parse((await kmsAdmin.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!);
    policy.Statement.push({ Sid: 'user', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/kms-user` }, Action: 'kms:Encrypt', Resource: '*' });
    await kmsAdmin.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
  });

  test('a role session is bounded by the role\'s boundary, and a key policy naming the role is capped too', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });
    const role = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'boxed-role', AssumeRolePolicyDocument: trust, PermissionsBoundary: onlyDynamo }))).Role!;
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'boxed-role', PolicyArn: ADMIN }));
    const kmsAdmin = new KMSClient(config(sb.credentials));
    const keyId = (await kmsAdmin.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const policy = JSON.parse((await kmsAdmin.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!);
    policy.Statement.push({ Sid: 'role', Effect: 'Allow', Principal: { AWS: role.Arn }, Action: 'kms:Encrypt', Resource: '*' });
    await kmsAdmin.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
    const session = (await new STSClient(config(sb.credentials)).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 's1' }))).Credentials!;
    const creds = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
    await new DynamoDBClient(config(creds)).send(new ListTablesCommand({}));
    await assert.rejects(new KMSClient(config(creds)).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), denied(/assumed-role\/boxed-role\/s1 is not authorized to perform: kms:Encrypt/));
  });

  test('SimulatePrincipalPolicy applies the entity\'s boundary, or the one given in PermissionsBoundaryPolicyInputList', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'simulated', PermissionsBoundary: onlyDynamo }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'simulated', PolicyArn: ADMIN }));
    const simulate = async (boundary?: string) =>
      (
        await admin.send(
          new iam.SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${account}:user/simulated`,
            ActionNames: ['dynamodb:GetItem', 'kms:Decrypt'],
            PermissionsBoundaryPolicyInputList: boundary ? [boundary] : undefined,
          }),
        )
      ).EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]);
    assert.deepEqual(await simulate(), [
      ['dynamodb:GetItem', 'allowed'],
      ['kms:Decrypt', 'implicitDeny'],
    ]);
    assert.deepEqual(await simulate(doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })), [
      ['dynamodb:GetItem', 'implicitDeny'],
      ['kms:Decrypt', 'allowed'],
    ]);
  });
});

describe('boundaries with boto3', { skip: needsBoto3 }, () => {
  test('put, get and delete user and role boundaries', async () => {
    const result = await runBoto3(
      sb,
      `
iam.create_user(UserName='boto-bounded')
iam.put_user_permissions_boundary(UserName='boto-bounded', PermissionsBoundary='${onlyDynamo}')
user = iam.get_user(UserName='boto-bounded')['User']
listed = next(u for u in iam.list_users()['Users'] if u['UserName'] == 'boto-bounded')
iam.delete_user_permissions_boundary(UserName='boto-bounded')
after = iam.get_user(UserName='boto-bounded')['User']
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::${account}:root'}, 'Action': 'sts:AssumeRole'}]})
role = iam.create_role(RoleName='boto-role', AssumeRolePolicyDocument=trust, PermissionsBoundary='${DDB_READ}')['Role']
iam.delete_role_permissions_boundary(RoleName='boto-role')
out({'user': user.get('PermissionsBoundary'), 'listed': 'PermissionsBoundary' in listed, 'after': 'PermissionsBoundary' in after,
     'role': role.get('PermissionsBoundary'), 'role_after': 'PermissionsBoundary' in iam.get_role(RoleName='boto-role')['Role'],
     'missing': error_of(lambda: iam.put_role_permissions_boundary(RoleName='boto-role', PermissionsBoundary='arn:aws:iam::${account}:policy/nope'))})
`,
    );
    assert.deepEqual(result.user, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: onlyDynamo });
    assert.equal(result.listed, false);
    assert.equal(result.after, false);
    assert.deepEqual(result.role, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: DDB_READ });
    assert.equal(result.role_after, false);
    assert.equal(result.missing.code, 'NoSuchEntity');
    assert.equal(result.missing.status, 404);
  });
});
