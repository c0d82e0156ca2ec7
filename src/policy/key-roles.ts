// The console's "default view" of a key policy: who administers the key, who uses it, and whether IAM counts.
import { ACCOUNT_ID, parseArn } from './arn';
import { SID_ADMINISTRATORS, SID_USE } from './defaults';
import type { KeyUsersAndAdministrators, PolicyDocument, PolicyStatement } from './types';
import { wildcardMatcher } from './wildcard';

function statementsOf(doc: PolicyDocument): PolicyStatement[] {
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((s): s is PolicyStatement => typeof s === 'object' && s !== null && !Array.isArray(s));
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function awsPrincipals(statement: PolicyStatement): string[] {
  const p = statement.Principal;
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null) return [];
  return strings(p.AWS);
}

function allowsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Effect !== 'Allow' || statement.NotAction !== undefined) return false;
  return strings(statement.Action).some((pattern) => wildcardMatcher(pattern, true)(action));
}

function isAccountPrincipal(principal: string): boolean {
  if (ACCOUNT_ID.test(principal)) return true;
  const arn = parseArn(principal);
  return !!arn && arn.service === 'iam' && arn.resource === 'root';
}

/** Reads administrators and users back from any key policy, by the console's Sids. */
export function keyUsersAndAdministrators(policy: PolicyDocument | string): KeyUsersAndAdministrators {
  let doc: PolicyDocument;
  try {
    doc = typeof policy === 'string' ? (JSON.parse(policy) as PolicyDocument) : policy;
  } catch {
    doc = {};
  }
  if (typeof doc !== 'object' || doc === null) doc = {};
  const statements = statementsOf(doc);
  const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
  const administratorsStatement = bySid(SID_ADMINISTRATORS);
  const useStatement = bySid(SID_USE);
  const iamDelegation = statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Condition === undefined &&
      awsPrincipals(s).some(isAccountPrincipal) &&
      strings(s.Action).some((a) => a === '*' || a.toLowerCase() === 'kms:*') &&
      strings(s.Resource).includes('*'),
  );
  return {
    administrators: administratorsStatement ? awsPrincipals(administratorsStatement) : [],
    users: useStatement ? awsPrincipals(useStatement) : [],
    iamDelegation,
    administratorsCanDelete:
      !!administratorsStatement && allowsAction(administratorsStatement, 'kms:ScheduleKeyDeletion') && allowsAction(administratorsStatement, 'kms:CancelKeyDeletion'),
  };
}
