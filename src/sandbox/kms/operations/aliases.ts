// CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
import { ALIAS_NAME, AWS_ALIAS_PREFIX, parseKeyReference } from '../arns';
import { kmsError } from '../errors';
import { page, pageRequest, requiredString, optionalString } from '../input';
import { toEpochSeconds } from '../key-metadata';
import { requireNotPendingDeletion } from '../key-states';
import type { KeyRecord } from '../model';
import { type KmsCall, authorize, keyFromMember } from './call';

function aliasNameFrom(call: KmsCall): string {
  const name = requiredString(call.input, 'AliasName', 256);
  if (!name.startsWith('alias/')) {
    throw kmsError.validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith(AWS_ALIAS_PREFIX)) throw kmsError.notAuthorized();
  if (!ALIAS_NAME.test(name)) {
    throw kmsError.validation(
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$`,
    );
  }
  return name;
}

/** TargetKeyId must name a key, never another alias. */
async function targetKey(call: KmsCall): Promise<KeyRecord> {
  const ref = requiredString(call.input, 'TargetKeyId', 2048);
  if (parseKeyReference(ref, call.backend.scope).kind === 'alias') throw kmsError.validation('Aliases must refer to keys. Not aliases');
  const key = await keyFromMember(call, 'TargetKeyId');
  return key;
}

export async function createAlias(call: KmsCall): Promise<Record<string, unknown>> {
  const aliasName = aliasNameFrom(call);
  const key = await targetKey(call);
  const aliasArn = call.backend.aliasArn(aliasName);
  authorize(call, 'CreateAlias', undefined, { resource: aliasArn });
  authorize(call, 'CreateAlias', key);
  requireNotPendingDeletion(key);
  const now = call.ctx.now.getTime();
  await call.backend.update((state) => {
    if (state.aliases[aliasName]) throw kmsError.alreadyExists(`An alias with the name ${aliasArn} already exists`);
    state.aliases[aliasName] = { aliasName, targetKeyId: key.keyId, createdAt: now, updatedAt: now };
  });
  return {};
}

export async function updateAlias(call: KmsCall): Promise<Record<string, unknown>> {
  const aliasName = aliasNameFrom(call);
  const aliasArn = call.backend.aliasArn(aliasName);
  const current = call.backend.state().aliases[aliasName];
  if (!current) throw kmsError.notFoundAlias(aliasArn);
  const key = await targetKey(call);
  const previous = call.backend.state().keys[current.targetKeyId];
  authorize(call, 'UpdateAlias', undefined, { resource: aliasArn });
  if (previous) authorize(call, 'UpdateAlias', previous);
  authorize(call, 'UpdateAlias', key);
  requireNotPendingDeletion(key);
  await call.backend.update((state) => {
    const stored = state.aliases[aliasName];
    if (!stored) throw kmsError.notFoundAlias(aliasArn);
    stored.targetKeyId = key.keyId;
    stored.updatedAt = call.ctx.now.getTime();
  });
  return {};
}

export async function deleteAlias(call: KmsCall): Promise<Record<string, unknown>> {
  const aliasName = aliasNameFrom(call);
  const aliasArn = call.backend.aliasArn(aliasName);
  const current = call.backend.state().aliases[aliasName];
  if (!current) throw kmsError.notFoundAlias(aliasArn);
  const key = call.backend.state().keys[current.targetKeyId];
  authorize(call, 'DeleteAlias', undefined, { resource: aliasArn });
  if (key) authorize(call, 'DeleteAlias', key);
  await call.backend.update((state) => {
    delete state.aliases[aliasName];
  });
  return {};
}

export async function listAliases(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  const keyRef = optionalString(call.input, 'KeyId', 2048);
  authorize(call, 'ListAliases', undefined, { resource: '*' });
  const key = keyRef === undefined ? undefined : await keyFromMember(call);
  const aliases = Object.values(call.backend.state().aliases)
    .filter((alias) => !key || alias.targetKeyId === key.keyId)
    .filter((alias) => call.backend.state().keys[alias.targetKeyId] !== undefined)
    .sort((a, b) => a.aliasName.localeCompare(b.aliasName))
    .map((alias) => ({
      AliasName: alias.aliasName,
      AliasArn: call.backend.aliasArn(alias.aliasName),
      TargetKeyId: alias.targetKeyId,
      CreationDate: toEpochSeconds(alias.createdAt),
      LastUpdatedDate: toEpochSeconds(alias.updatedAt),
    }));
  const { items, ...rest } = page(aliases, request);
  return { Aliases: items, ...rest };
}
