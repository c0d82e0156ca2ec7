// CreateGrant, ListGrants, ListRetirableGrants, RevokeGrant, RetireGrant.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../contracts';
import { kmsError } from '../errors';
import { GRANT_OPERATIONS, isGrantee } from '../grant-match';
import { type Input, optionalString, optionalStringList, optionalStringMap, page, pageRequest, requiredString } from '../input';
import { directConditions } from '../conditions';
import { toEpochSeconds } from '../key-metadata';
import { requireEnabled } from '../key-states';
import type { GrantConstraints, GrantRecord } from '../model';
import { type KmsCall, authorize, keyFromMember } from './call';

const PRINCIPAL = /^(arn:aws:(iam|sts)::\d{12}:.+|[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?)$/;

function principalMember(input: Input, member: string, required: boolean): string | undefined {
  const value = required ? requiredString(input, member, 256) : optionalString(input, member, 256);
  if (value !== undefined && !PRINCIPAL.test(value)) throw kmsError.validation(`Invalid principal: ${value}`);
  return value;
}

function readConstraints(input: Input): GrantConstraints | undefined {
  const value = input.Constraints;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw kmsError.validation("1 validation error detected: Value at 'constraints' failed to satisfy constraint: Member must be a structure");
  const constraints: GrantConstraints = {};
  const subset = optionalStringMap(value as Input, 'EncryptionContextSubset');
  const equals = optionalStringMap(value as Input, 'EncryptionContextEquals');
  // Kept as a reload from disk gives them back: plain objects whose keys (`__proto__` too) are own properties.
  if (subset) constraints.EncryptionContextSubset = { ...subset };
  if (equals) constraints.EncryptionContextEquals = { ...equals };
  return subset || equals ? constraints : undefined;
}

function readOperations(input: Input): string[] {
  const operations = optionalStringList(input, 'Operations');
  if (!operations || operations.length === 0) {
    throw kmsError.validation("1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null");
  }
  for (const operation of operations) {
    if (!(GRANT_OPERATIONS as readonly string[]).includes(operation)) {
      throw kmsError.validation(
        `1 validation error detected: Value '[${operations.join(', ')}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${GRANT_OPERATIONS.join(', ')}]]`,
      );
    }
  }
  return [...new Set(operations)];
}

function sameGrant(grant: GrantRecord, candidate: Omit<GrantRecord, 'grantId' | 'grantToken' | 'createdAt'>): boolean {
  return (
    grant.keyId === candidate.keyId &&
    grant.name === candidate.name &&
    grant.granteePrincipal === candidate.granteePrincipal &&
    grant.retiringPrincipal === candidate.retiringPrincipal &&
    JSON.stringify([...grant.operations].sort()) === JSON.stringify([...candidate.operations].sort()) &&
    JSON.stringify(grant.constraints ?? null) === JSON.stringify(candidate.constraints ?? null)
  );
}

export async function createGrant(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const granteePrincipal = principalMember(call.input, 'GranteePrincipal', true)!;
  const retiringPrincipal = principalMember(call.input, 'RetiringPrincipal', false);
  const operations = readOperations(call.input);
  const constraints = readConstraints(call.input);
  const name = optionalString(call.input, 'Name', 256);
  const conditions: Record<string, string | string[]> = {
    'kms:GranteePrincipal': granteePrincipal,
    'kms:GrantOperations': operations,
    'kms:GrantIsForAWSResource': 'false',
  };
  if (retiringPrincipal) conditions['kms:RetiringPrincipal'] = retiringPrincipal;
  if (constraints) conditions['kms:GrantConstraintType'] = Object.keys(constraints);
  authorize(call, 'CreateGrant', key, { conditions });
  requireEnabled(key);
  const grant = await call.backend.update((state) => {
    const candidate = { keyId: key.keyId, name, granteePrincipal, retiringPrincipal, issuingAccount: `arn:aws:iam::${call.ctx.accountId}:root`, operations, constraints };
    const existing = name === undefined ? undefined : Object.values(state.grants).find((grant) => sameGrant(grant, candidate));
    if (existing) return existing;
    const created: GrantRecord = {
      ...candidate,
      grantId: randomBytes(32).toString('hex'),
      grantToken: randomBytes(96).toString('base64url'),
      createdAt: call.ctx.now.getTime(),
    };
    state.grants[created.grantId] = created;
    return created;
  });
  return { GrantId: grant.grantId, GrantToken: grant.grantToken };
}

export function grantEntry(grant: GrantRecord, keyArn: string): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    KeyId: keyArn,
    GrantId: grant.grantId,
    CreationDate: toEpochSeconds(grant.createdAt),
    GranteePrincipal: grant.granteePrincipal,
    IssuingAccount: grant.issuingAccount,
    Operations: grant.operations,
  };
  if (grant.name !== undefined) entry.Name = grant.name;
  if (grant.retiringPrincipal !== undefined) entry.RetiringPrincipal = grant.retiringPrincipal;
  if (grant.constraints) entry.Constraints = grant.constraints;
  return entry;
}

export async function listGrants(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  const key = await keyFromMember(call);
  const grantId = optionalString(call.input, 'GrantId', 128);
  const grantee = optionalString(call.input, 'GranteePrincipal', 256);
  authorize(call, 'ListGrants', key);
  const grants = call.backend
    .grantsOf(key.keyId)
    .filter((grant) => (grantId === undefined || grant.grantId === grantId) && (grantee === undefined || grant.granteePrincipal === grantee))
    .sort((a, b) => a.createdAt - b.createdAt || a.grantId.localeCompare(b.grantId))
    .map((grant) => grantEntry(grant, key.arn));
  const { items, ...rest } = page(grants, request);
  return { Grants: items, ...rest };
}

export async function listRetirableGrants(call: KmsCall): Promise<Record<string, unknown>> {
  const request = pageRequest(call.input);
  const retiring = requiredString(call.input, 'RetiringPrincipal', 256);
  authorize(call, 'ListRetirableGrants', undefined, { resource: '*' });
  const grants = Object.values(call.backend.state().grants)
    .filter((grant) => grant.retiringPrincipal === retiring)
    .sort((a, b) => a.createdAt - b.createdAt || a.grantId.localeCompare(b.grantId))
    .map((grant) => grantEntry(grant, call.backend.state().keys[grant.keyId]?.arn ?? grant.keyId));
  const { items, ...rest } = page(grants, request);
  return { Grants: items, ...rest };
}

export async function revokeGrant(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const grantId = requiredString(call.input, 'GrantId', 128);
  authorize(call, 'RevokeGrant', key);
  await call.backend.update((state) => {
    const grant = state.grants[grantId];
    if (!grant || grant.keyId !== key.keyId) throw new AwsError('NotFoundException', `Grant ID ${grantId} not found`);
    delete state.grants[grantId];
  });
  return {};
}

/**
 * The retiring principal, a grantee whose grant includes RetireGrant, or the account that issued the grant may
 * retire it; the account delegates that to its principals with kms:RetireGrant in their IAM policies (a key
 * policy alone does not give it).
 */
export async function retireGrant(call: KmsCall): Promise<Record<string, unknown>> {
  const token = optionalString(call.input, 'GrantToken', 8192);
  const grantId = optionalString(call.input, 'GrantId', 128);
  let grant: GrantRecord | undefined;
  if (token !== undefined) {
    grant = Object.values(call.backend.state().grants).find((candidate) => candidate.grantToken === token);
    if (!grant) throw kmsError.invalidGrantToken();
  } else {
    if (grantId === undefined) throw kmsError.validation('Either GrantToken or both KeyId and GrantId must be specified.');
    const key = await keyFromMember(call);
    grant = call.backend.state().grants[grantId];
    if (!grant || grant.keyId !== key.keyId) throw new AwsError('NotFoundException', `Grant ID ${grantId} not found`);
  }
  const caller = call.ctx.caller;
  const allowed =
    grant.retiringPrincipal === caller.arn ||
    (caller.roleArn !== undefined && grant.retiringPrincipal === caller.roleArn) ||
    (isGrantee(grant, caller) && grant.operations.includes('RetireGrant')) ||
    (caller.kind === 'root' && grant.issuingAccount === `arn:aws:iam::${caller.accountId}:root`);
  const keyArn = call.backend.state().keys[grant.keyId]?.arn ?? grant.keyId;
  if (!allowed && !delegatedByAccount(call, grant, keyArn)) {
    throw kmsError.accessDenied(`User: ${caller.arn} is not authorized to perform: kms:RetireGrant on resource: ${keyArn} because no resource-based policy allows the kms:RetireGrant action`);
  }
  const retired = grant.grantId;
  await call.backend.update((state) => {
    delete state.grants[retired];
  });
  return {};
}

/** A principal of the issuing account whose identity policies allow kms:RetireGrant on the key. */
function delegatedByAccount(call: KmsCall, grant: GrantRecord, keyArn: string): boolean {
  const caller = call.ctx.caller;
  if (grant.issuingAccount !== `arn:aws:iam::${caller.accountId}:root`) return false;
  return call.backend.access.decide({
    caller,
    operation: 'RetireGrant',
    resource: keyArn,
    conditions: directConditions(call.ctx),
    now: call.ctx.now,
  }).allowed;
}
