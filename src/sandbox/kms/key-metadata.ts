// KeyMetadata exactly as DescribeKey and CreateKey return it (timestamps in epoch seconds on the wire).
import { currentMaterialVersion, keyMaterialId } from './key-material';
import type { KeyRecord } from './model';

export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

export function keyMetadata(key: KeyRecord, accountId: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    AWSAccountId: accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: toEpochSeconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.state,
    Origin: 'AWS_KMS',
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    CurrentKeyMaterialId: keyMaterialId(key, currentMaterialVersion(key)),
  };
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined) metadata.DeletionDate = toEpochSeconds(key.deletionDate);
  return metadata;
}
