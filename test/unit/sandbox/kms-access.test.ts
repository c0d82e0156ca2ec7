// Who may use a key in the sandbox: key policy plus identity policies (through the policy engine), plus grants,
// with AWS's denial messages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Caller } from '../../../src/sandbox/contracts';
import { ACCOUNT, type ServicesFixture, awsError, b64, inlinePolicy, managedPolicy, openServices, text } from './lab-fixtures';

let f: ServicesFixture;
let alice: Caller;
let bob: Caller;
before(async () => {
  f = await openServices();
  alice = f.directory.addUser('alice', [managedPolicy('AmazonDynamoDBFullAccess')]);
  bob = f.directory.addUser('bob', [inlinePolicy('KmsUse', { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' })]);
});
after(() => f.close());

const root = `arn:aws:iam::${ACCOUNT}:root`;
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' };
const adminStatement = { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'kms:*', Resource: '*' };

async function keyWith(statements: Record<string, unknown>[]): Promise<{ KeyId: string; Arn: string }> {
  const Policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return (await f.kms(f.admin, 'CreateKey', { Policy })).KeyMetadata;
}

describe('denial messages', () => {
  test('a key policy that neither names the caller nor delegates: "no resource-based policy"', async () => {
    const key = await keyWith([adminStatement]);
    const error = await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }));
    assert.equal(error.code, 'AccessDeniedException');
    assert.equal(error.message, `User: ${bob.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no resource-based policy allows the kms:Encrypt action`);
  });

  test('a key policy that delegates but no IAM policy allows: "no identity-based policy"', async () => {
    const key = await keyWith([rootStatement]);
    const error = await awsError(f.kms(alice, 'Decrypt', { CiphertextBlob: (await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') })).CiphertextBlob }));
    assert.equal(error.code, 'AccessDeniedException');
    assert.equal(error.message, `User: ${alice.arn} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Decrypt action`);
    // The same key with the root statement lets bob's IAM policy count.
    const blob = (await f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('bob') })).CiphertextBlob;
    assert.equal(text((await f.kms(bob, 'Decrypt', { CiphertextBlob: blob })).Plaintext), 'bob');
  });

  test('authorization is by key ARN even when the caller used an alias', async () => {
    const key = await keyWith([adminStatement]);
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/by-arn', TargetKeyId: key.KeyId });
    const error = await awsError(f.kms(bob, 'Encrypt', { KeyId: 'alias/by-arn', Plaintext: b64('x') }));
    assert.match(error.message, new RegExp(`on resource: ${key.Arn} because`));
  });

  test('explicit denies name their side', async () => {
    const key = await keyWith([rootStatement, { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'kms:Encrypt', Resource: '*' }]);
    let error = await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }));
    assert.equal(error.message, `User: ${bob.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} with an explicit deny in a resource-based policy`);
    const carol = f.directory.addUser('carol', [
      managedPolicy('AdministratorAccess'),
      inlinePolicy('NoDecrypt', { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }),
    ]);
    const open = await keyWith([rootStatement]);
    const blob = (await f.kms(carol, 'Encrypt', { KeyId: open.KeyId, Plaintext: b64('x') })).CiphertextBlob;
    error = await awsError(f.kms(carol, 'Decrypt', { CiphertextBlob: blob }));
    assert.equal(error.message, `User: ${carol.arn} is not authorized to perform: kms:Decrypt on resource: ${open.Arn} with an explicit deny in an identity-based policy`);
  });

  test('CreateKey, ListKeys and ListAliases are identity-policy actions on "*"', async () => {
    for (const operation of ['CreateKey', 'ListKeys']) {
      const error = await awsError(f.kms(alice, operation, {}));
      assert.equal(error.code, 'AccessDeniedException');
      assert.equal(error.message, `User: ${alice.arn} is not authorized to perform: kms:${operation} on resource: * because no identity-based policy allows the kms:${operation} action`);
    }
    // AmazonDynamoDBFullAccess allows kms:ListAliases and kms:DescribeKey.
    const aliases = await f.kms(alice, 'ListAliases', {});
    assert.ok(Array.isArray(aliases.Aliases));
  });

  test('the caller account and the encryption context are condition keys', async () => {
    const key = await keyWith([
      adminStatement,
      {
        Sid: 'Use with context',
        Effect: 'Allow',
        Principal: { AWS: bob.arn },
        Action: 'kms:Encrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:app': 'lab' } },
      },
    ]);
    await f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'lab' } });
    const error = await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'other' } }));
    assert.equal(error.code, 'AccessDeniedException');
  });

  test('the aws/dynamodb key cannot be used directly, only through DynamoDB', async () => {
    const managed = (await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/aws/dynamodb' })).KeyMetadata;
    const error = await awsError(f.kms(f.admin, 'Encrypt', { KeyId: 'alias/aws/dynamodb', Plaintext: b64('x') }));
    assert.equal(error.message, `User: ${f.admin.arn} is not authorized to perform: kms:Encrypt on resource: ${managed.Arn} because no resource-based policy allows the kms:Encrypt action`);
    assert.equal((await awsError(f.kms(f.admin, 'DisableKey', { KeyId: managed.KeyId }))).code, 'AccessDeniedException');
    assert.equal((await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: managed.KeyId, Policy: JSON.stringify({ Statement: [rootStatement] }) }))).code, 'AccessDeniedException');
  });
});

describe('grants', () => {
  test('a grant lets its grantee perform its operations, within its constraints, until revoked', async () => {
    const key = await keyWith([adminStatement]);
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('granted'), EncryptionContext: { tenant: 'a', extra: '1' } });
    const decryptAsBob = () => f.kms(bob, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { tenant: 'a', extra: '1' } });
    assert.equal((await awsError(decryptAsBob())).code, 'AccessDeniedException');

    const grant = await f.kms(f.admin, 'CreateGrant', {
      KeyId: key.KeyId,
      GranteePrincipal: bob.arn,
      Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: { tenant: 'a' } },
      Name: 'bob-decrypt',
    });
    assert.match(grant.GrantId, /^[0-9a-f]{64}$/);
    assert.equal(typeof grant.GrantToken, 'string');
    assert.equal(text((await decryptAsBob()).Plaintext), 'granted');

    const otherTenant = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('b'), EncryptionContext: { tenant: 'b' } });
    assert.equal((await awsError(f.kms(bob, 'Decrypt', { CiphertextBlob: otherTenant.CiphertextBlob, EncryptionContext: { tenant: 'b' } }))).code, 'AccessDeniedException');
    assert.equal((await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { tenant: 'a' } }))).code, 'AccessDeniedException', 'only the granted operation');

    const again = await f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { tenant: 'a' } }, Name: 'bob-decrypt' });
    assert.equal(again.GrantId, grant.GrantId, 'the same named grant is idempotent');

    const listed = await f.kms(f.admin, 'ListGrants', { KeyId: key.Arn });
    assert.equal(listed.Grants.length, 1);
    assert.deepEqual(
      { ...listed.Grants[0], CreationDate: 0 },
      {
        KeyId: key.Arn,
        GrantId: grant.GrantId,
        Name: 'bob-decrypt',
        CreationDate: 0,
        GranteePrincipal: bob.arn,
        IssuingAccount: root,
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextSubset: { tenant: 'a' } },
      },
    );

    await f.kms(f.admin, 'RevokeGrant', { KeyId: key.KeyId, GrantId: grant.GrantId });
    assert.equal((await awsError(decryptAsBob())).code, 'AccessDeniedException');
    assert.equal((await awsError(f.kms(f.admin, 'RevokeGrant', { KeyId: key.KeyId, GrantId: grant.GrantId }))).code, 'NotFoundException');
  });

  test('EncryptionContextEquals must match exactly', async () => {
    const key = await keyWith([adminStatement]);
    await f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { app: 'lab' } } });
    await f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'lab' } });
    assert.equal((await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'lab', more: '1' } }))).code, 'AccessDeniedException');
  });

  test('an explicit deny beats a grant', async () => {
    const key = await keyWith([adminStatement, { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'kms:Encrypt', Resource: '*' }]);
    await f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Encrypt'] });
    assert.equal((await awsError(f.kms(bob, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }))).code, 'AccessDeniedException');
  });

  test('RetireGrant: by token for the retiring principal; others are refused', async () => {
    const key = await keyWith([adminStatement]);
    const grant = await f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: alice.arn, RetiringPrincipal: bob.arn, Operations: ['Decrypt'] });
    const refused = await awsError(f.kms(alice, 'RetireGrant', { GrantToken: grant.GrantToken }));
    assert.equal(refused.code, 'AccessDeniedException');
    assert.deepEqual(await f.kms(bob, 'RetireGrant', { GrantToken: grant.GrantToken }), {});
    assert.equal((await f.kms(f.admin, 'ListGrants', { KeyId: key.KeyId })).Grants.length, 0);
    assert.equal((await awsError(f.kms(bob, 'RetireGrant', { GrantToken: grant.GrantToken }))).code, 'InvalidGrantTokenException');
  });

  test('CreateGrant validates operations and principals, and needs an enabled key', async () => {
    const key = await keyWith([adminStatement]);
    assert.equal((await awsError(f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Fly'] }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: 'bob', Operations: ['Decrypt'] }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn }))).code, 'ValidationException');
    await f.kms(f.admin, 'DisableKey', { KeyId: key.KeyId });
    assert.equal((await awsError(f.kms(f.admin, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: bob.arn, Operations: ['Decrypt'] }))).code, 'DisabledException');
  });

  test('the console statement "Allow attachment of persistent resources" allows grant operations only through AWS services', async () => {
    const key = await keyWith([
      adminStatement,
      {
        Sid: 'Allow attachment of persistent resources',
        Effect: 'Allow',
        Principal: { AWS: bob.arn },
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ]);
    const error = await awsError(f.kms(bob, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: alice.arn, Operations: ['Decrypt'] }));
    assert.equal(error.code, 'AccessDeniedException');
    assert.equal((await awsError(f.kms(bob, 'ListGrants', { KeyId: key.KeyId }))).code, 'AccessDeniedException');
  });
});
