// CreateKey, DescribeKey, UpdateKeyDescription, ListKeys.
import { checkNewKeyPolicy } from '../policy-checks';
import { kmsError } from '../errors';
import { optionalBoolean, optionalEnum, optionalString, page, pageRequest } from '../input';
import { keyMetadata } from '../key-metadata';
import { requireNotPendingDeletion } from '../key-states';
import { defaultKeyPolicy } from '../../../policy';
import { type KmsCall, authorize, keyFromMember } from './call';
import { readTags, tagConditions } from './tag-input';

const KEY_SPECS = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
] as const;
const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;

export async function createKey(call: KmsCall): Promise<Record<string, unknown>> {
  const { input, ctx, backend } = call;
  const policyText = optionalString(input, 'Policy');
  const description = optionalString(input, 'Description', 8192) ?? '';
  const keySpec = optionalEnum(input, 'KeySpec', KEY_SPECS) ?? optionalEnum(input, 'CustomerMasterKeySpec', KEY_SPECS) ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = optionalEnum(input, 'KeyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
  const origin = optionalEnum(input, 'Origin', ORIGINS) ?? 'AWS_KMS';
  const multiRegion = optionalBoolean(input, 'MultiRegion') ?? false;
  const bypass = optionalBoolean(input, 'BypassPolicyLockoutSafetyCheck') ?? false;
  const tags = readTags(input) ?? [];
  if (optionalString(input, 'CustomKeyStoreId') !== undefined) throw kmsError.unsupported('The sandbox has no custom key stores.');

  authorize(call, 'CreateKey', undefined, {
    resource: '*',
    conditions: {
      'kms:KeySpec': keySpec,
      'kms:KeyUsage': keyUsage,
      'kms:KeyOrigin': origin,
      'kms:MultiRegion': String(multiRegion),
      'kms:BypassPolicyLockoutSafetyCheck': String(bypass),
      ...tagConditions(tags),
    },
  });
  if (keySpec !== 'SYMMETRIC_DEFAULT') throw kmsError.unsupported(`The sandbox supports only SYMMETRIC_DEFAULT keys, not ${keySpec}.`);
  if (keyUsage !== 'ENCRYPT_DECRYPT') throw kmsError.validation(`KeyUsage ${keyUsage} is not compatible with KeySpec SYMMETRIC_DEFAULT`);
  if (origin !== 'AWS_KMS') throw kmsError.unsupported(`The sandbox supports only keys with Origin AWS_KMS, not ${origin}.`);
  if (multiRegion) throw kmsError.unsupported('The sandbox does not support multi-Region keys.');

  const record = backend.newKeyRecord(
    { description, policy: policyText ?? JSON.stringify(defaultKeyPolicy(ctx.accountId)), keyManager: 'CUSTOMER', tags },
    ctx.now,
  );
  if (policyText !== undefined) {
    checkNewKeyPolicy({ text: policyText, keyArn: record.arn, ctx, directory: backend.directory, bypassLockoutCheck: bypass });
  }
  await backend.update((state) => {
    state.keys[record.keyId] = record;
  });
  return { KeyMetadata: keyMetadata(record, ctx.accountId) };
}

export async function describeKey(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call, 'KeyId', { allowAlias: true, createManaged: true });
  authorize(call, 'DescribeKey', key);
  return { KeyMetadata: keyMetadata(key, call.ctx.accountId) };
}

export async function updateKeyDescription(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const description = optionalString(call.input, 'Description', 8192);
  if (description === undefined) {
    throw kmsError.validation("1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
  }
  authorize(call, 'UpdateKeyDescription', key);
  requireNotPendingDeletion(key);
  await call.backend.update((state) => {
    const stored = state.keys[key.keyId];
    if (!stored) throw kmsError.notFoundKey(key.arn);
    stored.description = description;
  });
  return {};
}

export async function listKeys(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  authorize(call, 'ListKeys', undefined, { resource: '*' });
  await call.backend.purgeExpired(call.ctx.now.getTime());
  const keys = Object.values(call.backend.state().keys)
    .sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId))
    .map((key) => ({ KeyId: key.keyId, KeyArn: key.arn }));
  const { items, ...rest } = page(keys, request);
  return { Keys: items, ...rest };
}
