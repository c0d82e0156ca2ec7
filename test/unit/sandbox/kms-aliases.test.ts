// KMS aliases and tags in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT, type ServicesFixture, awsError, openServices } from './lab-fixtures';

let f: ServicesFixture;
let first: { KeyId: string; Arn: string };
let second: { KeyId: string; Arn: string };
before(async () => {
  f = await openServices();
  first = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
  second = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
});
after(() => f.close());

describe('aliases', () => {
  test('CreateAlias, UpdateAlias, DeleteAlias, and ListAliases with and without KeyId', async () => {
    assert.deepEqual(await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/kms-lab', TargetKeyId: first.Arn }), {});
    let listed = await f.kms(f.admin, 'ListAliases', { KeyId: first.KeyId });
    assert.equal(listed.Aliases.length, 1);
    const alias = listed.Aliases[0];
    assert.equal(alias.AliasName, 'alias/kms-lab');
    assert.equal(alias.AliasArn, `arn:aws:kms:us-east-1:${ACCOUNT}:alias/kms-lab`);
    assert.equal(alias.TargetKeyId, first.KeyId);
    assert.equal(typeof alias.CreationDate, 'number');
    assert.equal(listed.Truncated, false);

    await f.kms(f.admin, 'UpdateAlias', { AliasName: 'alias/kms-lab', TargetKeyId: second.KeyId });
    assert.equal((await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/kms-lab' })).KeyMetadata.KeyId, second.KeyId);
    assert.equal((await f.kms(f.admin, 'ListAliases', { KeyId: first.KeyId })).Aliases.length, 0);

    await f.kms(f.admin, 'DeleteAlias', { AliasName: 'alias/kms-lab' });
    listed = await f.kms(f.admin, 'ListAliases', {});
    assert.ok(!listed.Aliases.some((a: any) => a.AliasName === 'alias/kms-lab'));
    const error = await awsError(f.kms(f.admin, 'DeleteAlias', { AliasName: 'alias/kms-lab' }));
    assert.equal(error.code, 'NotFoundException');
    assert.equal(error.message, `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/kms-lab is not found.`);
  });

  test('alias names: alias/ prefix, allowed characters, aws/ reserved, unique', async () => {
    assert.equal((await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'kms-lab', TargetKeyId: first.KeyId }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/bad name!', TargetKeyId: first.KeyId }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/aws/mine', TargetKeyId: first.KeyId }))).code, 'NotAuthorizedException');
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/taken', TargetKeyId: first.KeyId });
    const error = await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/taken', TargetKeyId: second.KeyId }));
    assert.equal(error.code, 'AlreadyExistsException');
    assert.equal(error.message, `An alias with the name arn:aws:kms:us-east-1:${ACCOUNT}:alias/taken already exists`);
    assert.equal((await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/chained', TargetKeyId: 'alias/taken' }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'UpdateAlias', { AliasName: 'alias/missing', TargetKeyId: first.KeyId }))).code, 'NotFoundException');
  });

  test('ListAliases pages', async () => {
    for (let i = 0; i < 5; i++) await f.kms(f.admin, 'CreateAlias', { AliasName: `alias/page-${i}`, TargetKeyId: second.KeyId });
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const listed = await f.kms(f.admin, 'ListAliases', { KeyId: second.KeyId, Limit: 2, ...(marker ? { Marker: marker } : {}) });
      names.push(...listed.Aliases.map((a: any) => a.AliasName));
      marker = listed.Truncated ? listed.NextMarker : undefined;
    } while (marker);
    assert.deepEqual(names, ['alias/page-0', 'alias/page-1', 'alias/page-2', 'alias/page-3', 'alias/page-4']);
  });

  test('management operations take a key id or ARN; DescribeKey and cryptography also take an alias', async () => {
    await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/by-name', TargetKeyId: first.KeyId });
    for (const operation of ['DisableKey', 'EnableKey', 'GetKeyRotationStatus', 'ListResourceTags', 'ListGrants', 'GetKeyPolicy']) {
      const error = await awsError(f.kms(f.admin, operation, { KeyId: 'alias/by-name' }));
      assert.equal(error.code, 'NotFoundException', operation);
      assert.equal(error.message, "Invalid keyId 'alias/by-name'", operation);
    }
    await f.kms(f.admin, 'DescribeKey', { KeyId: 'alias/by-name' });
    await f.kms(f.admin, 'GenerateDataKey', { KeyId: 'alias/by-name', KeySpec: 'AES_256' });
  });

  test('an alias cannot point at a key pending deletion', async () => {
    const doomed = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
    await f.kms(f.admin, 'ScheduleKeyDeletion', { KeyId: doomed.KeyId, PendingWindowInDays: 7 });
    assert.equal((await awsError(f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/to-doomed', TargetKeyId: doomed.KeyId }))).code, 'KMSInvalidStateException');
  });
});

describe('tags', () => {
  test('TagResource merges, UntagResource removes, ListResourceTags lists', async () => {
    await f.kms(f.admin, 'TagResource', { KeyId: first.KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }] });
    await f.kms(f.admin, 'TagResource', { KeyId: first.KeyId, Tags: [{ TagKey: 'a', TagValue: 'one' }] });
    assert.deepEqual((await f.kms(f.admin, 'ListResourceTags', { KeyId: first.KeyId })).Tags, [
      { TagKey: 'a', TagValue: 'one' },
      { TagKey: 'b', TagValue: '2' },
    ]);
    await f.kms(f.admin, 'UntagResource', { KeyId: first.KeyId, TagKeys: ['a'] });
    assert.deepEqual((await f.kms(f.admin, 'ListResourceTags', { KeyId: first.KeyId })).Tags, [{ TagKey: 'b', TagValue: '2' }]);
    assert.equal((await awsError(f.kms(f.admin, 'TagResource', { KeyId: first.KeyId, Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] }))).code, 'TagException');
    assert.equal((await awsError(f.kms(f.admin, 'TagResource', { KeyId: first.KeyId }))).code, 'ValidationException');
  });
});
