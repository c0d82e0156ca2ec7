import { randomUUID } from 'node:crypto';

/** AWS request ids are UUIDs; clients show them in error messages and logs. */
export function newRequestId(): string {
  return randomUUID();
}
