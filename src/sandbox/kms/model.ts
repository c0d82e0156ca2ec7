// The persistent state of the sandbox's KMS: keys (with their material), aliases and grants.

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
export type KeyManager = 'AWS' | 'CUSTOMER';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface KeyRecord {
  keyId: string;
  arn: string;
  /** Epoch milliseconds. */
  createdAt: number;
  description: string;
  keyManager: KeyManager;
  state: KeyState;
  /** When the key last left Enabled (drives InaccessibleEncryptionDateTime). */
  stateChangedAt: number;
  /** Set while PendingDeletion. */
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** The key policy text, exactly as stored (GetKeyPolicy returns it as given). */
  policy: string;
  rotationEnabled: boolean;
  rotationPeriodInDays?: number;
  nextRotationDate?: number;
  tags: Tag[];
  /** Base64 256-bit key material, one entry per version; the last is current. Secret: never logged. */
  material: string[];
  /** How each material after the first came to be: rotations[i] made material[i + 1]. */
  rotations?: MaterialRotation[];
}

export interface MaterialRotation {
  /** Epoch milliseconds. */
  at: number;
  type: 'AUTOMATIC' | 'ON_DEMAND';
}

export interface AliasRecord {
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export interface GrantConstraints {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
}

export interface GrantRecord {
  grantId: string;
  /** Secret-ish bearer value for RetireGrant; stored to compare, never logged. */
  grantToken: string;
  keyId: string;
  name?: string;
  createdAt: number;
  granteePrincipal: string;
  retiringPrincipal?: string;
  issuingAccount: string;
  operations: string[];
  constraints?: GrantConstraints;
}

export interface KmsState {
  version: 1;
  keys: Record<string, KeyRecord>;
  aliases: Record<string, AliasRecord>;
  grants: Record<string, GrantRecord>;
  /** Base64 material standing in for the AWS owned key that protects tables without SSE. Secret: never logged. */
  ownedKeyMaterial?: string;
}

export function emptyKmsState(): KmsState {
  return { version: 1, keys: {}, aliases: {}, grants: {} };
}
