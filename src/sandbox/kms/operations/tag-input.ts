// Tags as KMS accepts them: TagKey 1–128 and TagValue 0–256 characters (ValidationException, every violation
// listed), then at most 50 tags, no aws: prefix and no key twice (TagException).
import { kmsError } from '../errors';
import type { Input } from '../input';
import type { Tag } from '../model';

export const MAX_TAGS_PER_KEY = 50;

function lengthViolations(tag: Tag, position: number): string[] {
  const at = `tags.${position}.member`;
  const found: string[] = [];
  if (tag.TagKey.length < 1) found.push(`Value '${tag.TagKey}' at '${at}.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (tag.TagKey.length > 128) found.push(`Value '${tag.TagKey}' at '${at}.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`);
  if (tag.TagValue.length > 256) found.push(`Value '${tag.TagValue}' at '${at}.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`);
  return found;
}

export function readTags(input: Input, member = 'Tags'): Tag[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw kmsError.validation(`1 validation error detected: Value at '${member.toLowerCase()}' failed to satisfy constraint: Member must be a list`);
  const tags = value.map((entry) => {
    const tag = entry as Partial<Tag> | null;
    if (!tag || typeof tag.TagKey !== 'string' || typeof tag.TagValue !== 'string') {
      throw kmsError.validation('1 validation error detected: Each tag must have a TagKey and a TagValue');
    }
    return { TagKey: tag.TagKey, TagValue: tag.TagValue };
  });
  const violations = tags.flatMap((tag, index) => lengthViolations(tag, index + 1));
  if (violations.length > 0) {
    throw kmsError.validation(`${violations.length} validation error${violations.length > 1 ? 's' : ''} detected: ${violations.join('; ')}`);
  }
  if (tags.length > MAX_TAGS_PER_KEY) throw kmsError.tag('Too many tags');
  if (tags.some((tag) => tag.TagKey.toLowerCase().startsWith('aws:'))) throw kmsError.tag('Tags beginning with aws: are reserved');
  if (new Set(tags.map((tag) => tag.TagKey)).size < tags.length) throw kmsError.tag('Duplicate tag keys');
  return tags;
}

/** Later tags replace earlier ones with the same key; a key holds at most 50 tags. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((tag) => [tag.TagKey, tag.TagValue]));
  for (const tag of added) byKey.set(tag.TagKey, tag.TagValue);
  if (byKey.size > MAX_TAGS_PER_KEY) throw kmsError.tag('Too many tags');
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function tagConditions(tags: Tag[]): Record<string, string | string[]> {
  const conditions: Record<string, string | string[]> = {};
  for (const tag of tags) conditions[`aws:RequestTag/${tag.TagKey}`] = tag.TagValue;
  if (tags.length > 0) conditions['aws:TagKeys'] = tags.map((tag) => tag.TagKey);
  return conditions;
}
