// Readers for KMS request members, failing the way KMS does (ValidationException naming the member).
import { kmsError } from './errors';

export type Input = Record<string, unknown>;

function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function constraint(name: string, value: unknown, rule: string): Error {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return kmsError.validation(`1 validation error detected: Value ${shown} at '${memberName(name)}' failed to satisfy constraint: ${rule}`);
}

function typeError(name: string, expected: string): Error {
  return kmsError.validation(`1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be ${expected}`);
}

export function optionalString(input: Input, name: string, maxLength = Infinity): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(name, 'a string');
  if (value.length > maxLength) throw constraint(name, value, `Member must have length less than or equal to ${maxLength}`);
  return value;
}

export function requiredString(input: Input, name: string, maxLength = Infinity): string {
  const value = optionalString(input, name, maxLength);
  if (value === undefined) throw constraint(name, undefined, 'Member must not be null');
  if (value.length === 0) throw constraint(name, value, 'Member must have length greater than or equal to 1');
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeError(name, 'a boolean');
  return value;
}

export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(name, 'an integer');
  if (value < min) throw constraint(name, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(name, value, `Member must have value less than or equal to ${max}`);
  return value;
}

export function optionalEnum<T extends string>(input: Input, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(input, name);
  if (value === undefined) return undefined;
  if (!values.includes(value as T)) throw constraint(name, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
  return value as T;
}

/** A blob member: base64 text on the wire. */
export function requiredBlob(input: Input, name: string, maxBytes: number): Buffer {
  const value = input[name];
  if (value === undefined || value === null) throw constraint(name, undefined, 'Member must not be null');
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw kmsError.validation(`1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be base64 encoded`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1) throw constraint(name, undefined, 'Member must have length greater than or equal to 1');
  if (bytes.length > maxBytes) {
    throw kmsError.validation(
      `1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must have length less than or equal to ${maxBytes}`,
    );
  }
  return bytes;
}

/** KMS's limit on an encryption context: its keys and values together, in UTF-8. */
export const MAX_ENCRYPTION_CONTEXT_BYTES = 8192;

/**
 * A map of strings (an encryption context, or a grant's constraint on one), at most 8 KB. Its keys are any strings,
 * `__proto__` included, so it has no prototype: read it with Object.keys / Object.entries or own-property lookups.
 */
export function optionalStringMap(input: Input, name: string): Record<string, string> | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(name, 'a map');
  const map: Record<string, string> = Object.create(null);
  let bytes = 0;
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') throw typeError(name, 'a map of strings');
    bytes += Buffer.byteLength(key) + Buffer.byteLength(entry);
    if (bytes > MAX_ENCRYPTION_CONTEXT_BYTES) {
      throw kmsError.validation(
        `1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Map keys and values must have a total length less than or equal to ${MAX_ENCRYPTION_CONTEXT_BYTES} bytes`,
      );
    }
    map[key] = entry;
  }
  return map;
}

export function optionalStringList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) throw typeError(name, 'a list of strings');
  return value as string[];
}

/** Limit and Marker of a KMS list call: Limit 1..1000 (default 100), Marker an opaque offset we issued. */
export function pageRequest(input: Input): { limit: number; offset: number } {
  const limit = optionalInteger(input, 'Limit', 1, 1000) ?? 100;
  const marker = optionalString(input, 'Marker');
  if (marker === undefined) return { limit, offset: 0 };
  const offset = /^\d+$/.test(marker) ? Number(marker) : NaN;
  if (!Number.isSafeInteger(offset)) throw kmsError.invalidMarker();
  return { limit, offset };
}

export function page<T>(items: T[], request: { limit: number; offset: number }): { items: T[]; Truncated: boolean; NextMarker?: string } {
  const end = request.offset + request.limit;
  const slice = items.slice(request.offset, end);
  return end < items.length ? { items: slice, Truncated: true, NextMarker: String(end) } : { items: slice, Truncated: false };
}
