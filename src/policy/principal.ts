// The Principal / NotPrincipal element: which callers a resource-policy statement names, and how.
import { ACCOUNT_ID, parseArn } from './arn';
import type { CallerIdentityInfo } from './caller';

/**
 * How a statement's principal matched the caller:
 * - 'direct': the statement names the caller itself ("*", a user's or a session's ARN, or the root user calling);
 * - 'role': the statement names the role of a role (session) caller, which a permissions boundary and session
 *   policies still limit ("Policy evaluation logic", IAM role vs IAM role session);
 * - 'account': the statement names the caller's account, which delegates to the account's IAM policies.
 */
export type PrincipalMatch = 'direct' | 'role' | 'account';

export interface CompiledPrincipal {
  any: boolean;
  accounts: Set<string>;
  /** Exact ARNs of users, roles, sessions and federated users. */
  arns: Set<string>;
  /** "<account>/<role name>" for every role ARN named (a role path is not part of a session ARN). */
  roles: Set<string>;
  /** Unique ids (AIDA..., AROA...), which AWS shows in place of a deleted principal. */
  uniqueIds: Set<string>;
  services: Set<string>;
  others: Set<string>;
  problems: string[];
}

const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function compilePrincipal(block: unknown): CompiledPrincipal {
  const compiled: CompiledPrincipal = {
    any: false,
    accounts: new Set(),
    arns: new Set(),
    roles: new Set(),
    uniqueIds: new Set(),
    services: new Set(),
    others: new Set(),
    problems: [],
  };
  if (block === '*') {
    compiled.any = true;
    return compiled;
  }
  if (typeof block !== 'object' || block === null || Array.isArray(block)) {
    compiled.problems.push('Principal must be "*" or an object such as {"AWS": ...}');
    return compiled;
  }
  const entries = Object.entries(block as Record<string, unknown>);
  if (entries.length === 0) compiled.problems.push('Principal names no principal');
  for (const [type, raw] of entries) {
    if (!PRINCIPAL_TYPES.has(type)) {
      compiled.problems.push(`unknown principal type "${type}"`);
      continue;
    }
    const values = valuesOf(raw);
    if (values.length === 0) compiled.problems.push(`Principal ${type} is empty`);
    for (const value of values) {
      if (typeof value !== 'string') {
        compiled.problems.push(`Principal ${type} values must be strings`);
        continue;
      }
      addPrincipal(compiled, type, value);
    }
  }
  return compiled;
}

function addPrincipal(compiled: CompiledPrincipal, type: string, value: string): void {
  if (type === 'Service') {
    compiled.services.add(value.toLowerCase());
    return;
  }
  if (type !== 'AWS') {
    compiled.others.add(value);
    return;
  }
  if (value === '*') {
    compiled.any = true;
    return;
  }
  if (ACCOUNT_ID.test(value)) {
    compiled.accounts.add(value);
    return;
  }
  const arn = parseArn(value);
  if (!arn) {
    if (/^A[A-Z]{3}[A-Z0-9]{8,}$/.test(value)) compiled.uniqueIds.add(value);
    else compiled.problems.push(`"${value}" is not a valid AWS principal`);
    return;
  }
  if (value.includes('*') || value.includes('?')) {
    compiled.problems.push(`"${value}": wildcards are not allowed in a principal ARN`);
    return;
  }
  if (arn.service === 'iam' && arn.resource === 'root') {
    compiled.accounts.add(arn.account);
    return;
  }
  compiled.arns.add(value);
  if (arn.service === 'iam' && arn.resource.startsWith('role/')) {
    const name = arn.resource.split('/').pop();
    if (name) compiled.roles.add(`${arn.account}/${name}`);
  }
}

/** Does the principal element name the caller? `userId` is the caller's unique id when known. */
export function matchPrincipal(p: CompiledPrincipal, caller: CallerIdentityInfo, userId?: string): PrincipalMatch | undefined {
  if (p.any) return 'direct';
  switch (caller.kind) {
    case 'service':
      return p.services.has(caller.arn.toLowerCase()) ? 'direct' : undefined;
    case 'anonymous':
    case 'unknown':
      return p.arns.has(caller.arn) || p.others.has(caller.arn) ? 'direct' : undefined;
    default:
      break;
  }
  const isRole = caller.kind === 'role' || caller.kind === 'assumed-role';
  if (p.arns.has(caller.arn) || p.others.has(caller.arn)) return caller.kind === 'role' ? 'role' : 'direct';
  if (isRole && caller.name && p.roles.has(`${caller.account}/${caller.name}`)) return 'role';
  if (userId && p.uniqueIds.size > 0 && p.uniqueIds.has(userId.split(':')[0])) return isRole ? 'role' : 'direct';
  if (caller.account && p.accounts.has(caller.account)) return caller.kind === 'root' ? 'direct' : 'account';
  return undefined;
}

/**
 * Does the principal element name the caller itself: its ARN, its role (for a role or a session), or its unique id?
 * Otherwise matchPrincipal and principalChainListed see only the caller's kind and account.
 */
export function namesCallerItself(p: CompiledPrincipal, caller: CallerIdentityInfo, userId?: string): boolean {
  if (p.arns.has(caller.arn) || p.others.has(caller.arn)) return true;
  if ((caller.kind === 'role' || caller.kind === 'assumed-role') && caller.name && p.roles.has(`${caller.account}/${caller.name}`)) return true;
  return !!userId && p.uniqueIds.size > 0 && (p.uniqueIds.has(userId) || p.uniqueIds.has(userId.split(':')[0]));
}

/**
 * For NotPrincipal with Deny: is the caller exempt? AWS may check the account, then the role, then the session
 * or user, so every link of that chain must be listed (the documented advice is to list all of them).
 */
export function principalChainListed(p: CompiledPrincipal, caller: CallerIdentityInfo, userId?: string): boolean {
  if (p.any) return true;
  const accountListed = !!caller.account && p.accounts.has(caller.account);
  switch (caller.kind) {
    case 'root':
      return accountListed;
    case 'user':
    case 'federated-user':
      return accountListed && (p.arns.has(caller.arn) || (!!userId && p.uniqueIds.has(userId)));
    case 'role':
      return accountListed && !!caller.name && p.roles.has(`${caller.account}/${caller.name}`);
    case 'assumed-role':
      return accountListed && !!caller.name && p.roles.has(`${caller.account}/${caller.name}`) && p.arns.has(caller.arn);
    case 'service':
      return p.services.has(caller.arn.toLowerCase());
    default:
      return p.arns.has(caller.arn) || p.others.has(caller.arn);
  }
}
