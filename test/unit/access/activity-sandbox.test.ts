// Who did read, beside who can: the lab's story on the local sandbox, read back from CloudTrail through the AWS layer.
// The test user is refused twice (DynamoDB asked KMS on its behalf), the key policy then names it, and its next read
// is allowed; a user who can read never does; a role's sessions count for the role.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { joinActivity, summarizeActivity, whoCan, type ActivitySummary, type JoinedActivity } from '../../../src/access';
import { collectAccessSnapshot } from '../../../src/aws/access-snapshot';
import { AwsSession } from '../../../src/aws/session';
import { addKeyUser } from '../../../src/policy';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';
import { createUserWithKey, type Credentials } from '../sandbox/helpers/users';
import { waitForActive } from '../sandbox/helpers/tables';

const TABLE = 'kms-lab-table';
const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const DECRYPT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });

let dataDir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let keyArn: string;
let summary: ActivitySummary;
let joined: JoinedActivity;
const arn = (kind: 'user' | 'role', name: string) => `arn:aws:iam::${sandbox.accountId}:${kind}/${name}`;

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-activity-'));
  sandbox = await startSandbox({ dataDir });
  const config = (credentials: Credentials) => ({ region: sandbox.region, endpoint: sandbox.endpoint, credentials });
  const kms = new KMSClient(config(sandbox.admin));
  const ddb = new DynamoDBClient(config(sandbox.admin));
  const iam = new IAMClient(config(sandbox.admin));
  keyArn = (await kms.send(new CreateKeyCommand({ Description: 'kms-lab table key' }))).KeyMetadata!.Arn!;
  for (const name of [TABLE, 'another-table']) {
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      }),
    );
    await waitForActive(ddb, name);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: '1' }, note: { S: 'secret' } } }));
  }
  const tester = await createUserWithKey(iam, 'kms-lab-test-user', { policies: [DDB_FULL] });
  await createUserWithKey(iam, 'idle-reader', { policies: [DDB_FULL], inline: DECRYPT });
  const busy = await createUserWithKey(iam, 'other-table-reader', { policies: [DDB_FULL], inline: DECRYPT });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sandbox.accountId}:root` }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'kms:Decrypt'], Resource: '*' }] }) }));

  const read = (credentials: Credentials, table = TABLE) => new DynamoDBClient(config(credentials)).send(new GetItemCommand({ TableName: table, Key: { id: { S: '1' } } }));
  for (let i = 0; i < 2; i++) await assert.rejects(read(tester), { name: 'AccessDeniedException' });
  const policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!;
  await kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: addKeyUser(policy, arn('user', 'kms-lab-test-user')) }));
  await read(tester);
  await read(busy, 'another-table');
  for (const session of ['worker-1', 'worker-2']) {
    const c = (await new STSClient(config(sandbox.admin)).send(new AssumeRoleCommand({ RoleArn: arn('role', 'app'), RoleSessionName: session }))).Credentials!;
    await read({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
  }

  admin = new AwsSession({ kind: 'static', label: 'Local sandbox', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  const events = await admin.cloudtrail.keyEvents({ keyArn, tableName: TABLE });
  summary = summarizeActivity(events.events, { keyArn, tableName: TABLE });
  const report = whoCan(await collectAccessSnapshot(admin, { tables: [TABLE] }), `arn:aws:dynamodb:${sandbox.region}:${sandbox.accountId}:table/${TABLE}`);
  joined = joinActivity(report, summary);
});

after(async () => {
  admin?.dispose();
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const activityOf = (principal: string) => summary.principals.find((activity) => activity.principal === principal);
const rowOf = (principal: string) => joined.rows.find((row) => row.row.principal === principal);

describe("the table's activity", () => {
  it("the test user: refused twice, then allowed, each made by DynamoDB with the table in the context", () => {
    const tester = activityOf(arn('user', 'kms-lab-test-user'))!;
    assert.deepEqual(tester.entries.map((entry) => entry.kind), ['read', 'read-refused', 'read-refused']);
    assert.equal(tester.readsAllowed, 1);
    assert.equal(tester.readsRefused, 2);
    assert.equal(tester.lastRead, tester.entries[0]!.time);
    assert.ok(tester.entries.every((entry) => entry.invokedBy === 'dynamodb.amazonaws.com' && entry.tableName === TABLE));
    assert.equal(tester.refusalReasons.length, 1);
    assert.match(tester.refusalReasons[0]!, /kms-lab-test-user is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:/);
    assert.equal(tester.entries[1]!.errorCode, 'AccessDenied');
  });

  it("the admin's key policy change and DynamoDB's grant for the table are in it; the other table's reads are not", () => {
    const adminActivity = activityOf(arn('user', 'admin'))!;
    assert.equal(adminActivity.policyChanges, 1);
    assert.equal(adminActivity.grants, 1, "the grant DynamoDB made for this table (not the other table's)");
    assert.equal(adminActivity.readsAllowed, 1, 'the PutItem into this table');
    assert.equal(activityOf(arn('user', 'other-table-reader')), undefined);
    assert.ok(summary.timeline.every((entry) => entry.tableName === undefined || entry.tableName === TABLE));
    const times = summary.timeline.map((entry) => entry.time);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.equal(summary.to, times[0]);
    assert.equal(summary.from, times[times.length - 1]);
  });

  it("a role's sessions count for the role", () => {
    const app = activityOf(arn('role', 'app'))!;
    assert.equal(app.kind, 'role');
    assert.equal(app.readsAllowed, 2);
    assert.deepEqual(app.sessions.sort(), ['worker-1', 'worker-2']);
  });
});

describe('joined with Who can read?', () => {
  it('the test user can read now, with its last read, and is flagged as refused twice', () => {
    const row = rowOf(arn('user', 'kms-lab-test-user'))!;
    assert.equal(row.row.read, 'allowed');
    assert.equal(row.lastRead, activityOf(arn('user', 'kms-lab-test-user'))!.lastRead);
    assert.equal(row.readsRefused, 2);
    assert.deepEqual(row.flags, ['refused']);
  });

  it('a user who can read but never did is flagged; those who did are not; the root never is', () => {
    const idle = rowOf(arn('user', 'idle-reader'))!;
    assert.equal(idle.row.read, 'allowed');
    assert.deepEqual(idle.flags, ['can-read-never-did']);
    assert.deepEqual(rowOf(arn('role', 'app'))!.flags, []);
    assert.deepEqual(rowOf(arn('user', 'admin'))!.flags, []);
    const root = joined.rows.find((row) => row.row.kind === 'root');
    assert.ok(root === undefined || !root.flags.includes('can-read-never-did'));
    const other = rowOf(arn('user', 'other-table-reader'))!;
    assert.deepEqual(other.flags, ['can-read-never-did'], 'its reads were of another table');
  });

  it('principals who acted but have no row are listed apart', () => {
    const rowPrincipals = new Set(joined.rows.map((row) => row.row.principal));
    assert.ok(joined.unmatched.every((activity) => !rowPrincipals.has(activity.principal)));
    assert.ok(summary.principals.filter((activity) => rowPrincipals.has(activity.principal)).length >= 3);
  });
});
