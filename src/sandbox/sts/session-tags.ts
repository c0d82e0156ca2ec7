// AssumeRole's session tags and TransitiveTagKeys, checked as STS checks them, and what a chained session
// inherits: the calling session's transitive tags, which the new request may not set again.
// (IAM User Guide, "Passing session tags in AWS STS": chaining roles with session tags.)
import { AwsError } from '../contracts';
import type { Tag } from '../iam/model';
import * as p from '../iam/params';
import type { QueryParams } from '../server/query-protocol';

export const MAX_SESSION_TAGS = 50;

const invalidParameter = (message: string) => new AwsError('InvalidParameterValue', message, 400);
const validation = (message: string) => new AwsError('ValidationError', message, 400);

export interface SessionTags {
  tags: Tag[];
  /** Keys (as the request spelled them) whose tags pass on to the sessions this one assumes. */
  transitiveKeys: string[];
}

function constraint(member: string, value: string, rule: string): AwsError {
  return validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);
}

/** The request's Tags and TransitiveTagKeys. */
export function readSessionTags(params: QueryParams): SessionTags {
  const tags = p.memberStructs(params, 'Tags').map((struct, index) => {
    const key = struct['Key'] ?? '';
    const value = struct['Value'] ?? '';
    if (key.length < 1) throw constraint(`tags.${index + 1}.member.key`, key, 'Member must have length greater than or equal to 1');
    if (key.length > 128) throw constraint(`tags.${index + 1}.member.key`, key, 'Member must have length less than or equal to 128');
    if (value.length > 256) throw constraint(`tags.${index + 1}.member.value`, value, 'Member must have length less than or equal to 256');
    return { Key: key, Value: value };
  });
  if (tags.length > MAX_SESSION_TAGS) {
    throw validation(`1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  }
  const lowered = tags.map((tag) => tag.Key.toLowerCase());
  if (new Set(lowered).size < lowered.length) throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  const transitiveKeys = p.memberList(params, 'TransitiveTagKeys');
  if (transitiveKeys.length > MAX_SESSION_TAGS) {
    throw validation(`1 validation error detected: Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  }
  if (transitiveKeys.some((key) => !lowered.includes(key.toLowerCase()))) {
    throw invalidParameter('The specified transitive tag key must be included in the requested tags.');
  }
  return { tags, transitiveKeys };
}

/** The calling session's transitive tags. */
export function transitiveTagsOf(session: { tags?: Tag[]; transitiveTagKeys?: string[] } | undefined): SessionTags {
  const keys = (session?.transitiveTagKeys ?? []).map((key) => key.toLowerCase());
  return { tags: (session?.tags ?? []).filter((tag) => keys.includes(tag.Key.toLowerCase())), transitiveKeys: session?.transitiveTagKeys ?? [] };
}

/** The new session's tags: the inherited transitive ones, then the requested ones, which may not set them again. */
export function chainSessionTags(requested: SessionTags, inherited: SessionTags): SessionTags {
  const taken = new Set(inherited.tags.map((tag) => tag.Key.toLowerCase()));
  if (requested.tags.some((tag) => taken.has(tag.Key.toLowerCase()))) {
    throw invalidParameter("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
  }
  return { tags: [...inherited.tags, ...requested.tags], transitiveKeys: [...inherited.transitiveKeys, ...requested.transitiveKeys] };
}
