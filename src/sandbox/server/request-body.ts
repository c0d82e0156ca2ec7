// How much of a request's body the front reads, and when: each service's own limit once the request names a known
// key (with its session token), and at most a small amount before (enough for the checks AWS makes before
// authentication, never enough to fill memory).
import type { IncomingMessage } from 'node:http';
import { claimedAccessKey } from './auth-claim';
import type { CredentialResolver } from './credentials';
import { requestTooLarge, serializationError } from './front-errors';
import type { ErrorFamily } from './protocol';
import { BodyTooLargeError, DYNAMODB_MAX_BODY_BYTES, KMS_MAX_BODY_BYTES, MAX_BODY_BYTES, readBody, type RequestHead } from './received-request';

/** Read before authentication, for AWS's order of checks (a body that is not JSON is named before a missing signature). */
export const PREAUTH_BODY_BYTES = 64 * 1024;

export function bodyLimitOf(family: ErrorFamily): number {
  return family === 'dynamodb' ? DYNAMODB_MAX_BODY_BYTES : family === 'kms' ? KMS_MAX_BODY_BYTES : MAX_BODY_BYTES;
}

export function declaredLength(headers: Record<string, string>): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function hasBody(headers: Record<string, string>): boolean {
  return (declaredLength(headers) ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

/** True when the request names an active key of this sandbox, with the right session token if the key needs one. */
export function presentsKnownKey(head: RequestHead, credentials: CredentialResolver): boolean {
  const id = claimedAccessKey(head);
  const record = id === undefined ? undefined : credentials.resolve(id);
  if (!record || !record.active) return false;
  if (record.sessionToken === undefined) return true;
  const token = Object.hasOwn(head.query, 'X-Amz-Algorithm') ? head.query['X-Amz-Security-Token'] : head.headers['x-amz-security-token'];
  return token === record.sessionToken;
}

/**
 * With a limit: the body, or the service's 413 when it is larger. Without (not yet authenticated): the body if it is
 * at most PREAUTH_BODY_BYTES, else undefined, having read at most that much.
 */
export async function readLimitedBody(req: IncomingMessage, limit: number | undefined, family: ErrorFamily): Promise<Buffer | undefined> {
  if (limit === undefined && (declaredLength(req.headers as Record<string, string>) ?? 0) > PREAUTH_BODY_BYTES) return undefined;
  try {
    return await readBody(req, limit ?? PREAUTH_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      if (limit === undefined) return undefined;
      throw requestTooLarge(family, error.declaredOrSeen, error.limit);
    }
    throw serializationError(family, (error as Error).message);
  }
}
