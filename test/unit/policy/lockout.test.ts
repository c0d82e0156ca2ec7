import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addKeyAdministrator, consoleKeyPolicy, defaultKeyPolicy, wouldLockOut, type NamedPolicy, type PolicyStatement } from '../../../src/policy';

const A = '111122223333';
const ADMIN = `arn:aws:iam::${A}:user/admin`;
const KEY = `arn:aws:kms:us-east-1:${A}:key/k`;
const administratorAccess: NamedPolicy = { name: 'AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };

test('the default policy keeps a caller whose IAM policies allow kms:PutKeyPolicy', () => {
  assert.equal(wouldLockOut(defaultKeyPolicy(A), ADMIN, [administratorAccess]), false);
});

test('the default policy locks out a caller without IAM permission', () => {
  assert.equal(wouldLockOut(defaultKeyPolicy(A), ADMIN, []), true);
});

test('a policy without the root statement locks out even AdministratorAccess, unless it names the caller', () => {
  const usersOnly = consoleKeyPolicy(A, { users: [ADMIN] });
  usersOnly.Statement = (usersOnly.Statement as PolicyStatement[]).slice(1);
  assert.equal(wouldLockOut(usersOnly, ADMIN, [administratorAccess]), true);
  assert.equal(wouldLockOut(addKeyAdministrator(usersOnly, ADMIN), ADMIN, []), false);
});

test('an explicit deny of kms:PutKeyPolicy locks out', () => {
  const policy = defaultKeyPolicy(A);
  (policy.Statement as PolicyStatement[]).push({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' });
  assert.equal(wouldLockOut(policy, ADMIN, [administratorAccess]), true);
});

test('a policy whose Resource names the key counts when the key is known', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'kms:*', Resource: KEY }] };
  assert.equal(wouldLockOut(policy, ADMIN, [], A, { keyArn: KEY }), false);
  assert.equal(wouldLockOut(JSON.stringify(policy), ADMIN, [], A, { keyArn: KEY }), false);
});

test('an empty or malformed policy locks everyone out', () => {
  assert.equal(wouldLockOut({ Version: '2012-10-17', Statement: [] }, ADMIN, [administratorAccess]), true);
  assert.equal(wouldLockOut('{"Statement": [', ADMIN, [administratorAccess]), true);
});
