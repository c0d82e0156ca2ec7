import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../../src/policy';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const decrypt = { name: 'Decrypt', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] } };

test('key policy rule: delegation makes identity policies count', () => {
  const keyPolicy = { Version: '2012-10-17', Statement: [rootStatement] };
  const base = { principal: `arn:aws:iam::${ACCOUNT}:user/test`, action: 'kms:Decrypt', resource: KEY, resourcePolicy: keyPolicy };
  assert.equal(evaluate({ ...base, identityPolicies: [] }).decision, 'implicitly-denied');
  assert.equal(evaluate({ ...base, identityPolicies: [decrypt] }).decision, 'allowed');
});

test('key policy rule: without delegation, identity policies do not count', () => {
  const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'kms:*', Resource: '*' }] };
  const r = evaluate({ principal: `arn:aws:iam::${ACCOUNT}:user/test`, action: 'kms:Decrypt', resource: KEY, resourcePolicy: keyPolicy, identityPolicies: [decrypt] });
  assert.equal(r.decision, 'implicitly-denied');
  assert.equal(evaluate({ principal: `arn:aws:iam::${ACCOUNT}:user/admin`, action: 'kms:Decrypt', resource: KEY, resourcePolicy: keyPolicy, identityPolicies: [] }).decision, 'allowed');
});
