import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addKeyAdministrator, addKeyUser, ADMINISTRATOR_ACTIONS, ADMINISTRATOR_DELETION_ACTIONS, consoleKeyPolicy, defaultKeyPolicy, keyUsersAndAdministrators,
  parsePolicy, PERSISTENT_RESOURCE_ACTIONS, removeKeyAdministrator, removeKeyUser, USER_ACTIONS, type PolicyDocument, type PolicyStatement,
} from '../../../src/policy';

const A = '111122223333';
const ADMIN = `arn:aws:iam::${A}:role/Admin`;
const ALICE = `arn:aws:iam::${A}:user/alice`;
const BOB = `arn:aws:iam::${A}:user/bob`;

function statements(text: string): PolicyStatement[] {
  const parsed = parsePolicy(text);
  assert.deepEqual(parsed.errors, []);
  return parsed.document?.Statement as PolicyStatement[];
}

function statementTexts(text: string): string[] {
  return parsePolicy(text).statementRanges.map((r) => text.slice(r.start, r.end));
}

const bySid = (text: string, sid: string) => statements(text).find((s) => s.Sid === sid);

test('the CreateKey default policy is exactly what GetKeyPolicy returns', () => {
  assert.equal(
    JSON.stringify(defaultKeyPolicy(A)),
    '{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}',
  );
});

test('addKeyUser creates the two console statements with their exact Sids and actions', () => {
  const text = addKeyUser(JSON.stringify(defaultKeyPolicy(A), null, 2), ALICE);
  assert.deepEqual(statements(text).map((s) => s.Sid), ['Enable IAM User Permissions', 'Allow use of the key', 'Allow attachment of persistent resources']);
  assert.deepEqual(bySid(text, 'Allow use of the key'), {
    Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: ALICE },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*',
  });
  assert.deepEqual(bySid(text, 'Allow attachment of persistent resources'), {
    Sid: 'Allow attachment of persistent resources', Effect: 'Allow', Principal: { AWS: ALICE },
    Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
  assert.deepEqual([...USER_ACTIONS], ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey']);
  assert.deepEqual([...PERSISTENT_RESOURCE_ACTIONS], ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant']);
});

test('a single principal stays a string until a second one is added', () => {
  const one = addKeyUser(JSON.stringify(defaultKeyPolicy(A), null, 2), ALICE);
  assert.equal(bySid(one, 'Allow use of the key')?.Principal && (bySid(one, 'Allow use of the key')?.Principal as { AWS: unknown }).AWS, ALICE);
  const two = addKeyUser(one, BOB);
  for (const sid of ['Allow use of the key', 'Allow attachment of persistent resources']) {
    assert.deepEqual((bySid(two, sid)?.Principal as { AWS: unknown }).AWS, [ALICE, BOB]);
  }
  assert.equal(addKeyUser(two, BOB), two, 'adding a present user changes nothing');
});

test('removeKeyUser goes back to a string, then removes the emptied statements', () => {
  const two = addKeyUser(addKeyUser(JSON.stringify(defaultKeyPolicy(A), null, 2), ALICE), BOB);
  const one = removeKeyUser(two, ALICE);
  assert.equal((bySid(one, 'Allow use of the key')?.Principal as { AWS: unknown }).AWS, BOB);
  const none = removeKeyUser(one, BOB);
  assert.deepEqual(JSON.parse(none), defaultKeyPolicy(A));
  assert.equal(removeKeyUser(none, BOB), none, 'removing an absent user changes nothing');
});

test('edits leave every other statement byte for byte as it was', () => {
  const original = [
    '{',
    '    "Version": "2012-10-17",',
    '    "Id": "key-consolepolicy-3",',
    '    "Statement": [',
    '        {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},',
    '        {',
    '            "Sid": "Custom",   "Effect": "Deny",',
    '            "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"',
    '        }',
    '    ]',
    '}',
  ].join('\n');
  const before = statementTexts(original);
  const edited = addKeyAdministrator(addKeyUser(original, ALICE), ADMIN);
  const after = statementTexts(edited);
  assert.equal(after.length, 5);
  assert.equal(after[0], before[0]);
  assert.ok(after.includes(before[1]), 'the custom statement keeps its formatting');
  assert.ok(edited.startsWith('{\n    "Version": "2012-10-17",\n    "Id": "key-consolepolicy-3",\n'));
  const restored = removeKeyAdministrator(removeKeyUser(edited, ALICE), ADMIN);
  assert.deepEqual(JSON.parse(restored), JSON.parse(original));
  assert.deepEqual(statementTexts(restored), before);
});

test('new statements follow the console order and the text keeps its indentation style', () => {
  const tabs = JSON.stringify(consoleKeyPolicy(A, { users: [BOB] }), null, '\t');
  const edited = addKeyAdministrator(tabs, ADMIN);
  assert.deepEqual(statements(edited).map((s) => s.Sid), [
    'Enable IAM User Permissions', 'Allow access for Key Administrators', 'Allow use of the key', 'Allow attachment of persistent resources',
  ]);
  assert.ok(edited.includes('\n\t\t{\n\t\t\t"Sid": "Allow access for Key Administrators"'), edited);
  assert.ok(!/\n {2}/.test(edited), 'no space indentation mixed in');
});

test('addKeyAdministrator writes the administrator actions, with or without deletion', () => {
  const base = JSON.stringify(defaultKeyPolicy(A));
  assert.deepEqual(bySid(addKeyAdministrator(base, ADMIN), 'Allow access for Key Administrators')?.Action, [...ADMINISTRATOR_ACTIONS, ...ADMINISTRATOR_DELETION_ACTIONS]);
  assert.deepEqual(bySid(addKeyAdministrator(base, ADMIN, { allowDeletion: false }), 'Allow access for Key Administrators')?.Action, [...ADMINISTRATOR_ACTIONS]);
  assert.deepEqual([...ADMINISTRATOR_ACTIONS], ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource']);
  assert.deepEqual([...ADMINISTRATOR_DELETION_ACTIONS], ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion']);
});

test('one-line policies stay on one line and stay valid', () => {
  const compact = JSON.stringify(defaultKeyPolicy(A));
  const edited = addKeyUser(compact, ALICE);
  assert.ok(!edited.includes('\n'));
  assert.equal(removeKeyUser(edited, ALICE), compact);
  assert.equal(removeKeyAdministrator(addKeyAdministrator(compact, ADMIN), ADMIN), compact);
});

test('the document form returns a new document and leaves the input alone', () => {
  const input = defaultKeyPolicy(A);
  const snapshot = JSON.stringify(input);
  const output: PolicyDocument = addKeyUser(input, ALICE);
  assert.equal(JSON.stringify(input), snapshot);
  assert.equal((output.Statement as PolicyStatement[]).length, 3);
  assert.deepEqual(removeKeyUser(output, ALICE), input);
});

test('unusual shapes: a single statement object, no Statement, "*" and other principal types', () => {
  const single = '{"Version": "2012-10-17", "Statement": {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}}';
  assert.deepEqual(statements(addKeyUser(single, ALICE)).map((s) => s.Sid), ['Enable IAM User Permissions', 'Allow use of the key', 'Allow attachment of persistent resources']);
  assert.deepEqual(statements(addKeyUser('{"Version": "2012-10-17"}', ALICE)).map((s) => s.Sid), ['Allow use of the key', 'Allow attachment of persistent resources']);
  const everyone = '{"Statement": [{"Sid": "Allow use of the key", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}';
  assert.equal(addKeyAdministrator(everyone, ADMIN).includes('"Principal": "*"'), true);
  const mixed = JSON.stringify({ Statement: [{ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: ALICE, Service: 'dynamodb.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*' }] });
  assert.deepEqual(bySid(removeKeyUser(mixed, ALICE), 'Allow use of the key')?.Principal, { Service: 'dynamodb.amazonaws.com' });
});

test('editing text that is not valid JSON throws an error that says where', () => {
  assert.throws(() => addKeyUser('{\n  "Statement": [,\n}', ALICE), /not valid JSON \(ValueExpected at line 2, column 17\)/);
  assert.throws(() => addKeyUser('[]', ALICE), /not a JSON object/);
});

test('keyUsersAndAdministrators reads the console view back', () => {
  const policy = consoleKeyPolicy(A, { administrators: [ADMIN], users: [ALICE, BOB] });
  assert.deepEqual(keyUsersAndAdministrators(policy), { administrators: [ADMIN], users: [ALICE, BOB], iamDelegation: true, administratorsCanDelete: true });
  const noDeletion = consoleKeyPolicy(A, { administrators: [ADMIN], allowDeletion: false });
  assert.equal(keyUsersAndAdministrators(JSON.stringify(noDeletion)).administratorsCanDelete, false);
  const noRoot = { Version: '2012-10-17', Statement: [{ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }] };
  assert.deepEqual(keyUsersAndAdministrators(noRoot), { administrators: [], users: [ALICE], iamDelegation: false, administratorsCanDelete: false });
  assert.deepEqual(keyUsersAndAdministrators('not json'), { administrators: [], users: [], iamDelegation: false, administratorsCanDelete: false });
});
