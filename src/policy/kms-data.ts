// What AWS KMS's actions and condition keys are, from the generated data file (see data/generate.mjs).
import data from './data/kms-actions.json';
import { wildcardMatcher } from './wildcard';

export const KEY_POLICY_ACTIONS: readonly string[] = data.keyPolicyActions.map((a) => `kms:${a}`);
export const IAM_ONLY_ACTIONS: readonly string[] = data.iamOnlyActions.map((a) => `kms:${a}`);
const ALL_ACTIONS = [...KEY_POLICY_ACTIONS, ...IAM_ONLY_ACTIONS];

export interface ActionCoverage {
  keyPolicy: string[];
  iamOnly: string[];
}

/** The known KMS actions an action pattern (e.g. "kms:List*") covers, split by where they mean something. */
export function kmsActionsCovered(pattern: string): ActionCoverage {
  const matches = wildcardMatcher(pattern, true);
  return { keyPolicy: KEY_POLICY_ACTIONS.filter(matches), iamOnly: IAM_ONLY_ACTIONS.filter(matches) };
}

export function isKnownKmsAction(action: string): boolean {
  const lower = action.toLowerCase();
  return ALL_ACTIONS.some((a) => a.toLowerCase() === lower);
}

const CONDITION_KEY_MATCHERS = data.conditionKeys.map((c) => wildcardMatcher(c.key.replace(/\$\{[^}]*\}/g, '*'), true));

/** True for kms: condition keys AWS documents, including templated ones such as kms:EncryptionContext:<key>. */
export function isKnownKmsConditionKey(key: string): boolean {
  return CONDITION_KEY_MATCHERS.some((m) => m(key));
}

/**
 * KMS operations that work on a key in another account ("Cross-account use: Yes" in the AWS KMS permissions
 * reference, https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html).
 * Granting any other operation to an external principal has no effect.
 */
const CROSS_ACCOUNT_ACTIONS = new Set(
  [
    'CreateGrant',
    'Decrypt',
    'DeriveSharedSecret',
    'DescribeKey',
    'Encrypt',
    'GenerateDataKey',
    'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext',
    'GenerateDataKeyWithoutPlaintext',
    'GenerateMac',
    'GetKeyRotationStatus',
    'GetPublicKey',
    'ListGrants',
    'ReEncryptFrom',
    'ReEncryptTo',
    'RetireGrant',
    'RevokeGrant',
    'Sign',
    'Verify',
    'VerifyMac',
  ].map((a) => `kms:${a}`.toLowerCase()),
);

export function isCrossAccountKmsAction(action: string): boolean {
  return CROSS_ACCOUNT_ACTIONS.has(action.toLowerCase());
}
