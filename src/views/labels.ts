import type { EncryptionKind, KmsKey } from '../aws/types';

export const ENCRYPTION_LABELS: Record<EncryptionKind, string> = {
  'aws-owned': 'AWS owned key',
  'aws-managed': 'AWS managed key',
  'customer-managed': 'customer managed key',
};

export function keyLabel(key: Pick<KmsKey, 'aliases' | 'keyId'>): string {
  return key.aliases[0] ?? key.keyId;
}

export function rotationLabel(rotation: boolean | undefined): string {
  if (rotation === undefined) return 'rotation unknown';
  return rotation ? 'rotation on' : 'rotation off';
}

export function formatDate(date: Date | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—';
}
