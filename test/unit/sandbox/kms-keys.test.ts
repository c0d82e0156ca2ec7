// KMS keys in the sandbox: CreateKey, DescribeKey, ListKeys, key policies, key states and rotation, persistence.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT, type ServicesFixture, awsError, b64, inlinePolicy, openServices } from './lab-fixtures';

const DEFAULT_POLICY = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"},"Action":"kms:*","Resource":"*"}]}`;

let f: ServicesFixture;
before(async () => {
  f = await openServices();
});
after(() => f.close());

async function newKey(input: Record<string, unknown> = {}): Promise<{ KeyId: string; Arn: string }> {
  return (await f.kms(f.admin, 'CreateKey', input)).KeyMetadata;
}

describe('CreateKey and DescribeKey', () => {
  test('a key without Policy is symmetric, enabled, and has the default key policy', async () => {
    const created = await f.kms(f.admin, 'CreateKey', { Description: 'lab key' });
    const metadata = created.KeyMetadata;
    assert.match(metadata.KeyId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(metadata.CurrentKeyMaterialId, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      { ...metadata, KeyId: 'id', Arn: 'arn', CreationDate: 0, CurrentKeyMaterialId: 'material' },
      {
        AWSAccountId: ACCOUNT,
        KeyId: 'id',
        Arn: 'arn',
        CreationDate: 0,
        Enabled: true,
        Description: 'lab key',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
        CurrentKeyMaterialId: 'material',
      },
    );
    assert.equal(metadata.Arn, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${metadata.KeyId}`);
    assert.ok(Math.abs(metadata.CreationDate - Date.now() / 1000) < 60);
    const policy = await f.kms(f.admin, 'GetKeyPolicy', { KeyId: metadata.KeyId, PolicyName: 'default' });
    assert.deepEqual(policy, { Policy: DEFAULT_POLICY, PolicyName: 'default' });
  });

  test('DescribeKey finds a key by id, ARN, alias name and alias ARN', async () => {
    const key = await newKey();
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/describe-me', TargetKeyId: key.KeyId });
    for (const ref of [key.KeyId, key.Arn, 'alias/describe-me', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/describe-me`]) {
      const described = await f.kms(f.admin, 'DescribeKey', { KeyId: ref });
      assert.equal(described.KeyMetadata.Arn, key.Arn, ref);
    }
  });

  test('DescribeKey of a missing key, alias or malformed id fails with NotFoundException', async () => {
    const missing = '0bad0bad-0000-4000-8000-000000000000';
    let error = await awsError(f.kms(f.admin, 'DescribeKey', { KeyId: missing }));
    assert.equal(error.code, 'NotFoundException');
    assert.equal(error.message, `Key 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${missing}' does not exist`);
    error = await awsError(f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/nope' }));
    assert.equal(error.code, 'NotFoundException');
    assert.equal(error.message, `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/nope is not found.`);
    error = await awsError(f.kms(f.admin, 'DescribeKey', { KeyId: 'not-a-key' }));
    assert.equal(error.code, 'NotFoundException');
    error = await awsError(f.kms(f.admin, 'DescribeKey', {}));
    assert.equal(error.code, 'ValidationException');
    assert.match(error.message, /Value null at 'keyId' failed to satisfy constraint: Member must not be null/);
  });

  test('DescribeKey of alias/aws/dynamodb creates the AWS managed key with its fixed policy', async () => {
    const described = await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/aws/dynamodb' });
    assert.equal(described.KeyMetadata.KeyManager, 'AWS');
    const again = await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/aws/dynamodb' });
    assert.equal(again.KeyMetadata.KeyId, described.KeyMetadata.KeyId, 'created only once');
    const policy = JSON.parse((await f.kms(f.admin, 'GetKeyPolicy', { KeyId: described.KeyMetadata.KeyId })).Policy);
    const viaDynamo = policy.Statement[0];
    assert.deepEqual(viaDynamo.Principal, { AWS: '*' });
    assert.deepEqual(viaDynamo.Condition.StringEquals, { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' });
    const aliases = await f.kms(f.admin, 'ListAliases', { KeyId: described.KeyMetadata.KeyId });
    assert.deepEqual(aliases.Aliases.map((a: any) => [a.AliasName, a.TargetKeyId]), [['alias/aws/dynamodb', described.KeyMetadata.KeyId]]);
  });

  test('CreateKey keeps Description and Tags, and refuses what the sandbox cannot do', async () => {
    const key = await newKey({ Description: 'tagged', Tags: [{ TagKey: 'team', TagValue: 'lab' }] });
    const tags = await f.kms(f.admin, 'ListResourceTags', { KeyId: key.KeyId });
    assert.deepEqual(tags, { Tags: [{ TagKey: 'team', TagValue: 'lab' }], Truncated: false });
    assert.equal((await awsError(f.kms(f.admin, 'CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).code, 'UnsupportedOperationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateKey', { KeySpec: 'NOPE' }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateKey', { Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] }))).code, 'TagException');
  });

  test('ListKeys pages with Limit and Marker', async () => {
    const created = [await newKey(), await newKey(), await newKey()];
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const pageOfKeys = await f.kms(f.admin, 'ListKeys', { Limit: 2, ...(marker ? { Marker: marker } : {}) });
      assert.ok(pageOfKeys.Keys.length <= 2);
      for (const key of pageOfKeys.Keys) {
        assert.equal(key.KeyArn, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${key.KeyId}`);
        seen.push(key.KeyId);
      }
      marker = pageOfKeys.Truncated ? pageOfKeys.NextMarker : undefined;
    } while (marker);
    for (const key of created) assert.ok(seen.includes(key.KeyId));
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await awsError(f.kms(f.admin, 'ListKeys', { Marker: 'garbage' }))).code, 'InvalidMarkerException');
  });
});

describe('key policies', () => {
  const adminArn = `arn:aws:iam::${ACCOUNT}:user/admin`;
  const policyFor = (principal: unknown, action: unknown = 'kms:*') =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Only this', Effect: 'Allow', Principal: principal, Action: action, Resource: '*' }] });

  test('PutKeyPolicy stores the text as given; GetKeyPolicy returns it', async () => {
    const key = await newKey();
    const text = policyFor({ AWS: adminArn });
    assert.deepEqual(await f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.Arn, PolicyName: 'default', Policy: text }), {});
    assert.equal((await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId })).Policy, text);
    assert.deepEqual(await f.kms(f.admin, 'ListKeyPolicies', { KeyId: key.KeyId }), { PolicyNames: ['default'], Truncated: false });
  });

  test('Get/PutKeyPolicy take a key id or ARN, never an alias', async () => {
    const key = await newKey();
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/policy-by-alias', TargetKeyId: key.KeyId });
    assert.equal((await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: 'alias/policy-by-alias', Policy: policyFor({ AWS: adminArn }) }))).code, 'NotFoundException');
    assert.equal((await awsError(f.kms(f.admin, 'GetKeyPolicy', { KeyId: 'alias/policy-by-alias' }))).code, 'NotFoundException');
    assert.equal((await awsError(f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId, PolicyName: 'other' }))).code, 'NotFoundException');
  });

  test('the lockout safety check refuses a policy the caller could not change later, unless bypassed', async () => {
    const key = await newKey();
    const lockout = policyFor({ AWS: adminArn }, 'kms:Decrypt');
    const error = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: lockout }));
    assert.equal(error.code, 'MalformedPolicyDocumentException');
    assert.equal(error.message, 'The new key policy will not allow you to update the key policy in the future.');
    const createError = await awsError(f.kms(f.admin, 'CreateKey', { Policy: lockout }));
    assert.equal(createError.message, 'The new key policy will not allow you to update the key policy in the future.');
    await f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true });
    const denied = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: policyFor({ AWS: adminArn }) }));
    assert.equal(denied.code, 'AccessDeniedException', 'the bypass really locked the admin out');
  });

  test('the root statement lets IAM policies count: it passes the lockout check for an IAM administrator', async () => {
    const text = policyFor({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    const key = (await f.kms(f.admin, 'CreateKey', { Policy: text })).KeyMetadata;
    assert.equal((await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId })).Policy, text);
  });

  test('unknown principals, malformed JSON and oversize policies are refused', async () => {
    const key = await newKey();
    const unknown = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ghost` }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    let error = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: unknown }));
    assert.equal(error.code, 'MalformedPolicyDocumentException');
    assert.equal(error.message, 'Policy contains a statement with one or more invalid principals.');
    error = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: policyFor({ AWS: 'not an arn' }) }));
    assert.equal(error.message, 'Policy contains a statement with one or more invalid principals.');
    error = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: '{"Version": "2012-10-17", ' }));
    assert.equal(error.code, 'MalformedPolicyDocumentException');
    const padding = 'x'.repeat(32768);
    const oversize = JSON.stringify({ Version: '2012-10-17', Id: padding, Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    error = await awsError(f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: oversize }));
    assert.equal(error.code, 'ValidationException');
    assert.match(error.message, /32768/);
    assert.equal((await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId })).Policy, DEFAULT_POLICY, 'nothing was stored');
  });

  test('a named existing user and a service principal are valid principals', async () => {
    f.directory.addUser('keyuser', [inlinePolicy('none', { Effect: 'Deny', Action: 's3:*', Resource: '*' })]);
    const key = await newKey();
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/keyuser`] }, Action: ['kms:Decrypt'], Resource: '*' },
        { Sid: 'Service', Effect: 'Allow', Principal: { Service: 'dynamodb.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*' },
      ],
    });
    await f.kms(f.admin, 'PutKeyPolicy', { KeyId: key.KeyId, Policy: text });
  });
});

describe('key states', () => {
  test('DisableKey and EnableKey switch KeyState; a disabled key refuses Encrypt with DisabledException', async () => {
    const key = await newKey();
    await f.kms(f.admin, 'DisableKey', { KeyId: key.KeyId });
    let metadata = (await f.kms(f.admin, 'DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
    assert.equal(metadata.KeyState, 'Disabled');
    assert.equal(metadata.Enabled, false);
    const error = await awsError(f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }));
    assert.equal(error.code, 'DisabledException');
    assert.equal(error.message, `${key.Arn} is disabled.`);
    await f.kms(f.admin, 'EnableKey', { KeyId: key.KeyId });
    metadata = (await f.kms(f.admin, 'DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
    assert.equal(metadata.KeyState, 'Enabled');
    await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') });
  });

  test('ScheduleKeyDeletion takes 7–30 days (default 30); CancelKeyDeletion leaves the key Disabled', async () => {
    const key = await newKey();
    for (const days of [6, 31]) {
      const error = await awsError(f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: days }));
      assert.equal(error.code, 'ValidationException');
      assert.match(error.message, /pendingWindowInDays/);
    }
    const before = Date.now();
    const scheduled = await f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: key.KeyId });
    assert.equal(scheduled.KeyId, key.Arn);
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(scheduled.PendingWindowInDays, 30);
    assert.ok(Math.abs(scheduled.DeletionDate - (before / 1000 + 30 * 86400)) < 60);
    const metadata = (await f.kms(f.admin, 'DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
    assert.equal(metadata.KeyState, 'PendingDeletion');
    assert.equal(metadata.DeletionDate, scheduled.DeletionDate);

    let error = await awsError(f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') }));
    assert.equal(error.code, 'KMSInvalidStateException');
    assert.equal(error.message, `${key.Arn} is pending deletion.`);
    error = await awsError(f.kms(f.admin, 'EnableKey', { KeyId: key.KeyId }));
    assert.equal(error.code, 'KMSInvalidStateException');
    error = await awsError(f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal(error.code, 'KMSInvalidStateException');
    // Metadata operations work in every state.
    await f.kms(f.admin, 'GetKeyPolicy', { KeyId: key.KeyId });
    await f.kms(f.admin, 'ListKeyPolicies', { KeyId: key.KeyId });
    await f.kms(f.admin, 'ListGrants', { KeyId: key.KeyId });

    assert.deepEqual(await f.kms(f.admin, 'CancelKeyDeletion', { KeyId: key.KeyId }), { KeyId: key.Arn });
    const cancelled = (await f.kms(f.admin, 'DescribeKey', { KeyId: key.KeyId })).KeyMetadata;
    assert.equal(cancelled.KeyState, 'Disabled');
    assert.equal(cancelled.DeletionDate, undefined);
    error = await awsError(f.kms(f.admin, 'CancelKeyDeletion', { KeyId: key.KeyId }));
    assert.equal(error.code, 'KMSInvalidStateException');
    assert.equal(error.message, `${key.Arn} is not pending deletion.`);
  });

  test('a key whose waiting period is over is gone', async () => {
    const key = await newKey();
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: key.KeyId });
    await f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    const later = new Date(Date.now() + 8 * 86_400_000);
    const error = await awsError(f.kms(f.admin, 'DescribeKey', { KeyId: key.KeyId }, later));
    assert.equal(error.code, 'NotFoundException');
    const keys = await f.kms(f.admin, 'ListKeys', {}, later);
    assert.ok(!keys.Keys.some((k: any) => k.KeyId === key.KeyId));
    const aliases = await f.kms(f.admin, 'ListAliases', {}, later);
    assert.ok(!aliases.Aliases.some((a: any) => a.AliasName === 'alias/doomed'));
  });

  test('key rotation: enable with a period, status, disable; a disabled key refuses it', async () => {
    const key = await newKey();
    assert.deepEqual(await f.kms(f.admin, 'GetKeyRotationStatus', { KeyId: key.KeyId }), { KeyId: key.Arn, KeyRotationEnabled: false });
    await f.kms(f.admin, 'EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 180 });
    const status = await f.kms(f.admin, 'GetKeyRotationStatus', { KeyId: key.KeyId });
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 180);
    assert.ok(status.NextRotationDate > Date.now() / 1000 + 179 * 86400);
    assert.equal((await awsError(f.kms(f.admin, 'EnableKeyRotation', { KeyId: key.KeyId, RotationPeriodInDays: 30 }))).code, 'ValidationException');
    await f.kms(f.admin, 'DisableKeyRotation', { KeyId: key.KeyId });
    assert.equal((await f.kms(f.admin, 'GetKeyRotationStatus', { KeyId: key.KeyId })).KeyRotationEnabled, false);
    await f.kms(f.admin, 'DisableKey', { KeyId: key.KeyId });
    assert.equal((await awsError(f.kms(f.admin, 'EnableKeyRotation', { KeyId: key.KeyId }))).code, 'DisabledException');
  });
});

describe('persistence', () => {
  test('keys, policies, states and material survive a restart; the state file is 0600', async () => {
    const key = await newKey({ Description: 'durable' });
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/durable', TargetKeyId: key.KeyId });
    const blob = (await f.kms(f.admin, 'Encrypt', { KeyId: 'alias/durable', Plaintext: b64('kept') })).CiphertextBlob;
    await f.kms(f.admin, 'DisableKey', { KeyId: key.KeyId });
    await f.reopen();
    const metadata = (await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/durable' })).KeyMetadata;
    assert.equal(metadata.Description, 'durable');
    assert.equal(metadata.KeyState, 'Disabled');
    await f.kms(f.admin, 'EnableKey', { KeyId: key.KeyId });
    const plain = await f.kms(f.admin, 'Decrypt', { CiphertextBlob: blob });
    assert.equal(Buffer.from(plain.Plaintext, 'base64').toString(), 'kept');
    if (process.platform !== 'win32') {
      assert.equal((await stat(path.join(f.dataDir, 'kms.json'))).mode & 0o777, 0o600);
      assert.equal((await stat(f.dataDir)).mode & 0o777, 0o700);
    }
  });
});

describe('unknown input', () => {
  test('an unknown operation is UnknownOperationException', async () => {
    assert.equal((await awsError(f.kms(f.admin, 'MakeCoffee', {}))).code, 'UnknownOperationException');
  });
});
