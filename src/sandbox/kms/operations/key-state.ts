// EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion.
import { kmsError } from '../errors';
import { optionalInteger } from '../input';
import { toEpochSeconds } from '../key-metadata';
import { requireNotPendingDeletion } from '../key-states';
import type { KeyRecord, KmsState } from '../model';
import { type KmsCall, authorize, keyFromMember } from './call';

const DAY_MS = 86_400_000;

/** Applies fn to the stored record of the key (the state object, not a stale copy). */
export function updateKey<R>(call: KmsCall, key: KeyRecord, fn: (stored: KeyRecord, state: KmsState) => R): Promise<R> {
  return call.backend.update((state) => {
    const stored = state.keys[key.keyId];
    if (!stored) throw kmsError.notFoundKey(key.arn);
    return fn(stored, state);
  });
}

export async function enableKey(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'EnableKey', key);
  await updateKey(call, key, (stored) => {
    requireNotPendingDeletion(stored);
    if (stored.state !== 'Enabled') {
      stored.state = 'Enabled';
      stored.stateChangedAt = call.ctx.now.getTime();
    }
  });
  return {};
}

export async function disableKey(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'DisableKey', key);
  await updateKey(call, key, (stored) => {
    requireNotPendingDeletion(stored);
    if (stored.state !== 'Disabled') {
      stored.state = 'Disabled';
      stored.stateChangedAt = call.ctx.now.getTime();
    }
  });
  return {};
}

export async function scheduleKeyDeletion(call: KmsCall): Promise<Record<string, unknown>> {
  const days = optionalInteger(call.input, 'PendingWindowInDays', 7, 30) ?? 30;
  const key = await keyFromMember(call);
  authorize(call, 'ScheduleKeyDeletion', key, { conditions: { 'kms:ScheduleKeyDeletionPendingWindowInDays': String(days) } });
  const deletionDate = call.ctx.now.getTime() + days * DAY_MS;
  await updateKey(call, key, (stored) => {
    requireNotPendingDeletion(stored);
    if (stored.state === 'Enabled') stored.stateChangedAt = call.ctx.now.getTime();
    stored.state = 'PendingDeletion';
    stored.deletionDate = deletionDate;
    stored.pendingWindowInDays = days;
  });
  return { KeyId: key.arn, DeletionDate: toEpochSeconds(deletionDate), KeyState: 'PendingDeletion', PendingWindowInDays: days };
}

export async function cancelKeyDeletion(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'CancelKeyDeletion', key);
  await updateKey(call, key, (stored) => {
    if (stored.state !== 'PendingDeletion') throw kmsError.notPendingDeletion(stored.arn);
    stored.state = 'Disabled';
    delete stored.deletionDate;
    delete stored.pendingWindowInDays;
  });
  return { KeyId: key.arn };
}
