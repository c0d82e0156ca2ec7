// STS: GetCallerIdentity and AssumeRole (trust policy evaluated by the policy engine), and the temporary
// credentials it hands out, verified by the front with their session token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let sb: TestSandbox;
let admin: IAMClient;
let account: string;

const sts = (credentials: Credentials) => new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const iamAs = (credentials: Credentials) => new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const kmsAs = (credentials: Credentials) => new KMSClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

function trust(principal: unknown, condition?: unknown): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] });
}

async function user(name: string, inline?: object): Promise<Credentials> {
  await admin.send(new iam.CreateUserCommand({ UserName: name }));
  if (inline) await admin.send(new iam.PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(inline) }));
  const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

async function assume(credentials: Credentials, roleArn: string, extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}): Promise<Credentials> {
  const result = await sts(credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'lab-session', ...extra }));
  const c = result.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

function denied(status = 403, message?: RegExp) {
  return (error: any) => {
    assert.equal(error.name, 'AccessDenied', `${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, status);
    if (message) assert.match(error.message, message);
    return true;
  };
}

before(async () => {
  sb = await startTestSandbox({ keepData: true });
  admin = iamAs(sb.credentials);
  account = sb.accountId;
});
after(() => sb.stop());

describe('GetCallerIdentity', () => {
  test('names the admin and any user, and needs no permission', async () => {
    const me = await sts(sb.credentials).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([me.Account, me.Arn], [account, `arn:aws:iam::${account}:user/admin`]);
    assert.match(me.UserId!, /^AIDA/);
    const denyAll = await user('deny-all', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    const them = await sts(denyAll).send(new GetCallerIdentityCommand({}));
    assert.equal(them.Arn, `arn:aws:iam::${account}:user/deny-all`);
  });
});

describe('AssumeRole', () => {
  test('a trust policy naming the user is enough in the same account; the session acts with the role\'s policies', async () => {
    const alice = await user('alice');
    const role = await admin.send(new iam.CreateRoleCommand({ RoleName: 'Auditor', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/alice` }) }));
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'Auditor', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const before = Date.now();
    const result = await sts(alice).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn, RoleSessionName: 'audit-1', DurationSeconds: 900 }));
    assert.match(result.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(result.Credentials!.SecretAccessKey!.length, 40);
    assert.ok(result.Credentials!.SessionToken!.length > 100);
    const expires = result.Credentials!.Expiration!.getTime();
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 899_000 && expires <= Date.now() + 901_000, 'expires after DurationSeconds');
    assert.equal(result.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/Auditor/audit-1`);
    assert.equal(result.AssumedRoleUser!.AssumedRoleId, `${role.Role!.RoleId}:audit-1`);

    const session = { accessKeyId: result.Credentials!.AccessKeyId!, secretAccessKey: result.Credentials!.SecretAccessKey!, sessionToken: result.Credentials!.SessionToken! };
    const who = await sts(session).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId], [`arn:aws:sts::${account}:assumed-role/Auditor/audit-1`, `${role.Role!.RoleId}:audit-1`]);
    assert.ok((await iamAs(session).send(new iam.ListUsersCommand({}))).Users!.length > 0, 'IAMReadOnlyAccess of the role applies');
    await assert.rejects(
      iamAs(session).send(new iam.CreateUserCommand({ UserName: 'x' })),
      denied(403, new RegExp(`^User: arn:aws:sts::${account}:assumed-role/Auditor/audit-1 is not authorized to perform: iam:CreateUser`)),
    );
    await assert.rejects(kmsAs(session).send(new ListKeysCommand({})), { name: 'AccessDeniedException' });
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'Auditor', PolicyArn: 'arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser' }));
    await kmsAs(session).send(new ListKeysCommand({}));
  });

  test('session credentials need their token: missing or altered tokens are InvalidClientTokenId', async () => {
    const bob = await user('bob');
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'BobRole', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/bob` }) }));
    const session = await assume(bob, `arn:aws:iam::${account}:role/BobRole`);
    await sts(session).send(new GetCallerIdentityCommand({}));
    const { sessionToken, ...withoutToken } = session;
    await assert.rejects(sts(withoutToken).send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
    await assert.rejects(sts({ ...session, sessionToken: `${sessionToken!.slice(0, -2)}AA` }).send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
    await assert.rejects(kmsAs(withoutToken).send(new ListKeysCommand({})), { name: 'UnrecognizedClientException' });
  });

  test('a trust policy naming only the account root needs an identity allow as well', async () => {
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'AccountRole', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:root` }) }));
    const roleArn = `arn:aws:iam::${account}:role/AccountRole`;
    const carol = await user('carol');
    await assert.rejects(
      sts(carol).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' })),
      denied(403, new RegExp(`^User: arn:aws:iam::${account}:user/carol is not authorized to perform: sts:AssumeRole on resource: ${roleArn}$`)),
    );
    await admin.send(
      new iam.PutUserPolicyCommand({
        UserName: 'carol',
        PolicyName: 'may-assume',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }] }),
      }),
    );
    await assume(carol, roleArn);
  });

  test('an identity allow alone does not open a role whose trust policy names someone else', async () => {
    const dave = await user('dave', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'AliceOnly', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/alice` }) }));
    await assert.rejects(sts(dave).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/AliceOnly`, RoleSessionName: 'sess' })), denied());
  });

  test('an explicit deny in the caller\'s policies wins over a trust policy naming them', async () => {
    const erin = await user('erin', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] });
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'ErinRole', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/erin` }) }));
    await assert.rejects(sts(erin).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/ErinRole`, RoleSessionName: 'sess' })), denied());
  });

  test('trust conditions see sts:ExternalId', async () => {
    const frank = await user('frank');
    await admin.send(
      new iam.CreateRoleCommand({
        RoleName: 'VendorRole',
        AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/frank` }, { StringEquals: { 'sts:ExternalId': 'secret-handshake' } }),
      }),
    );
    const roleArn = `arn:aws:iam::${account}:role/VendorRole`;
    await assert.rejects(sts(frank).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'sess' })), denied());
    await assert.rejects(sts(frank).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'sess', ExternalId: 'wrong' })), denied());
    await assume(frank, roleArn, { ExternalId: 'secret-handshake' });
  });

  test('missing roles are denied without revealing whether they exist; bad parameters are ValidationError', async () => {
    await assert.rejects(sts(sb.credentials).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Nope`, RoleSessionName: 'sess' })), denied());
    await assert.rejects(sts(sb.credentials).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Auditor`, RoleSessionName: 'bad name!' })), { name: 'ValidationError' });
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'AdminRole', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/admin` }) }));
    const adminRole = `arn:aws:iam::${account}:role/AdminRole`;
    await assert.rejects(
      sts(sb.credentials).send(new AssumeRoleCommand({ RoleArn: adminRole, RoleSessionName: 'sess', DurationSeconds: 7200 })),
      (e: any) => e.name === 'ValidationError' && /MaxSessionDuration/.test(e.message),
    );
    await assert.rejects(sts(sb.credentials).send(new AssumeRoleCommand({ RoleArn: adminRole, RoleSessionName: 'sess', DurationSeconds: 899 })), { name: 'ValidationError' });
    await assert.rejects(
      sts(sb.credentials).send(new AssumeRoleCommand({ RoleArn: adminRole, RoleSessionName: 'sess', Policy: '{"Version":"2012-10-17","Statement":[]}' })),
      { name: 'MalformedPolicyDocumentException' },
    );
  });

  test('sessions outlive a restart; a deleted role\'s sessions stop working', async () => {
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'Durable', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/admin` }) }));
    const session = await assume(sb.credentials, `arn:aws:iam::${account}:role/Durable`);
    await sb.sandbox.stop();
    sb = await startTestSandbox({ dataDir: sb.dataDir });
    admin = iamAs(sb.credentials);
    const who = await sts(session).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/Durable/lab-session`);
    await admin.send(new iam.DeleteRoleCommand({ RoleName: 'Durable' }));
    await assert.rejects(sts(session).send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'Durable', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:user/admin` }) }));
    await assert.rejects(sts(session).send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' }, 'a new role of the same name does not revive old sessions');
  });
});
