import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDeniedMessage, consoleKeyPolicy, defaultKeyPolicy, evaluate, type PolicyStatement } from '../../../src/policy';

const A = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${A}:key/k`;
const USER = `arn:aws:iam::${A}:user/test`;
const head = `User: ${USER} is not authorized to perform: kms:Decrypt on resource: ${KEY}`;
const request = { principal: USER, action: 'kms:Decrypt', resource: KEY };

test('a key policy that neither names nor delegates: no resource-based policy allows', () => {
  const policy = consoleKeyPolicy(A, { users: [`arn:aws:iam::${A}:user/admin`] });
  policy.Statement = (policy.Statement as PolicyStatement[]).slice(1);
  assert.equal(accessDeniedMessage(evaluate({ ...request, identityPolicies: [], resourcePolicy: policy })), `${head} because no resource-based policy allows the kms:Decrypt action`);
});

test('a key policy that delegates, without an IAM Allow: no identity-based policy allows', () => {
  assert.equal(accessDeniedMessage(evaluate({ ...request, identityPolicies: [], resourcePolicy: defaultKeyPolicy(A) })), `${head} because no identity-based policy allows the kms:Decrypt action`);
});

test('explicit denies say where they are', () => {
  const deny: PolicyStatement = { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' };
  const resourceDeny = evaluate({ ...request, identityPolicies: [], resourcePolicy: { Version: '2012-10-17', Statement: [deny] } });
  assert.equal(accessDeniedMessage(resourceDeny), `${head} with an explicit deny in a resource-based policy`);
  const identityDeny = evaluate({ ...request, identityPolicies: [{ name: 'NoKms', document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }] } }], resourcePolicy: defaultKeyPolicy(A) });
  assert.equal(accessDeniedMessage(identityDeny), `${head} with an explicit deny in an identity-based policy`);
});

test('an allowed request has no denial message', () => {
  assert.equal(accessDeniedMessage(evaluate({ ...request, principal: `arn:aws:iam::${A}:root`, identityPolicies: [], resourcePolicy: defaultKeyPolicy(A) })), undefined);
});
