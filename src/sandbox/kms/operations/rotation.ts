// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations.
// An on-demand rotation completes at once in the sandbox (AWS finishes it in the background within seconds),
// so GetKeyRotationStatus never shows OnDemandRotationStartDate.
import { newKeyMaterial } from '../envelope';
import { kmsError } from '../errors';
import { optionalEnum, optionalInteger, page, pageRequest } from '../input';
import { keyMaterialId, onDemandRotations } from '../key-material';
import { toEpochSeconds } from '../key-metadata';
import { requireEnabled } from '../key-states';
import { type KmsCall, authorize, keyFromMember } from './call';
import { updateKey } from './key-state';

const DAY_MS = 86_400_000;
/** AWS's on-demand rotation quota per key (not adjustable). */
export const ON_DEMAND_ROTATION_LIMIT = 25;

export async function enableKeyRotation(call: KmsCall): Promise<Record<string, unknown>> {
  const period = optionalInteger(call.input, 'RotationPeriodInDays', 90, 2560) ?? 365;
  const key = await keyFromMember(call);
  authorize(call, 'EnableKeyRotation', key, { conditions: { 'kms:RotationPeriodInDays': String(period) } });
  await updateKey(call, key, (stored) => {
    requireEnabled(stored);
    stored.rotationEnabled = true;
    stored.rotationPeriodInDays = period;
    stored.nextRotationDate = call.ctx.now.getTime() + period * DAY_MS;
  });
  return {};
}

export async function disableKeyRotation(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'DisableKeyRotation', key);
  await updateKey(call, key, (stored) => {
    requireEnabled(stored);
    stored.rotationEnabled = false;
    delete stored.rotationPeriodInDays;
    delete stored.nextRotationDate;
  });
  return {};
}

export async function getKeyRotationStatus(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'GetKeyRotationStatus', key);
  const status: Record<string, unknown> = { KeyId: key.arn, KeyRotationEnabled: key.rotationEnabled };
  if (key.rotationEnabled) {
    status.RotationPeriodInDays = key.rotationPeriodInDays;
    if (key.nextRotationDate !== undefined) status.NextRotationDate = toEpochSeconds(key.nextRotationDate);
  }
  return status;
}

/**
 * New key material at once; the automatic rotation schedule is left as it was. An AWS managed key's fixed policy
 * allows no one kms:RotateKeyOnDemand (AWS rotates those itself).
 */
export async function rotateKeyOnDemand(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'RotateKeyOnDemand', key);
  const fresh = newKeyMaterial();
  await updateKey(call, key, (stored) => {
    requireEnabled(stored);
    if (onDemandRotations(stored) >= ON_DEMAND_ROTATION_LIMIT) {
      throw kmsError.limitExceeded(
        `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${stored.arn}`,
      );
    }
    stored.material.push(fresh);
    stored.rotations = [...(stored.rotations ?? []), { at: call.ctx.now.getTime(), type: 'ON_DEMAND' }];
  });
  return { KeyId: key.arn };
}

export async function listKeyRotations(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  const include = optionalEnum(call.input, 'IncludeKeyMaterial', ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const) ?? 'ROTATIONS_ONLY';
  const key = await keyFromMember(call);
  authorize(call, 'ListKeyRotations', key);
  const current = key.material.length - 1;
  const entries = key.material.flatMap((_, version) => {
    if (version === 0 && include === 'ROTATIONS_ONLY') return [];
    const entry: Record<string, unknown> = {
      KeyId: key.keyId,
      KeyMaterialId: keyMaterialId(key, version),
      KeyMaterialState: version === current ? 'CURRENT' : 'NON_CURRENT',
    };
    const rotation = version > 0 ? key.rotations?.[version - 1] : undefined;
    if (rotation) {
      entry.RotationDate = toEpochSeconds(rotation.at);
      entry.RotationType = rotation.type;
    }
    return [entry];
  });
  const { items, ...rest } = page(entries, request);
  return { Rotations: items, ...rest };
}
