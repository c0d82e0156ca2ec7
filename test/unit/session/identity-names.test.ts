import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { identityDisplayName, SANDBOX_ADMIN_NAME, testUserIdentityId } from '../../../src/session/identity-names';

test('identity names: every id KMS Lab keeps an identity under reads as a person names it', () => {
  assert.equal(identityDisplayName(testUserIdentityId('kms-lab-test-user')), 'kms-lab-test-user');
  assert.equal(identityDisplayName('lab:sandbox:123456789012:us-east-1:kms-lab-test-user'), 'kms-lab-test-user', 'an id from before');
  assert.equal(identityDisplayName('profile:dev'), 'dev');
  assert.equal(identityDisplayName('sandbox'), SANDBOX_ADMIN_NAME);
  assert.equal(SANDBOX_ADMIN_NAME, 'Local sandbox (admin)');
  assert.equal(identityDisplayName('environment'), 'Environment credentials');
});

test('identity names: the test user keeps its id across sandbox resets and accounts (no scope in it)', () => {
  assert.equal(testUserIdentityId('kms-lab-test-user'), 'lab-test-user:kms-lab-test-user');
  assert.ok(!testUserIdentityId('kms-lab-test-user').includes('123456789012'));
});
