import { randomBytes, randomUUID } from 'node:crypto';

/** AWS request ids are UUIDs; clients show them in error messages and logs. */
export function newRequestId(): string {
  return randomUUID();
}

/** DynamoDB's request ids: 52 upper-case letters and digits. */
export function newDynamoRequestId(): string {
  return randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0');
}
