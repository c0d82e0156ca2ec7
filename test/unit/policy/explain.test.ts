import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKeyPolicy, evaluate, explain, type PolicyDocument, type PolicyStatement } from '../../../src/policy';

const A = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${A}:key/k`;
const USER = `arn:aws:iam::${A}:user/test`;
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

test('an explicit deny names the statement and says that deny wins', () => {
  const result = evaluate({
    principal: USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [],
    resourcePolicy: doc({ Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }),
  });
  assert.deepEqual(explain(result, { resourceLabel: 'alias/lab' }), [
    "The key policy of alias/lab explicitly denies kms:Decrypt to user/test in its statement 'NoDecrypt'. An explicit deny overrides every allow.",
  ]);
});

test('a key policy that neither names nor delegates says no IAM policy can help', () => {
  const result = evaluate({
    principal: USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [{ name: 'Admin', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }],
    resourcePolicy: doc({ Sid: 'OnlyAdmin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/admin` }, Action: 'kms:*', Resource: '*' }),
  });
  const sentences = explain(result, { resourceLabel: 'alias/lab' });
  assert.match(sentences[0], /does not let IAM policies grant access to this key, so no IAM policy can help/);
  assert.match(sentences[1], /'OnlyAdmin' of the key policy allows kms:Decrypt to other principals; adding user\/test there would allow it/);
});

test('allowed through delegation names both the key policy statement and the IAM policy', () => {
  const result = evaluate({
    principal: USER, action: 'kms:Decrypt', resource: KEY, resourcePolicy: defaultKeyPolicy(A),
    identityPolicies: [{ name: 'UseLabKey', document: doc({ Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }) }],
  });
  assert.deepEqual(explain(result, { resourceLabel: 'alias/lab', principalLabel: 'test' }), [
    "The key policy of alias/lab lets IAM policies in account 111122223333 grant access (statement 'Enable IAM User Permissions').",
    "test's IAM policy UseLabKey (statement 'Decrypt') allows kms:Decrypt on this key.",
  ]);
});

test('a near miss names the condition that did not hold', () => {
  const result = evaluate({
    principal: USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [],
    resourcePolicy: doc({ Sid: 'ViaDynamo', Effect: 'Allow', Principal: { AWS: USER }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } } }),
  });
  assert.ok(explain(result).includes("Statement 'ViaDynamo' of the key policy would allow it, but its condition StringEquals on kms:ViaService does not hold."));
});

test('identity-only decisions and malformed statements are explained', () => {
  const result = evaluate({
    principal: USER, action: 'dynamodb:Scan', resource: `arn:aws:dynamodb:us-east-1:${A}:table/t`,
    identityPolicies: [{ name: 'Broken', document: doc({ Effect: 'allow', Action: '*', Resource: '*' }) }],
  });
  const sentences = explain(result, { resourceLabel: 'table t' });
  assert.equal(sentences[0], "None of user/test's policies (Broken) allows dynamodb:Scan on table t.");
  assert.match(sentences[1], /Statement #1 of policy Broken is malformed and does not match: Effect must be "Allow" or "Deny", not "allow"/);
});

test('cross-account KMS operations that KMS never allows are explained as such', () => {
  const result = evaluate({
    principal: 'arn:aws:iam::444455556666:user/x', action: 'kms:ScheduleKeyDeletion', resource: KEY, identityPolicies: [],
    resourcePolicy: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }),
  });
  assert.match(explain(result)[0], /cannot be used on a KMS key from another account/);
});

test('results serialise with their reasons and details, which are built once', () => {
  const result = evaluate({ principal: USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [], resourcePolicy: defaultKeyPolicy(A) });
  assert.equal(result.reasons, result.reasons);
  const plain = JSON.parse(JSON.stringify(result));
  assert.equal(plain.decision, 'implicitly-denied');
  assert.deepEqual(plain.reasons, JSON.parse(JSON.stringify(result.reasons)));
  assert.equal(plain.details.callerLabel, 'user/test');
  assert.ok(!('analysis' in plain), 'nothing internal leaks into the copy');
});
