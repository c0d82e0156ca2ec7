// Who gets a row: every user and role of the account, the account root, and every other AWS principal that the
// key policy, the table's resource policy or a grant names.
import type { GrantListEntry } from '@aws-sdk/client-kms';
import type { NamedPolicy, PolicyStatement } from '../policy';
import type { PrincipalEntry, PrincipalIndex, SourcedPolicy } from './principals';

const ACCOUNT_ID = /^\d{12}$/;

export function rootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** ARNs in a policy's Principal elements ("AWS" only); account ids become root ARNs, "*" is left out. */
export function principalsNamedIn(policy: NamedPolicy | undefined, partition: string): string[] {
  const document = policy?.document;
  if (!document || typeof document !== 'object') return [];
  const raw = document.Statement;
  const statements: PolicyStatement[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found: string[] = [];
  for (const statement of statements) {
    const principal = statement?.Principal;
    if (!principal || typeof principal !== 'object') continue;
    const aws = principal.AWS;
    for (const value of Array.isArray(aws) ? aws : aws ? [aws] : []) {
      if (typeof value !== 'string' || value === '*') continue;
      found.push(ACCOUNT_ID.test(value) ? rootArn(partition, value) : value);
    }
  }
  return found;
}

export function granteesOf(grants: GrantListEntry[]): string[] {
  return grants.map((g) => g.GranteePrincipal ?? '').filter((p) => p.startsWith('arn:'));
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * Stands for identity policies that cannot be seen: it allows everything, so the row shows the most the visible
 * policies let through, and the report marks it as unknown rather than guessing.
 */
function unseenPolicies(name: string): SourcedPolicy {
  return { policy: { name, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }, source: { type: 'external' } };
}

/** A principal outside the account: its own IAM policies decide its side, and they cannot be seen from here. */
function externalEntry(arn: string): PrincipalEntry {
  const account = accountOf(arn);
  return {
    arn,
    kind: 'external',
    name: arn,
    account,
    groups: [],
    identity: [unseenPolicies(`the IAM policies of account ${account}`)],
    tags: {},
    unseen: true,
    unknowns: [`the IAM policies of account ${account} are not visible from this account; the row shows what this account's policies allow`],
  };
}

export function resolveEntry(arn: string, index: PrincipalIndex, accountId: string, partition: string): PrincipalEntry {
  const known = index.byArn.get(arn);
  if (known) return known;
  if (arn === rootArn(partition, accountId)) {
    return { arn, kind: 'root', name: 'root', account: accountId, userId: accountId, groups: [], identity: [], tags: {}, unknowns: [] };
  }
  const account = accountOf(arn);
  if (account !== accountId) return externalEntry(arn);
  const [, type, roleName, ...session] = (arn.split(':')[5] ?? '').match(/^([^/]+)\/([^/]+)\/?(.*)$/) ?? [];
  if (type === 'assumed-role') {
    const role = index.rolesByName.get(roleName);
    const unknowns = ['the session policies and session tags of this session are not evaluated'];
    if (!role) unknowns.push(`role ${roleName} is not in the snapshot`);
    return {
      arn,
      kind: 'assumed-role',
      name: `${roleName}/${session.join('/')}`,
      account,
      roleArn: role?.arn ?? `arn:${partition}:iam::${account}:role/${roleName}`,
      groups: [],
      identity: role?.identity ?? [unseenPolicies(`the policies of role ${roleName}`)],
      unseen: !role,
      boundary: role?.boundary,
      tags: role?.tags ?? {},
      unknowns: [...(role?.unknowns ?? []), ...unknowns],
    };
  }
  const kind = type === 'role' ? 'role' : type === 'federated-user' ? 'federated-user' : 'user';
  return {
    arn,
    kind,
    name: arn.split('/').pop() ?? arn,
    account,
    groups: [],
    identity: [unseenPolicies(`the policies of ${arn.split(':').pop()}`)],
    tags: {},
    unseen: true,
    unknowns: [`${arn} is not in the snapshot, so its policies are not known; the row shows what the other policies allow`],
  };
}
