// KMS grants, matched as KMS does: the grantee, the operations the grant lists, and its encryption-context
// constraints (AWS KMS Developer Guide, "Grants in AWS KMS" and "Using grant constraints").
import type { GrantListEntry } from '@aws-sdk/client-kms';
import { grantAllows, grantConstraintsHold } from '../policy/grants';
import type { GrantRef } from './types';

export { isGrantee } from '../policy/grants';

/** EncryptionContextEquals: exactly these pairs; EncryptionContextSubset: at least these pairs. */
export function constraintsHold(grant: Pick<GrantListEntry, 'Constraints'>, context: Record<string, string>): boolean {
  return grantConstraintsHold(grant.Constraints, context);
}

/** Does the grant let the principal perform the operation with this encryption context? */
export function grantPermits(grant: GrantListEntry, principal: string, operation: string, context: Record<string, string>, roleArn?: string): boolean {
  return grantAllows({ grantee: grant.GranteePrincipal, operations: grant.Operations ?? [], constraints: grant.Constraints }, principal, operation, context, roleArn);
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
