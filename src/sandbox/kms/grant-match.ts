// Whether a grant lets a caller perform an operation, by the policy engine's grant rules, on the sandbox's grant records.
import { grantAllows, isGrantee as isGranteeOf } from '../../policy/grants';
import type { Caller } from '../contracts';
import type { EncryptionContext } from './envelope';
import type { GrantRecord } from './model';

export const GRANT_OPERATIONS = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

export function isGrantee(grant: GrantRecord, caller: Pick<Caller, 'arn' | 'roleArn'>): boolean {
  return isGranteeOf(grant.granteePrincipal, caller.arn, caller.roleArn);
}

export function grantPermits(
  grant: GrantRecord,
  caller: Pick<Caller, 'arn' | 'roleArn'>,
  operation: string,
  context: EncryptionContext | undefined,
): boolean {
  return grantAllows({ grantee: grant.granteePrincipal, operations: grant.operations, constraints: grant.constraints }, caller.arn, operation, context, caller.roleArn);
}
