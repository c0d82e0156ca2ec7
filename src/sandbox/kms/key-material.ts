// Key material ids: what DescribeKey (CurrentKeyMaterialId), Decrypt, GenerateDataKey and ListKeyRotations
// (KeyMaterialId) call a version of a key's material. 64 hex digits, derived one-way from the material, so
// the id is stable across restarts and says nothing about the secret.
import { createHash } from 'node:crypto';
import type { KeyRecord } from './model';

const ids = new Map<string, string>();

export function keyMaterialId(key: KeyRecord, version: number): string | undefined {
  const encoded = key.material[version];
  if (encoded === undefined) return undefined;
  let id = ids.get(encoded);
  if (id === undefined) {
    id = createHash('sha256').update('kms-lab key material id\0').update(Buffer.from(encoded, 'base64')).digest('hex');
    if (ids.size > 10_000) ids.clear();
    ids.set(encoded, id);
  }
  return id;
}

export function currentMaterialVersion(key: KeyRecord): number {
  return key.material.length - 1;
}

/** How many on-demand rotations the key has had (AWS allows 25 per key). */
export function onDemandRotations(key: KeyRecord): number {
  return (key.rotations ?? []).filter((rotation) => rotation.type === 'ON_DEMAND').length;
}
