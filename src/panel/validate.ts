// The checks every validator of webview messages is built from. The webview is untrusted input: each field is checked
// for its type and size before the host acts on it, and the first wrong field is named.

export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** Policy text larger than this is refused before any work (KMS's own limit is 32 KB; leave room for a draft over it). */
export const MAX_TEXT = 256 * 1024;
const MAX_STRING = 4096;

export type Obj = Record<string, unknown>;

export function fail(path: string, what: string): never {
  throw new InvalidMessageError(`${path}: ${what}`);
}

export function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  return value as Obj;
}

export function string(value: unknown, path: string, max = MAX_STRING): string {
  if (typeof value !== 'string') fail(path, 'expected a string');
  if (value.length > max) fail(path, `longer than ${max} characters`);
  return value;
}

export function optionalString(value: unknown, path: string, max = MAX_STRING): string | undefined {
  return value === undefined ? undefined : string(value, path, max);
}

export function integer(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, `expected an integer from ${min} to ${max}`);
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'expected true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(path, `expected one of ${allowed.join(', ')}`);
  return value as T;
}

export function stringList(value: unknown, path: string, maxItems = 10_000, maxLength = MAX_STRING): string[] {
  if (!Array.isArray(value) || value.length > maxItems) fail(path, `expected a list of at most ${maxItems} strings`);
  return value.map((v, i) => string(v, `${path}[${i}]`, maxLength));
}
