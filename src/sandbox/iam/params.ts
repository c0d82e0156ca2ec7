// Reading awsQuery parameters with IAM's validation and its "1 validation error detected" wording.
import type { QueryParams } from '../server/query-protocol';
import { iamError } from './errors';
import type { Tag } from './model';

export const NAME_PATTERN = /^[\w+=,.@-]+$/;
const PATH_PATTERN = /^\/(?:[\u0021-\u007E]*\/)?$/;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function constraintError(param: string, value: string, constraint: string): Error {
  const shown = value.length > 128 ? `${value.slice(0, 128)}…` : value;
  return iamError.validation(`1 validation error detected: Value '${shown}' at '${lowerFirst(param)}' failed to satisfy constraint: ${constraint}`);
}

export function optional(params: QueryParams, name: string): string | undefined {
  return params[name];
}

export function required(params: QueryParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw iamError.validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** An entity or policy name: 1–maxLength characters of [\w+=,.@-]. */
export function name(params: QueryParams, param: string, maxLength = 64): string {
  const value = required(params, param);
  if (value.length > maxLength) throw constraintError(param, value, `Member must have length less than or equal to ${maxLength}`);
  if (!NAME_PATTERN.test(value)) throw constraintError(param, value, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return value;
}

export function optionalName(params: QueryParams, param: string, maxLength = 64): string | undefined {
  return params[param] === undefined ? undefined : name(params, param, maxLength);
}

export function path(params: QueryParams, param = 'Path'): string {
  const value = params[param];
  if (value === undefined) return '/';
  if (value.length > 512) throw constraintError(param, value, 'Member must have length less than or equal to 512');
  if (!PATH_PATTERN.test(value)) {
    throw constraintError(param, value, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)');
  }
  return value;
}

export function integer(params: QueryParams, param: string, min: number, max: number): number | undefined {
  const value = params[param];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) throw iamError.validation(`Invalid value for parameter ${lowerFirst(param)}: ${value}`);
  if (number < min) throw constraintError(param, value, `Member must have value greater than or equal to ${min}`);
  if (number > max) throw constraintError(param, value, `Member must have value less than or equal to ${max}`);
  return number;
}

export function boolean(params: QueryParams, param: string): boolean | undefined {
  const value = params[param];
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw iamError.validation(`Invalid value for parameter ${lowerFirst(param)}: ${value}`);
  return value === 'true';
}

export function oneOf<T extends string>(params: QueryParams, param: string, allowed: readonly T[]): T | undefined {
  const value = params[param];
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw constraintError(param, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

/** `Prefix.member.1`, `Prefix.member.2`, … in order; stops at the first gap. */
export function memberList(params: QueryParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; ; i++) {
    const value = params[`${prefix}.member.${i}`];
    if (value === undefined) return values;
    values.push(value);
  }
}

/**
 * `Prefix.member.N.<field>` structures, e.g. Tags or ContextEntries, in order of N from 1; stops at the first gap.
 * One pass over the parameters, whatever their number. Field names are any text, so each struct has no prototype.
 */
export function memberStructs(params: QueryParams, prefix: string): Record<string, string>[] {
  const head = `${prefix}.member.`;
  const byIndex = new Map<number, Record<string, string>>();
  for (const key of Object.keys(params)) {
    if (!key.startsWith(head)) continue;
    const dot = key.indexOf('.', head.length);
    const index = key.slice(head.length, dot < 0 ? undefined : dot);
    if (dot < 0 || !/^[1-9]\d{0,5}$/.test(index)) continue;
    let struct = byIndex.get(Number(index));
    if (!struct) byIndex.set(Number(index), (struct = Object.create(null) as Record<string, string>));
    struct[key.slice(dot + 1)] = params[key]!;
  }
  const structs: Record<string, string>[] = [];
  for (let i = 1; byIndex.has(i); i++) structs.push(byIndex.get(i)!);
  return structs;
}

export const MAX_TAGS = 50;

export function tags(params: QueryParams, param = 'Tags'): Tag[] {
  const list = memberStructs(params, param).map((struct) => {
    const key = struct['Key'];
    if (key === undefined || key === '') throw iamError.validation(`1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null`);
    if (key.length > 128) throw constraintError('tags.member.key', key, 'Member must have length less than or equal to 128');
    const value = struct['Value'] ?? '';
    if (value.length > 256) throw constraintError('tags.member.value', value, 'Member must have length less than or equal to 256');
    return { Key: key, Value: value };
  });
  if (list.length > MAX_TAGS) throw iamError.limitExceeded(`The number of tags has reached the maximum limit.`);
  const seen = new Set<string>();
  for (const tag of list) {
    const lower = tag.Key.toLowerCase();
    if (seen.has(lower)) throw iamError.invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(lower);
  }
  return list;
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

/** IAM's Marker / MaxItems pagination over an already ordered list. The marker is an opaque offset. */
export function paginate<T>(params: QueryParams, all: T[]): Page<T> {
  const maxItems = integer(params, 'MaxItems', 1, 1000) ?? 100;
  const marker = params['Marker'];
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^\d+$/.test(Buffer.from(marker, 'base64url').toString('utf8')) ? Number(Buffer.from(marker, 'base64url').toString('utf8')) : NaN;
    if (!Number.isSafeInteger(decoded)) throw iamError.validation('Invalid Marker.');
    start = decoded;
  }
  const items = all.slice(start, start + maxItems);
  const next = start + items.length;
  return next < all.length ? { items, isTruncated: true, marker: Buffer.from(String(next)).toString('base64url') } : { items, isTruncated: false };
}
