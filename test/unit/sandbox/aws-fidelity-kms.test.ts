// KMS answers as real AWS gave them (recorded answers of AWS-validated tests): key material ids, on-demand
// rotation and its quota, UpdateKeyDescription, tag rules, error codes and messages, and RetireGrant by token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IAMClient } from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import { KMSClient } from '@aws-sdk/client-kms';
import { jsonRequest, sendSigned } from './helpers/raw-request';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';

let sb: TestSandbox;
let admin: KMSClient;

const kmsAs = (credentials: Credentials) => new KMSClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

async function newKey(input: kms.CreateKeyCommandInput = {}): Promise<kms.KeyMetadata> {
  return (await admin.send(new kms.CreateKeyCommand(input))).KeyMetadata!;
}

/** The error a call fails with: its code, HTTP status and message. */
async function failure(call: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await call;
  } catch (error: any) {
    return { code: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }
  assert.fail('the call succeeded');
}

const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ TagKey: `key${i}`, TagValue: `value${i}` }));

before(async () => {
  sb = await startTestSandbox();
  admin = kmsAs(sb.credentials);
});
after(() => sb.stop());

describe('key material ids and on-demand rotation', () => {
  test('DescribeKey names the current key material; RotateKeyOnDemand answers the key ARN and changes it', async () => {
    const key = await newKey({ Description: 'test-key' });
    assert.match(key.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    const rotated = await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.equal(rotated.KeyId, key.Arn);
    const after = (await admin.send(new kms.DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.match(after.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.notEqual(after.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
  });

  test('old ciphertext still decrypts, naming the material that sealed it; new ciphertext uses the new material', async () => {
    const key = await newKey();
    const before = await admin.send(new kms.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('kept') }));
    await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const current = (await admin.send(new kms.DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId;
    const old = await admin.send(new kms.DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: before.CiphertextBlob }));
    assert.equal(Buffer.from(old.Plaintext!).toString(), 'kept');
    assert.equal(old.KeyMaterialId, key.CurrentKeyMaterialId);
    const fresh = await admin.send(new kms.GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    assert.equal(fresh.KeyMaterialId, current);
    const again = await admin.send(
      new kms.ReEncryptCommand({ CiphertextBlob: before.CiphertextBlob, DestinationKeyId: key.KeyId }),
    );
    assert.deepEqual([again.SourceKeyMaterialId, again.DestinationKeyMaterialId], [key.CurrentKeyMaterialId, current]);
  });

  test('ListKeyRotations lists on-demand rotations; ALL_KEY_MATERIAL adds the first material', async () => {
    const key = await newKey();
    assert.deepEqual((await admin.send(new kms.ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations, []);
    await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: key.Arn }));
    const current = (await admin.send(new kms.DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId;
    const listed = await admin.send(new kms.ListKeyRotationsCommand({ KeyId: key.KeyId }));
    assert.equal(listed.Truncated, false);
    assert.equal(listed.Rotations!.length, 1);
    const [rotation] = listed.Rotations!;
    assert.deepEqual([rotation.KeyId, rotation.KeyMaterialId, rotation.KeyMaterialState, rotation.RotationType], [key.KeyId, current, 'CURRENT', 'ON_DEMAND']);
    assert.ok(Math.abs(rotation.RotationDate!.getTime() - Date.now()) < 60_000);
    const all = await admin.send(new kms.ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
    assert.deepEqual(
      all.Rotations!.map((entry) => [entry.KeyMaterialId, entry.KeyMaterialState, entry.RotationType]),
      [
        [key.CurrentKeyMaterialId, 'NON_CURRENT', undefined],
        [current, 'CURRENT', 'ON_DEMAND'],
      ],
    );
  });

  test('on-demand rotation leaves the automatic schedule as it was', async () => {
    const manual = await newKey();
    await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: manual.KeyId }));
    const off = await admin.send(new kms.GetKeyRotationStatusCommand({ KeyId: manual.KeyId }));
    assert.deepEqual([off.KeyRotationEnabled, off.NextRotationDate, off.OnDemandRotationStartDate], [false, undefined, undefined]);

    const automatic = await newKey();
    await admin.send(new kms.EnableKeyRotationCommand({ KeyId: automatic.KeyId }));
    const before = await admin.send(new kms.GetKeyRotationStatusCommand({ KeyId: automatic.KeyId }));
    await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: automatic.KeyId }));
    const after = await admin.send(new kms.GetKeyRotationStatusCommand({ KeyId: automatic.KeyId }));
    assert.deepEqual([after.KeyRotationEnabled, after.RotationPeriodInDays, after.NextRotationDate], [true, 365, before.NextRotationDate]);
    assert.equal(after.OnDemandRotationStartDate, undefined);
  });

  test('a key rotates on demand at most 25 times, then LimitExceededException names it', async () => {
    const key = await newKey();
    for (let i = 0; i < 25; i++) await admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.deepEqual(await failure(admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: key.KeyId }))), {
      code: 'LimitExceededException',
      status: 400,
      message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`,
    });
  });

  test('rotating a key that does not exist, a disabled key or an AWS managed key fails', async () => {
    const missing = '1234abcd-12ab-34cd-56ef-1234567890ab';
    assert.deepEqual(await failure(admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: missing }))), {
      code: 'NotFoundException',
      status: 400,
      message: `Key 'arn:aws:kms:${sb.region}:${sb.accountId}:key/${missing}' does not exist`,
    });
    const disabled = await newKey();
    await admin.send(new kms.DisableKeyCommand({ KeyId: disabled.KeyId }));
    assert.equal((await failure(admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: disabled.KeyId })))).code, 'DisabledException');
    const managed = (await admin.send(new kms.DescribeKeyCommand({ KeyId: 'alias/aws/dynamodb' }))).KeyMetadata!;
    assert.equal(managed.Description, 'Default key that protects my DynamoDB data when no other key is defined');
    assert.equal((await failure(admin.send(new kms.RotateKeyOnDemandCommand({ KeyId: managed.KeyId })))).code, 'AccessDeniedException');
  });
});

describe('UpdateKeyDescription', () => {
  test('changes the description DescribeKey returns; a key pending deletion refuses it', async () => {
    const key = await newKey({ Description: 'before' });
    await admin.send(new kms.UpdateKeyDescriptionCommand({ KeyId: key.Arn, Description: 'after' }));
    assert.equal((await admin.send(new kms.DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.Description, 'after');
    await admin.send(new kms.ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal((await failure(admin.send(new kms.UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'late' })))).code, 'KMSInvalidStateException');
  });
});

describe('tags', () => {
  test('more than 50 tags, a key given twice, or an aws: prefix in any case are TagException', async () => {
    assert.deepEqual(await failure(newKey({ Tags: tags(51) })), { code: 'TagException', status: 400, message: 'Too many tags' });
    const key = await newKey({ Tags: tags(50) });
    assert.equal((await admin.send(new kms.ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags!.length, 50);
    assert.deepEqual(await failure(admin.send(new kms.TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'one-more', TagValue: 'v' }] }))), {
      code: 'TagException',
      status: 400,
      message: 'Too many tags',
    });
    const twice = [{ TagKey: 'tag1', TagValue: 'value1' }, { TagKey: 'tag1', TagValue: 'another-value1' }];
    assert.deepEqual(await failure(admin.send(new kms.TagResourceCommand({ KeyId: key.KeyId, Tags: twice }))), {
      code: 'TagException',
      status: 400,
      message: 'Duplicate tag keys',
    });
    for (const reserved of ['aws:key1', 'AWS:key1']) {
      assert.deepEqual(await failure(newKey({ Tags: [{ TagKey: reserved, TagValue: 'v' }] })), {
        code: 'TagException',
        status: 400,
        message: 'Tags beginning with aws: are reserved',
      });
    }
  });

  test('an over-long tag key or value is a ValidationException naming the member', async () => {
    const longKey = 'a'.repeat(129);
    assert.deepEqual(await failure(newKey({ Tags: [{ TagKey: longKey, TagValue: 'v' }] })), {
      code: 'ValidationException',
      status: 400,
      message: `1 validation error detected: Value '${longKey}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
    });
    const longValue = 'v'.repeat(257);
    assert.deepEqual(await failure(newKey({ Tags: [{ TagKey: 'ok', TagValue: 'v' }, { TagKey: 'tag1', TagValue: longValue }] })), {
      code: 'ValidationException',
      status: 400,
      message: `1 validation error detected: Value '${longValue}' at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    });
  });
});

describe('errors', () => {
  test('a malformed key id is quoted; a well-formed multi-Region key id that does not exist is NotFoundException for its ARN', async () => {
    for (const id of ['fake-key-id', '134f2428cec14b25a1ae9048164dba47', 'mrk-fake-key-id']) {
      assert.deepEqual(await failure(admin.send(new kms.DescribeKeyCommand({ KeyId: id }))), { code: 'NotFoundException', status: 400, message: `Invalid keyId '${id}'` });
    }
    const mrk = 'mrk-d3b95762d3b95762d3b95762d3b95762';
    assert.deepEqual(await failure(admin.send(new kms.DescribeKeyCommand({ KeyId: mrk }))), {
      code: 'NotFoundException',
      status: 400,
      message: `Key 'arn:aws:kms:${sb.region}:${sb.accountId}:key/${mrk}' does not exist`,
    });
  });

  test('InvalidCiphertextException carries no message member', async () => {
    const key = await newKey();
    const sealed = await admin.send(new kms.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { purpose: 'test' } }));
    const raw = await sendSigned(
      sb.endpoint,
      jsonRequest('TrentService.Decrypt', { CiphertextBlob: Buffer.from(sealed.CiphertextBlob!).toString('base64') }, '1.1'),
      { service: 'kms', region: sb.region, credentials: sb.credentials },
    );
    assert.equal(raw.status, 400);
    assert.deepEqual(JSON.parse(raw.body), { __type: 'InvalidCiphertextException' });
  });

  test('an alias name without alias/ and GenerateRandom without NumberOfBytes are ValidationException in AWS words', async () => {
    const key = await newKey();
    assert.deepEqual(await failure(admin.send(new kms.CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: key.KeyId }))), {
      code: 'ValidationException',
      status: 400,
      message: 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    });
    assert.deepEqual(await failure(admin.send(new kms.GenerateRandomCommand({}))), { code: 'ValidationException', status: 400, message: 'NumberOfBytes is required.' });
  });
});

describe('RetireGrant with the grant token', () => {
  test('a grantee whose IAM policies allow kms:RetireGrant retires it; one without that permission may not', async () => {
    const iam = new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 });
    const adminArn = `arn:aws:iam::${sb.accountId}:user/admin`;
    const key = await newKey();
    const grant = await admin.send(new kms.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: adminArn, Operations: ['Decrypt', 'Encrypt'] }));
    await admin.send(new kms.RetireGrantCommand({ GrantToken: grant.GrantToken }));
    assert.deepEqual((await admin.send(new kms.ListGrantsCommand({ KeyId: key.KeyId }))).Grants, []);

    const bystander = await createUserWithKey(iam, 'grant-bystander');
    const bystanderArn = `arn:aws:iam::${sb.accountId}:user/grant-bystander`;
    const theirs = await admin.send(new kms.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: bystanderArn, Operations: ['Decrypt'] }));
    assert.equal((await failure(kmsAs(bystander).send(new kms.RetireGrantCommand({ GrantToken: theirs.GrantToken })))).code, 'AccessDeniedException');
    const retiring = await admin.send(
      new kms.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: adminArn, RetiringPrincipal: bystanderArn, Operations: ['Decrypt'] }),
    );
    await kmsAs(bystander).send(new kms.RetireGrantCommand({ GrantToken: retiring.GrantToken }));
    const left = (await admin.send(new kms.ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.map((entry) => entry.GrantId);
    assert.deepEqual(left, [theirs.GrantId]);
  });
});
