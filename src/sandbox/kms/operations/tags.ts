// TagResource, UntagResource, ListResourceTags.
import { optionalStringList, page, pageRequest } from '../input';
import { requireNotPendingDeletion } from '../key-states';
import { kmsError } from '../errors';
import { type KmsCall, authorize, keyFromMember } from './call';
import { mergeTags, readTags, tagConditions } from './tag-input';

export async function tagResource(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const tags = readTags(call.input);
  if (!tags || tags.length === 0) throw kmsError.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  authorize(call, 'TagResource', key, { conditions: tagConditions(tags) });
  requireNotPendingDeletion(key);
  await call.backend.update((state) => {
    const stored = state.keys[key.keyId];
    if (!stored) throw kmsError.notFoundKey(key.arn);
    stored.tags = mergeTags(stored.tags, tags);
  });
  return {};
}

export async function untagResource(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const tagKeys = optionalStringList(call.input, 'TagKeys');
  if (!tagKeys || tagKeys.length === 0) throw kmsError.validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  authorize(call, 'UntagResource', key, { conditions: { 'aws:TagKeys': tagKeys } });
  requireNotPendingDeletion(key);
  await call.backend.update((state) => {
    const stored = state.keys[key.keyId];
    if (!stored) throw kmsError.notFoundKey(key.arn);
    stored.tags = stored.tags.filter((tag) => !tagKeys.includes(tag.TagKey));
  });
  return {};
}

export async function listResourceTags(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  const key = await keyFromMember(call);
  authorize(call, 'ListResourceTags', key);
  const { items, ...rest } = page(key.tags, request);
  return { Tags: items, ...rest };
}
