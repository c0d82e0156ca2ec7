// whoCan() on built snapshots: one test per rule, each citing the AWS page it comes from.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whoCan, type AccessReport, type AccessRow } from '../../../src/access';
import { awsManagedDynamoKeyPolicy } from '../../../src/policy';
import {
  ACCOUNT, consoleKeyPolicy, defaultKeyPolicy, doc, dynamoGrant, KEY_ARN, localPolicyArn, MANAGED_KEY_ARN, OTHER_ACCOUNT, PAGE, REGION, ROOT, roleArn,
  SnapshotBuilder, TABLE_ARN, TABLE_NAME, userArn,
} from './support/snapshot';

const TEST_USER = 'kms-lab-test-user';
const decryptKey = doc({ Sid: 'UseLabKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN });

function rowOf(report: AccessReport, principal: string): AccessRow {
  const row = report.rows.find((r) => r.principal === principal);
  assert.ok(row, `no row for ${principal}; rows: ${report.rows.map((r) => r.principal).join(', ')}`);
  return row;
}

/** The lab's account: the admin, and the test user with AmazonDynamoDBFullAccess. */
function labAccount(keyPolicy = defaultKeyPolicy(ACCOUNT)) {
  const b = new SnapshotBuilder();
  const admin = b.user('admin', { managed: [b.awsManaged('AdministratorAccess')] });
  const testUser = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
  b.key({ policy: keyPolicy });
  b.table({ keyArn: KEY_ARN });
  return { b, admin, testUser };
}

describe('the lab case: two locks', () => {
  test(`AmazonDynamoDBFullAccess opens the table lock but not the key lock (${PAGE.ddbManagedPolicies}, ${PAGE.keyPolicyDefault})`, () => {
    const { b, testUser } = labAccount();
    const row = rowOf(whoCan(b.build(), TABLE_ARN), testUser);
    assert.equal(row.table.decision, 'allowed');
    assert.equal(row.table.via, 'identity');
    assert.deepEqual(row.table.actions.map((a) => a.decision), ['allowed', 'allowed', 'allowed']);
    assert.equal(row.table.deciding[0].policy, 'AmazonDynamoDBFullAccess');
    assert.equal(row.table.deciding[0].source.arn, 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess');
    assert.equal(row.key?.decision, 'denied');
    assert.equal(row.read, 'denied');
    assert.equal(row.key?.reason, `the key policy does not name ${TEST_USER}, and it delegates to IAM, where no policy of this user allows kms:Decrypt`);
    // The root-delegation step is a deciding statement of the key lock.
    assert.deepEqual(row.key?.deciding.map((s) => [s.policy, s.sid, s.source.type]), [['key policy', 'Enable IAM User Permissions', 'key-policy']]);
  });

  test(`the admin reads through the root statement's delegation to IAM (${PAGE.keyPolicyDefault})`, () => {
    const { b, admin } = labAccount();
    const row = rowOf(whoCan(b.build(), TABLE_ARN), admin);
    assert.equal(row.read, 'allowed');
    assert.equal(row.key?.via, 'iam-delegation');
    assert.match(row.key?.reason ?? '', /^the key policy delegates to IAM \(statement 'Enable IAM User Permissions'\), and AdministratorAccess \(statement #1\) of this user allows kms:Decrypt$/);
  });

  test(`naming the user in the key policy opens the key lock without any IAM policy for KMS (${PAGE.keyPolicies})`, () => {
    const { b, testUser } = labAccount(consoleKeyPolicy(ACCOUNT, { users: [userArn(TEST_USER)] }));
    const row = rowOf(whoCan(b.build(), TABLE_ARN), testUser);
    assert.equal(row.key?.decision, 'allowed');
    assert.equal(row.key?.via, 'key-policy');
    assert.equal(row.read, 'allowed');
    assert.equal(row.key?.deciding[0].sid, 'Allow use of the key');
    assert.match(row.key?.reason ?? '', /the key policy allows kms:Decrypt to kms-lab-test-user in statement 'Allow use of the key'/);
  });

  test(`a key policy without the root statement: IAM policies do not count, even AdministratorAccess (${PAGE.keyPolicies})`, () => {
    const policy = consoleKeyPolicy(ACCOUNT, { users: [userArn(TEST_USER)] });
    policy.Statement = (policy.Statement as object[]).slice(1) as typeof policy.Statement;
    const { b, admin } = labAccount(policy);
    const report = whoCan(b.build(), TABLE_ARN);
    const row = rowOf(report, admin);
    assert.equal(row.key?.decision, 'denied');
    assert.match(row.key?.reason ?? '', /does not name admin and does not delegate to IAM/);
    assert.equal(rowOf(report, ROOT).key?.decision, 'denied', 'the root user too needs the key policy');
  });
});

describe('grants', () => {
  test(`a grant for Decrypt with the table's encryption context opens the key lock (${PAGE.grants})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.key({ grants: [dynamoGrant(user)] });
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.key?.decision, 'allowed');
    assert.equal(row.key?.via, 'grant');
    assert.equal(row.key?.grants[0].name, 'lab-grant');
    assert.match(row.key?.reason ?? '', /^grant lab-grant .* gives kms-lab-test-user Decrypt for this table's encryption context/);
    assert.equal(row.read, 'allowed');
  });

  test(`a grant constrained to another table's encryption context does not open this table's key lock (${PAGE.grantConstraints})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.key({ grants: [dynamoGrant(user, ['Decrypt'], 'another-table')] });
    b.table({ keyArn: KEY_ARN });
    assert.equal(rowOf(whoCan(b.build(), TABLE_ARN), user).key?.decision, 'denied');
  });

  test(`a grant that lists other operations does not allow Decrypt (${PAGE.grants})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.key({ grants: [dynamoGrant(user, ['Encrypt', 'GenerateDataKey'])] });
    b.table({ keyArn: KEY_ARN });
    assert.equal(rowOf(whoCan(b.build(), TABLE_ARN), user).key?.decision, 'denied');
  });

  test(`a grant to a role applies to the role, and the role gets a row as a grantee (${PAGE.grants})`, () => {
    const b = new SnapshotBuilder();
    const reader = b.role('reader', { inline: { Read: doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN }) } });
    b.key({ grants: [dynamoGrant(reader)] });
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), reader);
    assert.equal(row.read, 'allowed');
    assert.deepEqual(row.namedIn, ['grant lab-grant']);
    assert.deepEqual(row.table.actions.map((a) => a.decision), ['allowed', 'denied', 'denied']);
  });

  test(`an explicit deny in an IAM policy beats a grant (${PAGE.keyPolicies}: "explicitly allowed, and never denied")`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')], inline: { NoKms: doc({ Effect: 'Deny', Action: 'kms:*', Resource: '*' }) } });
    b.key({ grants: [dynamoGrant(user)] });
    b.table({ keyArn: KEY_ARN });
    assert.equal(rowOf(whoCan(b.build(), TABLE_ARN), user).key?.decision, 'denied');
  });
});

describe('identity policies, groups, denies and boundaries', () => {
  test(`a group's policy counts for its members, and the row shows the groups (${PAGE.groups})`, () => {
    const b = new SnapshotBuilder();
    b.group('key-users', { inline: { DecryptLabKey: decryptKey } });
    const member = b.user('member', { managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')] }, ['key-users']);
    b.key();
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), member);
    assert.deepEqual(row.groups, ['key-users']);
    assert.equal(row.read, 'allowed');
    const step = row.key?.deciding.find((s) => s.policyType === 'identity');
    assert.deepEqual(step && [step.policy, step.source], ['key-users/DecryptLabKey', { type: 'group-inline', group: 'key-users' }]);
  });

  test(`an explicit deny anywhere denies (${PAGE.evaluationLogic})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user('denied', { managed: [b.awsManaged('AdministratorAccess')], inline: { NoScan: doc({ Sid: 'NoRead', Effect: 'Deny', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: '*' }) } });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.table.decision, 'denied');
    assert.equal(row.key?.decision, 'allowed');
    assert.equal(row.read, 'denied');
    assert.deepEqual(row.table.deciding.map((s) => [s.policy, s.sid, s.effect]), [['NoScan', 'NoRead', 'Deny']]);
    assert.match(row.table.reason, /NoScan \(statement 'NoRead'\) explicitly denies dynamodb:GetItem, Query and Scan to denied/);
  });

  test(`a permissions boundary that excludes DynamoDB closes the table lock (${PAGE.boundaries})`, () => {
    const b = new SnapshotBuilder();
    const boundary = b.managedPolicy(localPolicyArn('KmsOnlyBoundary'), doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }));
    const user = b.user('bounded', { managed: [b.awsManaged('AdministratorAccess')], boundary });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.table.decision, 'denied');
    assert.equal(row.key?.decision, 'allowed');
    assert.match(row.table.reason, /but the permissions boundary KmsOnlyBoundary does not allow dynamodb:GetItem, Query or Scan/);
    assert.ok(row.table.explanation.some((s) => s.includes('the permissions boundary KmsOnlyBoundary does not allow dynamodb:Scan') || s.includes('does not allow dynamodb:')));
  });

  test(`a boundary caps the key's root delegation, but not a key policy naming the user (${PAGE.evaluationLogic})`, () => {
    const b = new SnapshotBuilder();
    const boundary = b.managedPolicy(localPolicyArn('DynamoOnly'), doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }));
    const capped = b.user('capped', { managed: [b.awsManaged('AdministratorAccess')], boundary });
    const named = b.user('named', { managed: [b.awsManaged('AmazonDynamoDBFullAccess')], boundary });
    b.key({ policy: consoleKeyPolicy(ACCOUNT, { users: [userArn('named')] }) });
    b.table({ keyArn: KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(rowOf(report, capped).key?.decision, 'denied');
    assert.match(rowOf(report, capped).key?.reason ?? '', /but the permissions boundary DynamoOnly does not allow kms:Decrypt/);
    assert.equal(rowOf(report, named).key?.decision, 'allowed');
  });

  test(`a role allowed only by the table's resource policy (${PAGE.ddbResourcePolicies})`, () => {
    const b = new SnapshotBuilder();
    const role = b.role('table-reader');
    b.key({ policy: consoleKeyPolicy(ACCOUNT, { users: [roleArn('table-reader')] }) });
    b.table({ keyArn: KEY_ARN, resourcePolicy: doc({ Sid: 'ReaderRole', Effect: 'Allow', Principal: { AWS: roleArn('table-reader') }, Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: TABLE_ARN }) });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), role);
    assert.equal(row.table.via, 'resource-policy');
    assert.equal(row.table.deciding[0].source.type, 'table-policy');
    assert.match(row.table.reason, /the table's resource policy allows dynamodb:GetItem, Query and Scan to role table-reader \(statement 'ReaderRole'\)/);
    assert.equal(row.read, 'allowed');
    assert.deepEqual(row.namedIn, ['the key policy', "the table's resource policy"]);
  });
});

describe('conditions', () => {
  test(`a condition on aws:SourceIp makes the row conditional and names the key; it is never guessed (${PAGE.globalKeys})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user('office', {
      inline: { FromOffice: doc({ Sid: 'Office', Effect: 'Allow', Action: ['dynamodb:*', 'kms:Decrypt'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }) },
    });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['aws:SourceIp']);
    assert.equal(row.table.decision, 'conditional');
    assert.deepEqual(row.table.deciding[0].conditions, ['aws:SourceIp']);
    assert.match(row.table.reason, /, but only from 203\.0\.113\.0\/24$/);
    assert.equal(row.opensWhen, 'only from 203.0.113.0/24');
  });

  test(`a Deny that applies without MFA makes an otherwise allowed row conditional (${PAGE.globalKeys})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user('mfa', {
      managed: [b.awsManaged('AdministratorAccess')],
      inline: { RequireMfa: doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
    });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['aws:MultiFactorAuthPresent']);
  });

  test(`aws:PrincipalTag is evaluated from the user's tags in the snapshot (${PAGE.tags})`, () => {
    const b = new SnapshotBuilder();
    const team = doc({ Effect: 'Allow', Action: ['dynamodb:*', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } });
    const data = b.user('data-person', { inline: { Team: team }, tags: { team: 'data' } });
    const web = b.user('web-person', { inline: { Team: team }, tags: { team: 'web' } });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(rowOf(report, data).read, 'allowed');
    assert.equal(rowOf(report, web).read, 'denied');
  });

  test(`aws:ResourceTag is evaluated from the table's tags in the snapshot (${PAGE.tags})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user('tagged', { inline: { Env: doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } } }) } });
    b.table({ tags: { env: 'prod' } });
    assert.equal(rowOf(whoCan(b.build(), TABLE_ARN), user).read, 'denied');
  });

  test(`the key lock sees the context DynamoDB sends: kms:ViaService, kms:CallerAccount and the encryption context (${PAGE.kmsDynamo})`, () => {
    const b = new SnapshotBuilder();
    const through = b.user('through-dynamo', {
      managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')],
      inline: { ViaDynamo: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:aws:dynamodb:tableName': TABLE_NAME } } }) },
    });
    const viaS3 = b.user('through-s3', {
      managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')],
      inline: { ViaS3: doc({ Sid: 'OnlyS3', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } } }) },
    });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    const allowed = rowOf(report, through);
    assert.equal(allowed.read, 'allowed');
    assert.equal(allowed.key?.context?.['kms:ViaService'], `dynamodb.${REGION}.amazonaws.com`);
    assert.equal(allowed.key?.context?.['kms:EncryptionContext:aws:dynamodb:subscriberId'], ACCOUNT);
    const denied = rowOf(report, viaS3);
    assert.equal(denied.read, 'denied', 'kms:ViaService is known, so this is not conditional');
    assert.match(denied.key?.reason ?? '', /statement 'OnlyS3' of ViaS3 would allow it, but its condition StringEquals on kms:ViaService does not hold/);
  });
});

describe('the key', () => {
  test(`a disabled key denies everyone (${PAGE.keyState}, ${PAGE.ddbEncryption})`, () => {
    const { b, admin } = labAccount();
    b.keys[0].KeyMetadata.KeyState = 'Disabled';
    const report = whoCan(b.build(), TABLE_ARN);
    assert.ok(report.rows.every((r) => r.read === 'denied'));
    assert.match(rowOf(report, admin).key?.reason ?? '', /the key is disabled, so no one can decrypt with it/);
    assert.equal(report.keyState, 'Disabled');
  });

  test(`a key pending deletion denies everyone (${PAGE.keyState})`, () => {
    const { b } = labAccount();
    b.keys[0].KeyMetadata.KeyState = 'PendingDeletion';
    const report = whoCan(b.build(), TABLE_ARN);
    assert.ok(report.rows.every((r) => r.read === 'denied' && /pending deletion/.test(r.key?.reason ?? '')));
  });

  test(`the AWS owned key has no key lock: DynamoDB permissions decide (${PAGE.ddbEncryption})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.table();
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(report.encryption, 'aws-owned');
    const row = rowOf(report, user);
    assert.equal(row.key, undefined);
    assert.equal(row.read, 'allowed');
  });

  test(`the AWS managed key lets anyone in the account read through DynamoDB (${PAGE.kmsDynamo})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.key({ arn: MANAGED_KEY_ARN, manager: 'AWS', alias: 'alias/aws/dynamodb', policy: awsManagedDynamoKeyPolicy(ACCOUNT, REGION) });
    b.table({ keyArn: MANAGED_KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(report.encryption, 'aws-managed');
    const row = rowOf(report, user);
    assert.equal(row.key?.decision, 'allowed');
    assert.equal(row.read, 'allowed');
  });

  test('the key not in the snapshot: the key lock is unknown and the read conditional, never guessed', () => {
    const b = new SnapshotBuilder();
    const user = b.user(TEST_USER, { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
    b.table({ keyArn: KEY_ARN });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), user);
    assert.equal(row.key?.decision, 'unknown');
    assert.equal(row.read, 'conditional');
  });
});

describe('the rows', () => {
  test(`every user and role, the account root, and principals the key policy names from other accounts (${PAGE.crossAccount})`, () => {
    const { b, admin, testUser } = labAccount();
    const external = `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`;
    b.keys[0].Policy = JSON.stringify(doc(...(defaultKeyPolicy(ACCOUNT).Statement as never[]), { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: external }, Action: 'kms:Decrypt', Resource: '*' }));
    const role = b.role('ops');
    const report = whoCan(b.build(), TABLE_ARN);
    assert.deepEqual(report.rows.map((r) => r.principal), [admin, testUser, role, ROOT, external]);
    const partner = rowOf(report, external);
    assert.equal(partner.kind, 'external');
    // The table has no resource policy, so nobody outside the account can reach it.
    assert.equal(partner.table.decision, 'denied');
    assert.equal(partner.read, 'denied');
    assert.match(partner.unknowns[0], /not visible from this account/);
    const root = rowOf(report, ROOT);
    assert.equal(root.kind, 'root');
    assert.equal(root.read, 'allowed');
  });

  test('a principal asked for but not in the snapshot: an allow is only conditional, a denial by the visible policies is sure', () => {
    const { b } = labAccount();
    const ghost = userArn('ghost');
    const open = rowOf(whoCan(b.build(), TABLE_ARN, { principals: [ghost] }), ghost);
    assert.equal(open.read, 'conditional');
    assert.match(open.unknowns[0], /ghost is not in the snapshot/);
    const closed = consoleKeyPolicy(ACCOUNT, { users: [userArn(TEST_USER)] });
    closed.Statement = (closed.Statement as object[]).slice(1) as typeof closed.Statement;
    const { b: other } = labAccount(closed);
    assert.equal(rowOf(whoCan(other.build(), TABLE_ARN, { principals: [ghost] }), ghost).read, 'denied', 'the key policy neither names nor delegates');
  });

  test('options.principals computes only the rows asked for', () => {
    const { b, testUser } = labAccount();
    const report = whoCan(b.build(), TABLE_ARN, { principals: [testUser] });
    assert.deepEqual(report.rows.map((r) => r.principal), [testUser]);
  });

  test(`SCPs, RCPs and session policies are listed as not evaluated (${PAGE.scp})`, () => {
    const { b } = labAccount();
    const report = whoCan(b.build(), TABLE_ARN);
    assert.ok(report.notEvaluated.some((n) => n.includes('SCPs') && n.includes('RCPs')));
    assert.ok(report.notEvaluated.some((n) => n.includes('Session policies')));
  });

  test('a managed policy missing from the snapshot is named on the rows it affects', () => {
    const { b, testUser } = labAccount();
    b.users[1].AttachedManagedPolicies?.push({ PolicyArn: localPolicyArn('Gone'), PolicyName: 'Gone' });
    const row = rowOf(whoCan(b.build(), TABLE_ARN), testUser);
    assert.deepEqual(row.unknowns, [`the document of managed policy ${localPolicyArn('Gone')} is not in the snapshot`]);
  });

  test('a table not in the snapshot is an error that names the tables there are', () => {
    const { b } = labAccount();
    assert.throws(() => whoCan(b.build(), `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/nope`), /table\/nope is not in the account snapshot of 111122223333 \(tables in it: kms-lab-table\)/);
  });

  test('policies are read from IAM\'s URL-encoding and only the default version counts', () => {
    const { b, testUser } = labAccount();
    const snapshot = b.build();
    // The first stored version denies everything; it must not be used.
    assert.match(snapshot.authorizationDetails.Policies[0].PolicyVersionList?.[0].Document ?? '', /^%7B/);
    assert.equal(rowOf(whoCan(snapshot, TABLE_ARN), testUser).table.decision, 'allowed');
  });
});
