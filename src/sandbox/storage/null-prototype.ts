// Records keyed by names that come from requests (IAM entity names, policy names, key ids, encryption-context keys)
// must have no prototype: then `__proto__`, `constructor` or `prototype` are names like any other, a lookup finds
// only what was stored, and no write can reach Object.prototype.

/** Removes the prototype of a record in place (a record read from JSON, or written as a literal). */
export function withoutPrototype<T extends object>(record: T | undefined): T | undefined {
  if (record && typeof record === 'object' && Object.getPrototypeOf(record) !== null) Object.setPrototypeOf(record, null);
  return record;
}

/** Removes the prototype of each named member of a state. */
export function withoutPrototypes<T extends object>(state: T, members: readonly (keyof T)[]): void {
  for (const member of members) withoutPrototype(state[member] as object | undefined);
}

/** An own property's value, or undefined: for records that may still have a prototype. */
export function ownValue<T>(record: Record<string, T> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Sets an own, enumerable member whatever its name (`record.__proto__ = v` would set the prototype instead). */
export function setOwn<T>(record: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
}
