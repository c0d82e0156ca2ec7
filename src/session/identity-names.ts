// How identities are named: by people's names (the profile, "Local sandbox (admin)", the user's name), never by the
// ids KMS Lab keeps them under. No vscode import: the lab, the panel and unit tests share it.

/** How a person names the sandbox's administrator, the identity KMS Lab uses in the local sandbox. */
export const SANDBOX_ADMIN_NAME = 'Local sandbox (admin)';

const TEST_USER_PREFIX = 'lab-test-user:';

/** The id of the lab's test user as an identity: the same after a sandbox reset, so "Read as" still finds it. */
export function testUserIdentityId(userName: string): string {
  return `${TEST_USER_PREFIX}${userName}`;
}

/**
 * A person's name for an identity id, also for one no longer offered (its user deleted, its sandbox reset):
 * "kms-lab-test-user", the profile's name, "Local sandbox (admin)". Never the id itself when it has a name in it.
 */
export function identityDisplayName(id: string): string {
  if (id.startsWith(TEST_USER_PREFIX)) return id.slice(TEST_USER_PREFIX.length);
  // Older ids named the lab's scope too: "lab:sandbox:123456789012:us-east-1:kms-lab-test-user".
  if (id.startsWith('lab:')) return id.split(':').pop() || id;
  if (id.startsWith('profile:')) return id.slice('profile:'.length);
  if (id === 'sandbox') return SANDBOX_ADMIN_NAME;
  if (id === 'environment') return 'Environment credentials';
  return id;
}
