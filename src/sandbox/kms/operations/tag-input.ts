// Tags as KMS accepts them: TagKey 1–128, TagValue 0–256, no aws: prefix.
import { kmsError } from '../errors';
import type { Input } from '../input';
import type { Tag } from '../model';

export function readTags(input: Input, member = 'Tags'): Tag[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw kmsError.validation(`1 validation error detected: Value at '${member.toLowerCase()}' failed to satisfy constraint: Member must be a list`);
  return value.map((entry) => {
    const tag = entry as Partial<Tag> | null;
    if (!tag || typeof tag.TagKey !== 'string' || typeof tag.TagValue !== 'string') {
      throw kmsError.validation('1 validation error detected: Each tag must have a TagKey and a TagValue');
    }
    if (tag.TagKey.length < 1 || tag.TagKey.length > 128) throw kmsError.tag(`Tag key '${tag.TagKey}' must be 1 to 128 characters long.`);
    if (tag.TagValue.length > 256) throw kmsError.tag(`Tag value for key '${tag.TagKey}' must be at most 256 characters long.`);
    if (tag.TagKey.toLowerCase().startsWith('aws:')) throw kmsError.tag('Tags beginning with aws: are reserved.');
    return { TagKey: tag.TagKey, TagValue: tag.TagValue };
  });
}

/** Later tags replace earlier ones with the same key. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((tag) => [tag.TagKey, tag.TagValue]));
  for (const tag of added) byKey.set(tag.TagKey, tag.TagValue);
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function tagConditions(tags: Tag[]): Record<string, string | string[]> {
  const conditions: Record<string, string | string[]> = {};
  for (const tag of tags) conditions[`aws:RequestTag/${tag.TagKey}`] = tag.TagValue;
  if (tags.length > 0) conditions['aws:TagKeys'] = tags.map((tag) => tag.TagKey);
  return conditions;
}
