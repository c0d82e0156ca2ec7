// Whether a KMS grant lets a principal perform an operation: the grantee (or, for a role session, its role), the
// operations the grant lists, and its encryption-context constraints, which apply only to operations that take an
// encryption context (AWS KMS Developer Guide, "Grants in AWS KMS" and "Using grant constraints").
// One definition for the sandbox, which enforces grants, and the access analysis, which predicts them.

export interface GrantConstraints {
  /** Exactly these pairs. */
  EncryptionContextEquals?: Record<string, string>;
  /** At least these pairs. */
  EncryptionContextSubset?: Record<string, string>;
}

export interface GrantTerms {
  grantee?: string;
  operations: readonly string[];
  constraints?: GrantConstraints;
}

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

/**
 * KMS's GrantConstraints rule: the key of each pair is not case sensitive, the value is (AWS KMS API Reference,
 * "GrantConstraints"). Subset: every pair of the constraint is in the request's context; Equals: also nothing else.
 */
export function grantConstraintsHold(constraints: GrantConstraints | undefined, context: Record<string, string> | undefined): boolean {
  if (!constraints) return true;
  const actual = context ?? {};
  const equals = constraints.EncryptionContextEquals;
  if (equals) {
    if (!pairsIncluded(equals, actual) || !pairsIncluded(actual, equals)) return false;
  }
  const subset = constraints.EncryptionContextSubset;
  return !subset || pairsIncluded(subset, actual);
}

/** Every pair of `wanted` is in `actual`: keys compared without case, values exactly. */
function pairsIncluded(wanted: Record<string, string>, actual: Record<string, string>): boolean {
  const actualKeys = Object.keys(actual);
  return Object.keys(wanted).every((key) => {
    if (actual[key] === wanted[key]) return true;
    const lower = key.toLowerCase();
    return actualKeys.some((k) => k.toLowerCase() === lower && actual[k] === wanted[key]);
  });
}

export function grantAllows(grant: GrantTerms, principal: string, operation: string, context: Record<string, string> | undefined, roleArn?: string): boolean {
  if (!isGrantee(grant.grantee, principal, roleArn) || !grant.operations.includes(operation)) return false;
  return !CONTEXT_OPERATIONS.has(operation) || grantConstraintsHold(grant.constraints, context);
}
