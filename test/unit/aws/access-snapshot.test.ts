// Collecting the access snapshot from the local sandbox, which enforces IAM, boundaries, table resource policies and
// key policies: through GetAccountAuthorizationDetails as the admin, through the per-principal calls for a caller
// refused it, and for one named principal; then whoCan on what was collected.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, PutResourcePolicyCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { waitForActive } from '../sandbox/helpers/tables';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AddUserToGroupCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, IAMClient,
  PutGroupPolicyCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AttachPolicyCommand, CreatePolicyCommand as CreateOrganizationPolicyCommand, DetachPolicyCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { whatCanRead, whoCan, type AccessReport, type AccountSnapshot } from '../../../src/access';
import { collectAccessSnapshot, collectPrincipalSnapshot } from '../../../src/aws/access-snapshot';
import { AwsSession } from '../../../src/aws/session';
import type { StaticCredentials } from '../../../src/aws/types';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';

let dataDir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let auditor: AwsSession;
let blind: AwsSession;
let tableArn: string;
let keyArn: string;
const arn = (kind: 'user' | 'role', name: string) => `arn:aws:iam::${sandbox.accountId}:${kind}/${name}`;
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

const sessionFor = (label: string, credentials: StaticCredentials, maxConcurrency?: number) =>
  new AwsSession({ kind: 'static', label, region: sandbox.region, endpoint: sandbox.endpoint, credentials }, { maxConcurrency });

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-access-'));
  sandbox = await startSandbox({ dataDir });
  admin = sessionFor('Local sandbox', sandbox.admin);
  const raw = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  const [iam, kms, ddb] = [new IAMClient(raw), new KMSClient(raw), new DynamoDBClient(raw)];
  try {
    const key = await kms.send(new CreateKeyCommand({ Description: 'lab key' }));
    keyArn = key.KeyMetadata?.Arn ?? '';
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/kms-lab', TargetKeyId: keyArn }));
    const table = await ddb.send(
      new CreateTableCommand({
        TableName: 'lab',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/kms-lab' },
      }),
    );
    tableArn = table.TableDescription?.TableArn ?? '';
    await waitForActive(ddb, 'lab');
    const user = async (UserName: string, managed: string[] = []) => {
      await iam.send(new CreateUserCommand({ UserName }));
      for (const PolicyArn of managed) await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn }));
    };
    await user('test', ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess']);
    await iam.send(new CreateGroupCommand({ GroupName: 'key-users' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'key-users', PolicyName: 'DecryptLabKey', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }) }));
    await user('member', ['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess']);
    await iam.send(new AddUserToGroupCommand({ GroupName: 'key-users', UserName: 'member' }));
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'KmsOnly', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) }));
    await user('bounded', ['arn:aws:iam::aws:policy/AdministratorAccess']);
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: boundary.Policy?.Arn }));
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sandbox.accountId}:root` }, Action: 'sts:AssumeRole' });
    await iam.send(new CreateRoleCommand({ RoleName: 'grantee', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateRoleCommand({ RoleName: 'table-reader', AssumeRolePolicyDocument: trust }));
    await kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: arn('role', 'grantee'), Operations: ['Decrypt'], Name: 'reader-grant' }));
    await ddb.send(new PutResourcePolicyCommand({
      ResourceArn: tableArn,
      Policy: doc({ Sid: 'Reader', Effect: 'Allow', Principal: { AWS: arn('role', 'table-reader') }, Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: tableArn }),
    }));
    // An auditor may read everything but GetAccountAuthorizationDetails; "blind" may not read the key policy.
    const reader = (extra: object[]) => doc(
      {
        Effect: 'Allow',
        Action: ['iam:Get*', 'iam:List*', 'dynamodb:Describe*', 'dynamodb:List*', 'dynamodb:GetResourcePolicy', 'kms:Describe*', 'kms:Get*', 'kms:List*', 'sts:GetCallerIdentity', 'organizations:Describe*', 'organizations:List*'],
        Resource: '*',
      },
      ...extra,
    );
    const keysFor = async (UserName: string, policy: string) => {
      await user(UserName);
      await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'Reader', PolicyDocument: policy }));
      const made = await iam.send(new CreateAccessKeyCommand({ UserName }));
      return { accessKeyId: made.AccessKey?.AccessKeyId ?? '', secretAccessKey: made.AccessKey?.SecretAccessKey ?? '' };
    };
    await ddb.send(new PutItemCommand({ TableName: 'lab', Item: { pk: { S: 'one' } } }));
    auditor = sessionFor('auditor', await keysFor('auditor', reader([{ Effect: 'Deny', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' }])), 4);
    blind = sessionFor('blind', await keysFor('blind', reader([{ Effect: 'Deny', Action: 'kms:GetKeyPolicy', Resource: '*' }])));
  } finally {
    iam.destroy();
    kms.destroy();
    ddb.destroy();
  }
});

after(async () => {
  admin?.dispose();
  auditor?.dispose();
  blind?.dispose();
  await sandbox?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function verdicts(report: AccessReport): Record<string, string> {
  return Object.fromEntries(report.rows.map((r) => [r.name, `${r.read} table:${r.table.decision} key:${r.key?.decision}`]));
}

const expected = () => ({
  admin: 'allowed table:allowed key:allowed',
  test: 'denied table:allowed key:denied',
  member: 'allowed table:allowed key:allowed',
  bounded: 'denied table:denied key:allowed',
  grantee: 'denied table:denied key:allowed',
  'table-reader': 'denied table:allowed key:denied',
  root: 'allowed table:allowed key:allowed',
});

describe('collecting the access snapshot from the sandbox', () => {
  let full: AccountSnapshot;

  it('as the admin: GetAccountAuthorizationDetails, the table with its resource policy, the key with its policy, grants and alias', async () => {
    const seen: [number, number, string][] = [];
    full = await collectAccessSnapshot(admin, { tables: ['lab'], onProgress: (done, total, what) => seen.push([done, total, what]) });
    assert.equal(full.accountId, sandbox.accountId);
    assert.equal(full.region, sandbox.region);
    assert.deepEqual(full.missing, []);
    const users = full.authorizationDetails.UserDetailList.map((u) => u.UserName).sort();
    assert.deepEqual(users, ['admin', 'auditor', 'blind', 'bounded', 'member', 'test']);
    assert.match(full.authorizationDetails.UserDetailList.find((u) => u.UserName === 'bounded')?.PermissionsBoundary?.PermissionsBoundaryArn ?? '', /:policy\/KmsOnly$/);
    // Documents stay URL-encoded, as IAM returns them.
    assert.match(full.authorizationDetails.GroupDetailList[0].GroupPolicyList?.[0].PolicyDocument ?? '', /^%7B/);
    assert.equal(full.tables[0].Table.TableArn, tableArn);
    assert.match(full.tables[0].ResourcePolicy ?? '', /table-reader/);
    assert.equal(full.keys[0].KeyMetadata.Arn, keyArn);
    assert.deepEqual(full.keys[0].Aliases.map((a) => a.AliasName), ['alias/kms-lab']);
    assert.ok(full.keys[0].Grants.some((g) => g.Name === 'reader-grant'));
    assert.match(full.keys[0].Policy ?? '', /Enable IAM User Permissions/);
    // Progress counts up to its total.
    assert.ok(seen.length > 5);
    assert.ok(seen.every(([done, total], i) => done === i + 1 && done <= total));
  });

  it('whoCan on it: both locks for every principal, as the sandbox enforces them', () => {
    const report = whoCan(full, tableArn);
    const got = verdicts(report);
    for (const [name, verdict] of Object.entries(expected())) assert.equal(got[name], verdict, name);
  });

  it('predicted agrees with observed: each principal reads the item live, as itself or as a session of its role', async () => {
    const report = whoCan(full, tableArn);
    const raw = { region: sandbox.region, endpoint: sandbox.endpoint };
    const iam = new IAMClient({ ...raw, credentials: sandbox.admin });
    const sts = new STSClient({ ...raw, credentials: sandbox.admin });
    const credentialsOf = async (row: (typeof report.rows)[number]) => {
      if (row.kind === 'user') {
        const made = await iam.send(new CreateAccessKeyCommand({ UserName: row.name }));
        return { accessKeyId: made.AccessKey?.AccessKeyId ?? '', secretAccessKey: made.AccessKey?.SecretAccessKey ?? '' };
      }
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: row.principal, RoleSessionName: 'verify' }));
      const c = assumed.Credentials;
      return { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken };
    };
    try {
      for (const row of report.rows.filter((r) => (r.kind === 'user' && r.name !== 'admin') || r.kind === 'role')) {
        const client = new DynamoDBClient({ ...raw, credentials: await credentialsOf(row) });
        try {
          const observed = await client.send(new GetItemCommand({ TableName: 'lab', Key: { pk: { S: 'one' } } })).then(() => 'allowed', (e: Error) => (e.name === 'AccessDeniedException' ? 'denied' : e.message));
          assert.equal(observed, row.read, `${row.name}: predicted ${row.read}, observed ${observed}`);
        } finally {
          client.destroy();
        }
      }
    } finally {
      iam.destroy();
      sts.destroy();
    }
  });

  it('as a caller refused GetAccountAuthorizationDetails: the per-principal calls give the same answers, and the refusal is named', async () => {
    const snapshot = await collectAccessSnapshot(auditor, { tables: ['lab'] });
    assert.deepEqual(snapshot.missing.map((m) => m.action), ['iam:GetAccountAuthorizationDetails']);
    assert.match(snapshot.missing[0].reason, /Falling back to the per-principal calls/);
    const report = whoCan(snapshot, tableArn);
    assert.deepEqual(verdicts(report), verdicts(whoCan(full, tableArn)));
  });

  it('for one principal: a handful of calls, and the row the lab predicts from', async () => {
    let calls = 0;
    const userArn = arn('user', 'test');
    const snapshot = await collectAccessSnapshot(admin, { tables: [tableArn], principalArns: [userArn], onProgress: (done) => (calls = done) });
    assert.deepEqual(snapshot.principalsCollected, [userArn]);
    assert.deepEqual(snapshot.authorizationDetails.UserDetailList.map((u) => u.UserName), ['test']);
    // The principal's IAM data, the table and its key: 16 calls at most; the organization's policies along the
    // account's path (root, OU, account): 11 more.
    assert.ok(calls <= 27, `${calls} calls`);
    const row = whoCan(snapshot, tableArn, { principals: [userArn] }).rows.find((r) => r.principal === userArn);
    assert.equal(row?.read, 'denied');
    assert.equal(row?.key?.reason, 'the key policy does not name test, and it delegates to IAM, where no policy of this user allows kms:Decrypt');
  });

  it('a role session and a group member collected by name', async () => {
    const session = `arn:aws:sts::${sandbox.accountId}:assumed-role/grantee/s1`;
    const snapshot = await collectAccessSnapshot(admin, { tables: ['lab'], principalArns: [session, arn('user', 'member')] });
    assert.deepEqual(snapshot.authorizationDetails.RoleDetailList.map((r) => r.RoleName), ['grantee']);
    assert.deepEqual(snapshot.authorizationDetails.GroupDetailList.map((g) => g.GroupName), ['key-users']);
    const report = whoCan(snapshot, tableArn, { principals: [session, arn('user', 'member')] });
    assert.equal(report.rows[0].key?.via, 'grant', 'the grant to the role covers its sessions');
    assert.equal(report.rows[1].read, 'allowed');
  });

  it('for the reverse question: a group\'s members through iam:GetGroup and every table, read as whatCanRead reads the full snapshot', async () => {
    const group = `arn:aws:iam::${sandbox.accountId}:group/key-users`;
    const snapshot = await collectPrincipalSnapshot(admin, group);
    assert.deepEqual(snapshot.principalsCollected, [arn('user', 'member')]);
    assert.deepEqual(snapshot.tables.map((t) => t.Table.TableName), ['lab']);
    const mine = whatCanRead(snapshot, group);
    assert.deepEqual(mine.members, [arn('user', 'member')]);
    assert.deepEqual(mine.tables.map((t) => [t.row.name, t.tableName, t.row.read]), [['member', 'lab', 'allowed']]);
    const viaFull = whatCanRead(await collectAccessSnapshot(admin, {}), group);
    assert.deepEqual(viaFull.tables.map((t) => [t.row.name, t.row.read, t.row.table.decision, t.row.key?.decision]), mine.tables.map((t) => [t.row.name, t.row.read, t.row.table.decision, t.row.key?.decision]));
    const test = await collectPrincipalSnapshot(admin, arn('user', 'test'));
    assert.deepEqual(whatCanRead(test, arn('user', 'test')).tables.map((t) => [t.tableName, t.row.read, t.row.key?.decision]), [['lab', 'denied', 'denied']]);
  });

  it('the organization: an SCP denying Scan and an RCP on the key are collected, evaluated, and agree with what the sandbox enforces', async () => {
    const orgs = new OrganizationsClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
    const iam = new IAMClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
    const ou = (await orgs.send(new ListParentsCommand({ ChildId: sandbox.accountId }))).Parents?.[0]?.Id;
    const create = async (Name: string, Type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', statement: object) =>
      (await orgs.send(new CreateOrganizationPolicyCommand({ Name, Type, Description: '', Content: doc(statement) }))).Policy?.PolicySummary?.Id;
    const noScan = await create('NoScan', 'SERVICE_CONTROL_POLICY', { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' });
    const notMember = await create('NotMember', 'RESOURCE_CONTROL_POLICY', { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': '*:user/member' } } });
    await orgs.send(new AttachPolicyCommand({ PolicyId: noScan, TargetId: ou }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: notMember, TargetId: ou }));
    try {
      const snapshot = await collectAccessSnapshot(admin, { tables: ['lab'] });
      assert.deepEqual(snapshot.organization?.Path.map((l) => l.Type), ['ROOT', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']);
      const report = whoCan(snapshot, tableArn);
      assert.deepEqual(report.organization?.serviceControlPolicies, ['FullAWSAccess', 'NoScan']);
      assert.deepEqual(report.organization?.resourceControlPolicies, ['RCPFullAWSAccess', 'NotMember']);
      for (const row of report.rows.filter((r) => r.kind === 'user' && ['admin', 'member', 'test'].includes(r.name))) {
        const credentials = row.name === 'admin' ? sandbox.admin : await iam.send(new CreateAccessKeyCommand({ UserName: row.name })).then((o) => ({ accessKeyId: o.AccessKey?.AccessKeyId ?? '', secretAccessKey: o.AccessKey?.SecretAccessKey ?? '' }));
        const ddb = new DynamoDBClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials });
        try {
          const observe = (request: Promise<unknown>) => request.then(() => 'allowed', (e: Error) => (e.name === 'AccessDeniedException' ? 'denied' : e.message));
          const scan = await observe(ddb.send(new ScanCommand({ TableName: 'lab' })));
          const get = await observe(ddb.send(new GetItemCommand({ TableName: 'lab', Key: { pk: { S: 'one' } } })));
          const predicted = row.table.actions.map((a) => (a.decision === 'allowed' && row.key?.decision === 'allowed' ? 'allowed' : 'denied'));
          assert.deepEqual([get, scan], [predicted[0], predicted[2]], `${row.name}: ${row.table.actions.map((a) => a.decision)} key ${row.key?.decision}`);
          assert.equal(get, row.read, row.name);
        } finally {
          ddb.destroy();
        }
      }
      const member = report.rows.find((r) => r.name === 'member');
      assert.deepEqual(member?.key?.deciding.map((d) => [d.policy, d.policyType]), [['NotMember', 'rcp']]);
    } finally {
      await orgs.send(new DetachPolicyCommand({ PolicyId: noScan, TargetId: ou }));
      await orgs.send(new DetachPolicyCommand({ PolicyId: notMember, TargetId: ou }));
      orgs.destroy();
      iam.destroy();
    }
  });

  it('without kms:GetKeyPolicy: the key policy is named as missing and the key lock is unknown, not guessed', async () => {
    const snapshot = await collectAccessSnapshot(blind, { tables: ['lab'] });
    assert.deepEqual(snapshot.missing.map((m) => m.action), ['kms:GetKeyPolicy']);
    const row = whoCan(snapshot, tableArn).rows.find((r) => r.name === 'admin');
    assert.equal(row?.key?.decision, 'unknown');
    assert.equal(row?.read, 'conditional');
  });

  it('every table of the region when none is named, and a named table that does not exist is an error', async () => {
    const snapshot = await collectAccessSnapshot(admin, { principalArns: [] });
    assert.deepEqual(snapshot.tables.map((t) => t.Table.TableName), ['lab']);
    await assert.rejects(collectAccessSnapshot(admin, { tables: ['nope'], principalArns: [] }), /DescribeTable/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collectAccessSnapshot(admin, { signal: controller.signal }), { name: 'AbortError' });
  });
});
