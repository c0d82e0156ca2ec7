// Whether a grant lets a caller perform an operation: grantee, operation and encryption context constraints.
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

/** Operations that take an encryption context; constraints apply only to them. */
const CONTEXT_OPERATIONS = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

export function isGrantee(grant: GrantRecord, caller: Pick<Caller, 'arn' | 'roleArn'>): boolean {
  return grant.granteePrincipal === caller.arn || (caller.roleArn !== undefined && grant.granteePrincipal === caller.roleArn);
}

export function constraintsHold(grant: GrantRecord, context: EncryptionContext | undefined): boolean {
  const constraints = grant.constraints;
  if (!constraints) return true;
  const actual = context ?? {};
  if (constraints.EncryptionContextEquals) {
    const wanted = constraints.EncryptionContextEquals;
    const keys = Object.keys(wanted);
    if (keys.length !== Object.keys(actual).length) return false;
    if (!keys.every((key) => actual[key] === wanted[key])) return false;
  }
  if (constraints.EncryptionContextSubset) {
    const wanted = constraints.EncryptionContextSubset;
    if (!Object.keys(wanted).every((key) => actual[key] === wanted[key])) return false;
  }
  return true;
}

export function grantPermits(
  grant: GrantRecord,
  caller: Pick<Caller, 'arn' | 'roleArn'>,
  operation: string,
  context: EncryptionContext | undefined,
): boolean {
  if (!isGrantee(grant, caller) || !grant.operations.includes(operation)) return false;
  return !CONTEXT_OPERATIONS.has(operation) || constraintsHold(grant, context);
}
