// KMS grants, matched as KMS does: the grantee, the operations the grant lists, and its encryption-context
// constraints (AWS KMS Developer Guide, "Grants in AWS KMS" and "Using grant constraints").
import type { GrantListEntry } from '@aws-sdk/client-kms';
import type { GrantRef } from './types';

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

/** The grantee is the caller, or the caller's role for a role session. */
export function isGrantee(grantee: string | undefined, principal: string, roleArn?: string): boolean {
  return !!grantee && (grantee === principal || (roleArn !== undefined && grantee === roleArn));
}

/** EncryptionContextEquals: exactly these pairs; EncryptionContextSubset: at least these pairs. */
export function constraintsHold(grant: Pick<GrantListEntry, 'Constraints'>, context: Record<string, string>): boolean {
  const constraints = grant.Constraints;
  if (!constraints) return true;
  const equals = constraints.EncryptionContextEquals;
  if (equals) {
    const keys = Object.keys(equals);
    if (keys.length !== Object.keys(context).length || !keys.every((key) => context[key] === equals[key])) return false;
  }
  const subset = constraints.EncryptionContextSubset;
  if (subset && !Object.keys(subset).every((key) => context[key] === subset[key])) return false;
  return true;
}

/** Does the grant let the principal perform the operation with this encryption context? */
export function grantPermits(grant: GrantListEntry, principal: string, operation: string, context: Record<string, string>, roleArn?: string): boolean {
  if (!isGrantee(grant.GranteePrincipal, principal, roleArn)) return false;
  if (!(grant.Operations ?? []).some((op) => op === operation)) return false;
  return !CONTEXT_OPERATIONS.has(operation) || constraintsHold(grant, context);
}

export function grantRef(grant: GrantListEntry): GrantRef {
  const ref: GrantRef = { grantId: grant.GrantId ?? '', grantee: grant.GranteePrincipal ?? '', operations: [...(grant.Operations ?? [])] };
  if (grant.Name) ref.name = grant.Name;
  const constraints = grant.Constraints;
  if (constraints?.EncryptionContextEquals || constraints?.EncryptionContextSubset) {
    ref.constraints = {};
    if (constraints.EncryptionContextEquals) ref.constraints.EncryptionContextEquals = { ...constraints.EncryptionContextEquals };
    if (constraints.EncryptionContextSubset) ref.constraints.EncryptionContextSubset = { ...constraints.EncryptionContextSubset };
  }
  return ref;
}

/** "grant lab-grant (3f2a…)" */
export function grantLabel(ref: GrantRef): string {
  const id = ref.grantId.length > 12 ? `${ref.grantId.slice(0, 8)}…` : ref.grantId;
  return ref.name ? `grant ${ref.name} (${id})` : `grant ${id}`;
}
