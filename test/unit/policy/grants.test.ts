// KMS grant matching, the one rule the sandbox enforces and the access analysis predicts (AWS KMS API Reference,
// "GrantConstraints": "in a grant constraint, the key in each key-value pair is not case sensitive, but the value is").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantAllows, grantConstraintsHold } from '../../../src/policy/grants';

const PAGE = 'https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html';
const DYNAMO = { 'aws:dynamodb:tableName': 'orders', 'aws:dynamodb:subscriberId': '111122223333' };

test(`EncryptionContextSubset: keys match without case, values only exactly (${PAGE})`, () => {
  assert.equal(grantConstraintsHold({ EncryptionContextSubset: { 'AWS:DynamoDB:TableName': 'orders' } }, DYNAMO), true);
  assert.equal(grantConstraintsHold({ EncryptionContextSubset: { 'aws:dynamodb:tablename': 'Orders' } }, DYNAMO), false);
  assert.equal(grantConstraintsHold({ EncryptionContextSubset: { 'aws:dynamodb:tableName': 'orders', team: 'a' } }, DYNAMO), false);
});

test(`EncryptionContextEquals: the same pairs, keys without case, values exactly, nothing more (${PAGE})`, () => {
  assert.equal(grantConstraintsHold({ EncryptionContextEquals: { 'AWS:DYNAMODB:TABLENAME': 'orders', 'Aws:DynamoDB:SubscriberId': '111122223333' } }, DYNAMO), true);
  assert.equal(grantConstraintsHold({ EncryptionContextEquals: { 'aws:dynamodb:tableName': 'orders' } }, DYNAMO), false);
  assert.equal(grantConstraintsHold({ EncryptionContextEquals: { 'aws:dynamodb:tableName': 'ORDERS', 'aws:dynamodb:subscriberId': '111122223333' } }, DYNAMO), false);
});

test(`constraints apply only to operations that take an encryption context (${PAGE})`, () => {
  const grant = { grantee: 'arn:aws:iam::111122223333:user/a', operations: ['Decrypt', 'DescribeKey'], constraints: { EncryptionContextSubset: { 'AWS:DynamoDB:TableName': 'other' } } };
  assert.equal(grantAllows(grant, grant.grantee, 'Decrypt', DYNAMO), false);
  assert.equal(grantAllows(grant, grant.grantee, 'DescribeKey', undefined), true);
});
