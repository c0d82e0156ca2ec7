// AssumeRole session policies (Policy, PolicyArns) and session tags, and the global condition keys every request
// context carries (aws:PrincipalTag, aws:RequestedRegion, aws:SecureTransport, aws:CurrentTime), over the wire.
// A session may do only what both the role's identity policies and the session policies allow; a resource-based
// policy that names the session's own ARN is not limited by the session policies, one that names the role is
// ("Session policies", https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient, ListKeysCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const IAM_READ = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let sb: TestSandbox;
let adminIam: IAMClient;
let account: string;
let adminRole: string;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

async function assume(input: Partial<AssumeRoleCommandInput>, roleArn = adminRole): Promise<Credentials> {
  const result = await new STSClient(config(sb.credentials)).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'scoped', ...input }));
  const c = result.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

function denied(pattern: RegExp) {
  return (error: any) => {
    assert.match(error.name, /AccessDenied/, `${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  };
}

const userWithKey = (name: string, inline: string, tags?: iam.Tag[]) => createUserWithKey(adminIam, name, { inline, tags });

before(async () => {
  sb = await startTestSandbox();
  adminIam = new IAMClient(config(sb.credentials));
  account = sb.accountId;
  const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
  adminRole = (await adminIam.send(new iam.CreateRoleCommand({ RoleName: 'Wide', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'ops' }] }))).Role!.Arn!;
  await adminIam.send(new iam.AttachRolePolicyCommand({ RoleName: 'Wide', PolicyArn: ADMIN }));
});
after(() => sb.stop());

describe('session policies', () => {
  test('an inline Policy narrows the session to what it allows, and AccessDenied names the session policy', async () => {
    const session = await assume({ Policy: doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }) });
    await new DynamoDBClient(config(session)).send(new ListTablesCommand({}));
    await assert.rejects(
      new KMSClient(config(session)).send(new ListKeysCommand({})),
      denied(new RegExp(`^User: arn:aws:sts::${account}:assumed-role/Wide/scoped is not authorized to perform: kms:ListKeys on resource: \\* because no session policy allows the kms:ListKeys action$`)),
    );
  });

  test('PolicyArns: managed policies as session policies; with an inline Policy, either may allow', async () => {
    const readOnly = await assume({ PolicyArns: [{ arn: IAM_READ }] });
    await new IAMClient(config(readOnly)).send(new iam.ListUsersCommand({}));
    await assert.rejects(new DynamoDBClient(config(readOnly)).send(new ListTablesCommand({})), denied(/no session policy allows the dynamodb:ListTables/));
    const both = await assume({ PolicyArns: [{ arn: IAM_READ }], Policy: doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }) });
    await new IAMClient(config(both)).send(new iam.ListUsersCommand({}));
    await new DynamoDBClient(config(both)).send(new ListTablesCommand({}));
  });

  test('a session policy never grants more than the role has', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });
    const narrow = (await adminIam.send(new iam.CreateRoleCommand({ RoleName: 'Narrow', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    await adminIam.send(new iam.AttachRolePolicyCommand({ RoleName: 'Narrow', PolicyArn: IAM_READ }));
    const session = await assume({ Policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }, narrow);
    await new IAMClient(config(session)).send(new iam.ListUsersCommand({}));
    await assert.rejects(new KMSClient(config(session)).send(new ListKeysCommand({})), denied(/because no identity-based policy allows the kms:ListKeys action/));
  });

  test('a key policy naming the session ARN is not limited by the session policy; naming the role ARN is', async () => {
    const kms = new KMSClient(config(sb.credentials));
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const sessionArn = `arn:aws:sts::${account}:assumed-role/Wide/named-session`;
    const onlyDynamo = doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
    const setPrincipal = async (principal: string) => {
      const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!);
      policy.Statement = [policy.Statement[0], { Sid: 'direct', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Encrypt', Resource: '*' }];
      await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
    };
    await setPrincipal(sessionArn);
    const named = await assume({ RoleSessionName: 'named-session', Policy: onlyDynamo });
    await new KMSClient(config(named)).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    await setPrincipal(adminRole);
    await assert.rejects(new KMSClient(config(named)).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), denied(/no session policy allows the kms:Encrypt action/));
  });

  test('PackedPolicySize is reported; too large, malformed and unknown policies are refused as STS does', async () => {
    const result = await new STSClient(config(sb.credentials)).send(
      new AssumeRoleCommand({ RoleArn: adminRole, RoleSessionName: 'sized', Policy: doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }) }),
    );
    assert.ok(result.PackedPolicySize! > 0 && result.PackedPolicySize! < 100, `PackedPolicySize ${result.PackedPolicySize}`);
    const plain = await new STSClient(config(sb.credentials)).send(new AssumeRoleCommand({ RoleArn: adminRole, RoleSessionName: 'plain' }));
    assert.equal(plain.PackedPolicySize, undefined);
    const huge = doc(...Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:us-east-1:${account}:table/t${i}` })));
    await assert.rejects(assume({ Policy: huge }), (error: any) => error.name === 'PackedPolicyTooLargeException' && /Packed policy consumes \d+% of allotted space/.test(error.message));
    await assert.rejects(assume({ Policy: '{"Statement": [' }), { name: 'MalformedPolicyDocumentException' });
    await assert.rejects(assume({ PolicyArns: [{ arn: `arn:aws:iam::${account}:policy/nope` }] }), { name: 'MalformedPolicyDocumentException' });
  });

  test('session policies survive a restart with their session', async () => {
    const session = await assume({ Policy: doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }) });
    await sb.sandbox.stop();
    sb = await startTestSandbox({ dataDir: sb.dataDir });
    adminIam = new IAMClient(config(sb.credentials));
    await new DynamoDBClient(config(session)).send(new ListTablesCommand({}));
    await assert.rejects(new KMSClient(config(session)).send(new ListKeysCommand({})), denied(/no session policy allows/));
  });
});

describe('condition keys in every request context', () => {
  test('aws:PrincipalTag from user tags, role tags and session tags (session tags need sts:TagSession)', async () => {
    const byTag = doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } });
    const tagged = await userWithKey('tagged', byTag, [{ Key: 'team', Value: 'data' }]);
    const untagged = await userWithKey('untagged', byTag);
    await new DynamoDBClient(config(tagged)).send(new ListTablesCommand({}));
    await assert.rejects(new DynamoDBClient(config(untagged)).send(new ListTablesCommand({})), denied(/dynamodb:ListTables/));

    await adminIam.send(new iam.PutRolePolicyCommand({ RoleName: 'Wide', PolicyName: 'deny-unless-data', PolicyDocument: doc({ Effect: 'Deny', Action: 'kms:ListKeys', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'data' } } }) }));
    const roleTagged = await assume({});
    await assert.rejects(new KMSClient(config(roleTagged)).send(new ListKeysCommand({})), denied(/explicit deny in an identity-based policy/), 'the role is tagged team=ops');
    const sessionTagged = await assume({ Tags: [{ Key: 'team', Value: 'data' }] });
    await new KMSClient(config(sessionTagged)).send(new ListKeysCommand({}));
    await adminIam.send(new iam.DeleteRolePolicyCommand({ RoleName: 'Wide', PolicyName: 'deny-unless-data' }));

    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' });
    const untaggable = (await adminIam.send(new iam.CreateRoleCommand({ RoleName: 'NoTags', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    await assert.rejects(assume({ Tags: [{ Key: 'team', Value: 'data' }] }, untaggable), denied(/sts:TagSession/));
  });

  test('aws:RequestedRegion, aws:SecureTransport and aws:CurrentTime', async () => {
    const region = await userWithKey('region-bound', doc({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': sb.region } } }));
    await new KMSClient(config(region)).send(new ListKeysCommand({}));
    const elsewhere = await userWithKey('region-elsewhere', doc({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-3' } } }));
    await assert.rejects(new KMSClient(config(elsewhere)).send(new ListKeysCommand({})), denied(/kms:ListKeys/));
    const tlsOnly = await userWithKey('tls-only', doc(
      { Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ));
    await assert.rejects(new DynamoDBClient(config(tlsOnly)).send(new ListTablesCommand({})), denied(/explicit deny/), 'the sandbox speaks plain HTTP');
    const future = await userWithKey('from-2100', doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' } } }));
    await assert.rejects(new DynamoDBClient(config(future)).send(new ListTablesCommand({})), denied(/dynamodb:ListTables/));
    const past = await userWithKey('from-2000', doc({ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' } } }));
    await new DynamoDBClient(config(past)).send(new ListTablesCommand({}));
  });
});

describe('session policies with boto3', { skip: needsBoto3 }, () => {
  test('assume_role with Policy and PolicyArns', async () => {
    const result = await runBoto3(
      sb,
      `
r = sts.assume_role(RoleArn='${adminRole}', RoleSessionName='boto', Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'dynamodb:ListTables', 'Resource': '*'}]}), PolicyArns=[{'arn': '${IAM_READ}'}])
c = r['Credentials']
s = boto3.session.Session(region_name=os.environ['AWS_REGION'], aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
e = os.environ['AWS_ENDPOINT_URL']
tables = s.client('dynamodb', endpoint_url=e, config=_c).list_tables()['TableNames']
users = len(s.client('iam', endpoint_url=e, config=_c).list_users()['Users'])
kms_error = error_of(lambda: s.client('kms', endpoint_url=e, config=_c).list_keys())
out({'packed': r['PackedPolicySize'], 'tables': tables, 'users': users, 'kms': kms_error['code'], 'message': kms_error['message']})
`,
    );
    assert.ok(result.packed > 0);
    assert.deepEqual(result.tables, []);
    assert.ok(result.users >= 1);
    assert.equal(result.kms, 'AccessDeniedException');
    assert.match(result.message, /no session policy allows the kms:ListKeys action/);
  });
});
