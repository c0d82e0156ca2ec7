// Previewing a key policy change (who gains, who loses), Markdown, saving and loading snapshots, and grant matching.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constraintsHold, diffReports, grantPermits, loadSnapshot, saveSnapshot, toMarkdown, whoCan } from '../../../src/access';
import { ACCOUNT, consoleKeyPolicy, dynamoGrant, KEY_ARN, PAGE, roleArn, SnapshotBuilder, TABLE_ARN, TABLE_NAME, userArn } from './support/snapshot';

function account() {
  const b = new SnapshotBuilder();
  const admin = b.user('admin', { managed: [b.awsManaged('AdministratorAccess')] });
  const tester = b.user('kms-lab-test-user', { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
  b.key();
  b.table({ keyArn: KEY_ARN });
  return { snapshot: b.build(), admin, tester };
}

test(`keyPolicyOverride previews an unsaved key policy; diffReports names who gains and who loses (${PAGE.keyPolicies})`, () => {
  const { snapshot, admin, tester } = account();
  const before = whoCan(snapshot, TABLE_ARN);
  // The edited policy names the test user and drops the root statement: the admin loses, the test user gains.
  const edited = consoleKeyPolicy(ACCOUNT, { users: [tester] });
  edited.Statement = (edited.Statement as object[]).slice(1) as typeof edited.Statement;
  const after = whoCan(snapshot, TABLE_ARN, { keyPolicyOverride: JSON.stringify(edited, null, 2) });
  assert.equal(after.keyPolicyOverridden, true);
  const diff = diffReports(before, after);
  assert.deepEqual(diff.gains.map((c) => [c.principal, c.before, c.after]), [[tester, 'denied', 'allowed']]);
  assert.deepEqual(
    diff.loses.map((c) => c.principal),
    [admin, `arn:aws:iam::${ACCOUNT}:root`],
  );
  // The snapshot itself is untouched: evaluating without the override gives the first answer again.
  assert.deepEqual(diffReports(before, whoCan(snapshot, TABLE_ARN)), { gains: [], loses: [], changes: [] });
});

test('a malformed key policy override denies through the key policy and says it is malformed', () => {
  const { snapshot, admin } = account();
  const report = whoCan(snapshot, TABLE_ARN, { keyPolicyOverride: '{"Statement": [' });
  const row = report.rows.find((r) => r.principal === admin);
  assert.equal(row?.key?.decision, 'denied');
  assert.ok(row?.key?.explanation.some((s) => /malformed/.test(s)), row?.key?.explanation.join('\n'));
});

test('toMarkdown: a heading, one table row per principal, and cells that cannot break the table', () => {
  const b = new SnapshotBuilder();
  b.user('pipe|user', { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] });
  b.key();
  b.table({ keyArn: KEY_ARN });
  const report = whoCan(b.build(), TABLE_ARN);
  const markdown = toMarkdown(report);
  assert.match(markdown, new RegExp(`^## Who can read ${TABLE_NAME}\n`));
  const rows = markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Principal'));
  assert.equal(rows.length, report.rows.length);
  assert.ok(rows[0].startsWith('| pipe\\|user (user) |'), rows[0]);
  assert.ok(rows.every((r) => r.split(/(?<!\\)\|/).length === 8), 'six cells per row');
  assert.match(markdown, /\*\*Not evaluated\*\*/);
});

test('saveSnapshot / loadSnapshot: a round trip gives the same report, with dates as Dates', () => {
  const b = new SnapshotBuilder();
  b.user('admin', { managed: [b.awsManaged('AdministratorAccess')] });
  b.key();
  b.keys[0].KeyMetadata.CreationDate = new Date('2025-05-01T10:00:00.000Z');
  b.table({ keyArn: KEY_ARN });
  const snapshot = b.build();
  const loaded = loadSnapshot(saveSnapshot(snapshot));
  assert.ok(loaded.keys[0].KeyMetadata.CreationDate instanceof Date);
  assert.equal(loaded.keys[0].KeyMetadata.CreationDate?.toISOString(), '2025-05-01T10:00:00.000Z');
  assert.equal(loaded.collectedAt, snapshot.collectedAt, 'collectedAt stays the ISO text it was saved as');
  assert.deepEqual(whoCan(loaded, TABLE_ARN).rows, whoCan(snapshot, TABLE_ARN).rows);
});

test('loadSnapshot says what is wrong with a file that is not a snapshot', () => {
  assert.throws(() => loadSnapshot('not json'), /not valid JSON/);
  assert.throws(() => loadSnapshot('[]'), /must be a JSON object/);
  assert.throws(() => loadSnapshot('{"version": 7}'), /has version 7; this version of KMS Lab reads version 1/);
  assert.throws(() => loadSnapshot('{"version": 1, "accountId": "12", "region": "us-east-1"}'), /accountId must be a 12-digit account id.*collectedAt is missing.*authorizationDetails is missing/);
  assert.throws(() => loadSnapshot('{"version": 1, "accountId": "12", "region": "us-east-1", "organization": {"Path": {}}}'), /organization must hold a Path list and a Policies list/);
});

test(`grant matching: grantee (or its role), operation, and encryption-context constraints (${PAGE.grantConstraints})`, () => {
  const context = { 'aws:dynamodb:tableName': TABLE_NAME, 'aws:dynamodb:subscriberId': ACCOUNT };
  const grant = dynamoGrant(roleArn('reader'));
  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s1`;
  assert.equal(grantPermits(grant, roleArn('reader'), 'Decrypt', context), true);
  assert.equal(grantPermits(grant, session, 'Decrypt', context, roleArn('reader')), true, 'a session of the grantee role');
  assert.equal(grantPermits(grant, userArn('reader'), 'Decrypt', context), false, 'a user of the same name is not the grantee');
  assert.equal(grantPermits(grant, roleArn('reader'), 'Encrypt', context), false, 'an operation the grant does not list');
  assert.equal(grantPermits(grant, roleArn('reader'), 'Decrypt', { ...context, 'aws:dynamodb:tableName': 'other' }), false);
  // Subset: extra pairs are fine; Equals: exactly the pairs.
  assert.equal(constraintsHold({ Constraints: { EncryptionContextSubset: { a: '1' } } }, { a: '1', b: '2' }), true);
  assert.equal(constraintsHold({ Constraints: { EncryptionContextEquals: { a: '1' } } }, { a: '1', b: '2' }), false);
  assert.equal(constraintsHold({ Constraints: { EncryptionContextEquals: { a: '1', b: '2' } } }, { a: '1', b: '2' }), true);
  assert.equal(constraintsHold({}, {}), true);
});

test('the words built on first read come out alike through JSON, structuredClone and direct reads', () => {
  const { snapshot, tester } = account();
  const viaJson = JSON.parse(JSON.stringify(whoCan(snapshot, TABLE_ARN)));
  const viaClone = structuredClone(whoCan(snapshot, TABLE_ARN));
  const direct = whoCan(snapshot, TABLE_ARN).rows.find((r) => r.principal === tester);
  assert.deepEqual(viaClone, viaJson);
  const row = viaJson.rows.find((r: { principal: string }) => r.principal === tester);
  assert.equal(row.key.reason, direct?.key?.reason);
  assert.deepEqual(row.key.explanation, direct?.key?.explanation);
  assert.deepEqual(row.key.deciding, JSON.parse(JSON.stringify(direct?.key?.deciding)));
  assert.match(row.key.reason, /does not name kms-lab-test-user/);
});

test('whoCan is repeatable on the same snapshot and does not change it', () => {
  const { snapshot } = account();
  const copy = JSON.stringify(snapshot);
  const first = JSON.stringify(whoCan(snapshot, TABLE_ARN));
  assert.equal(JSON.stringify(whoCan(snapshot, TABLE_ARN)), first);
  assert.equal(JSON.stringify(snapshot), copy);
});

test('the words are built once, read alike every time, and can be replaced like plain fields', () => {
  const { snapshot, tester } = account();
  const row = whoCan(snapshot, TABLE_ARN).rows.find((r) => r.principal === tester);
  assert.ok(row?.key);
  const deciding = row.key.deciding;
  assert.equal(row.key.deciding, deciding, 'the same list on every read');
  assert.deepEqual({ ...row.key }, JSON.parse(JSON.stringify(row.key)));
  row.key.reason = 'edited';
  assert.equal(row.key.reason, 'edited');
  assert.equal(JSON.parse(JSON.stringify(row.key)).reason, 'edited');
  assert.match(row.table.reason, /AmazonDynamoDBFullAccess/, 'the other lock keeps its own words');
});
