// Which key states an operation accepts, failing as KMS does.
import { kmsError } from './errors';
import type { KeyRecord } from './model';

/** Cryptographic operations and CreateGrant: only an Enabled key. */
export function requireEnabled(key: KeyRecord): void {
  if (key.state === 'Disabled') throw kmsError.disabled(key.arn);
  requireNotPendingDeletion(key);
}

/** Management operations that a key pending deletion refuses (tags, aliases, rotation, enable/disable). */
export function requireNotPendingDeletion(key: KeyRecord): void {
  if (key.state === 'PendingDeletion') throw kmsError.pendingDeletion(key.arn);
}

/** A key is gone once its deletion date has passed. */
export function isExpired(key: KeyRecord, now: number): boolean {
  return key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now;
}
