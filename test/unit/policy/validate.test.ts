import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  awsManagedDynamoKeyPolicy, consoleKeyPolicy, defaultKeyPolicy, KEY_POLICY_MAX_BYTES, parsePolicy, validateKeyPolicy, type PolicyProblem,
} from '../../../src/policy';

const A = '111122223333';
const codes = (problems: PolicyProblem[]) => problems.map((p) => `${p.severity}:${p.code}`);
// Through JSON, as a parsed policy would be: an undefined value means the element is absent.
const statement = (extra: object) =>
  JSON.parse(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:Decrypt', Resource: '*', ...extra }] }));

test('the policies AWS writes itself have no problems', () => {
  assert.deepEqual(validateKeyPolicy(defaultKeyPolicy(A)), []);
  assert.deepEqual(validateKeyPolicy(consoleKeyPolicy(A, { administrators: [`arn:aws:iam::${A}:role/Admin`], users: [`arn:aws:iam::${A}:user/test`] })), []);
  assert.deepEqual(validateKeyPolicy(awsManagedDynamoKeyPolicy(A, 'us-east-1')), []);
});

test('schema: Version, Statement, Effect, element pairs and unknown elements', () => {
  assert.deepEqual(codes(validateKeyPolicy({ Statement: statement({}).Statement })), ['warning:missing-version']);
  assert.deepEqual(codes(validateKeyPolicy({ ...statement({}), Version: '2020-01-01' })), ['error:invalid-version']);
  assert.deepEqual(codes(validateKeyPolicy({ Version: '2012-10-17' })), ['error:missing-statement']);
  assert.deepEqual(codes(validateKeyPolicy({ Version: '2012-10-17', Statement: [] })), ['error:no-statements']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Effect: 'allow' }))), ['error:invalid-effect']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Effect: undefined }))), ['error:missing-effect']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ NotAction: 'kms:Encrypt' }))), ['error:action-and-notaction']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ NotResource: '*' }))), ['error:resource-and-notresource']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ NotPrincipal: { AWS: '*' } }))), ['error:principal-and-notprincipal', 'error:notprincipal-with-allow']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${A}:root` } }))), []);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: undefined }))), ['error:missing-principal']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Resource: undefined }))), ['error:missing-resource']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Actions: 'kms:*' }))), ['error:unknown-element']);
  assert.deepEqual(codes(validateKeyPolicy({ ...statement({}), Extra: 1 })), ['error:unknown-element']);
  assert.deepEqual(codes(validateKeyPolicy([1, 2])), ['error:not-an-object']);
});

test('Sids must be unique', () => {
  const doc = { Version: '2012-10-17', Statement: [statement({ Sid: 'Same' }).Statement[0], statement({ Sid: 'Same' }).Statement[0]] };
  const problems = validateKeyPolicy(doc);
  assert.deepEqual(codes(problems), ['error:duplicate-sid']);
  assert.equal(problems[0].statementIndex, 1);
  assert.deepEqual(problems[0].path, ['Statement', 1, 'Sid']);
});

test('the 32768-byte limit counts UTF-8 bytes of the text', () => {
  const padding = 'é'.repeat(KEY_POLICY_MAX_BYTES / 2);
  const doc = statement({ Sid: padding });
  assert.ok(JSON.stringify(doc).length < KEY_POLICY_MAX_BYTES + 200);
  assert.ok(codes(validateKeyPolicy(doc)).includes('error:policy-too-large'));
  assert.ok(!codes(validateKeyPolicy(statement({ Sid: 'x'.repeat(30000) }))).includes('error:policy-too-large'));
});

test('malformed principals are errors', () => {
  for (const principal of [
    { AWS: `arn:aws:iam::${A}:user/*` },
    { AWS: 'not-an-arn' },
    { AWS: `arn:aws:iam::${A}:group/Admins` },
    { AWS: 'arn:aws:iam::12345:root' },
    { AWS: `arn:aws:iam:us-east-1:${A}:user/x` },
    { Service: 'dynamodb' },
    { Somebody: 'x' },
    {},
    'everyone',
  ]) {
    assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: principal }))), ['error:invalid-principal'], JSON.stringify(principal));
  }
  for (const principal of [{ AWS: A }, { AWS: `arn:aws:iam::${A}:role/path/R` }, { AWS: `arn:aws:sts::${A}:assumed-role/R/s` }, { AWS: 'AIDACKCEVSQ6C2EXAMPLE' }, { Service: 'dynamodb.amazonaws.com' }]) {
    assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: principal }))), [], JSON.stringify(principal));
  }
});

test('KMS actions are checked against the generated list', () => {
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: 'kms:Decrypts' }))), ['error:unknown-action']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: 'kms:Zz*' }))), ['warning:action-matches-nothing']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: 'decrypt' }))), ['error:invalid-action']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: 's3:GetObject' }))), ['warning:non-kms-action']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: ['kms:ReEncrypt*', 'kms:GenerateDataKey*', 'KMS:decrypt'] }))), []);
});

test('actions that mean nothing in a key policy are warnings', () => {
  for (const action of ['kms:ListAliases', 'kms:CreateKey', 'kms:ListKeys', 'kms:GenerateRandom', 'kms:CreateCustomKeyStore']) {
    assert.deepEqual(codes(validateKeyPolicy(statement({ Action: action }))), ['warning:iam-only-action'], action);
  }
  // kms:Create* also covers kms:CreateGrant and kms:CreateAlias, which are about the key.
  assert.deepEqual(codes(validateKeyPolicy(statement({ Action: 'kms:Create*' }))), []);
});

test('a wildcard principal with no condition is a public key', () => {
  assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: '*' }))), ['warning:public-key']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: { AWS: ['*'] } }))), ['warning:public-key']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': A } } }))), []);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Principal: '*', Effect: 'Deny' }))), []);
});

test('conditions: unknown operators are errors, unknown kms: keys warnings', () => {
  assert.deepEqual(codes(validateKeyPolicy(statement({ Condition: { StringEqual: { 'kms:CallerAccount': A } } }))), ['error:invalid-condition']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Condition: { StringEquals: { 'kms:CallerAcount': A } } }))), ['warning:unknown-condition-key']);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Condition: { StringEquals: { 'kms:EncryptionContext:aws:dynamodb:tableName': 't' } } }))), []);
  assert.deepEqual(codes(validateKeyPolicy(statement({ Condition: { NumericLessThan: { 'kms:ExpirationModel': 'soon' } } }))), ['error:invalid-condition']);
});

test('with the text, problems carry ranges, and duplicate keys are caught', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow", "Principal": {"AWS": "*"},\n    "Action": "kms:ListKeys", "Resource": "*", "Resource": "*"\n  }]\n}';
  const parsed = parsePolicy(text);
  const problems = validateKeyPolicy(parsed.document, text);
  assert.deepEqual(codes(problems), ['error:duplicate-key', 'warning:iam-only-action', 'warning:public-key']);
  const iamOnly = problems[1];
  assert.ok(iamOnly.range);
  assert.equal(text.slice(iamOnly.range.start, iamOnly.range.end), '"Action": "kms:ListKeys"');
  assert.equal(iamOnly.range.line, 5);
});
