// What KMS checks before it accepts a key policy (CreateKey with Policy, PutKeyPolicy):
// size, JSON, principals that exist, and the lockout safety check.
import { evaluate } from '../../policy';
import type { PolicyDocument, PolicyStatement } from '../../policy/types';
import type { RequestContext, IdentityDirectory } from '../contracts';
import { principalPolicies, withPrincipalTags } from '../request-conditions';
import { directConditions } from './conditions';
import { INVALID_PRINCIPALS_MESSAGE, POLICY_LOCKOUT_MESSAGE, kmsError } from './errors';

export const MAX_KEY_POLICY_BYTES = 32768;

const ACCOUNT_ID = /^\d{12}$/;
const IAM_PRINCIPAL = /^arn:aws:iam::(\d{12}):(root|user\/.+|role\/.+)$/;
const SESSION_PRINCIPAL = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

export interface NewPolicyCheck {
  text: string;
  keyArn: string;
  ctx: RequestContext;
  directory: IdentityDirectory;
  bypassLockoutCheck: boolean;
}

/** Returns the parsed document, or throws the exception KMS would. */
export function checkNewKeyPolicy(check: NewPolicyCheck): PolicyDocument {
  if (Buffer.byteLength(check.text, 'utf8') > MAX_KEY_POLICY_BYTES) {
    throw kmsError.validation(
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_KEY_POLICY_BYTES}`,
    );
  }
  const document = parseDocument(check.text);
  const statements = statementsOf(document);
  if (!statements.every((statement) => principalsValid(statement, check.ctx.accountId, check.directory))) {
    throw kmsError.malformedPolicy(INVALID_PRINCIPALS_MESSAGE);
  }
  if (!check.bypassLockoutCheck && wouldLockOutCaller(document, check)) throw kmsError.malformedPolicy(POLICY_LOCKOUT_MESSAGE);
  return document;
}

function parseDocument(text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw kmsError.malformedPolicy('The policy is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw kmsError.malformedPolicy('The policy must be a JSON object.');
  return parsed as PolicyDocument;
}

function statementsOf(document: PolicyDocument): PolicyStatement[] {
  const statement = document.Statement;
  const list = Array.isArray(statement) ? statement : statement && typeof statement === 'object' ? [statement] : undefined;
  if (!list || list.length === 0) throw kmsError.malformedPolicy('The policy must contain at least one statement.');
  for (const entry of list) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw kmsError.malformedPolicy('Each statement must be a JSON object.');
    if (entry.Effect !== 'Allow' && entry.Effect !== 'Deny') throw kmsError.malformedPolicy('Each statement must have an Effect of Allow or Deny.');
    if (entry.Principal === undefined && entry.NotPrincipal === undefined) throw kmsError.malformedPolicy(INVALID_PRINCIPALS_MESSAGE);
  }
  return list;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function principalsValid(statement: PolicyStatement, accountId: string, directory: IdentityDirectory): boolean {
  return [statement.Principal, statement.NotPrincipal].every((block) => block === undefined || principalBlockValid(block, accountId, directory));
}

function principalBlockValid(block: unknown, accountId: string, directory: IdentityDirectory): boolean {
  if (block === '*') return true;
  if (!block || typeof block !== 'object' || Array.isArray(block)) return false;
  const entries = Object.entries(block as Record<string, unknown>);
  if (entries.length === 0) return false;
  return entries.every(([type, value]) => {
    const values = asList(value);
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) return false;
    const strings = values as string[];
    switch (type) {
      case 'AWS':
        return strings.every((arn) => awsPrincipalValid(arn, accountId, directory));
      case 'Service':
        return strings.every((name) => SERVICE_PRINCIPAL.test(name));
      case 'Federated':
        return strings.every((name) => name.length > 0);
      default:
        return false;
    }
  });
}

/** KMS refuses principals that do not exist; the sandbox can only know about its own account. */
function awsPrincipalValid(principal: string, accountId: string, directory: IdentityDirectory): boolean {
  if (principal === '*' || ACCOUNT_ID.test(principal)) return true;
  const iam = IAM_PRINCIPAL.exec(principal);
  if (iam) return iam[1] !== accountId || iam[2] === 'root' || directory.principalExists(principal);
  const session = SESSION_PRINCIPAL.exec(principal);
  if (session) return session[1] !== accountId || directory.principalExists(`arn:aws:iam::${session[1]}:role/${session[2]}`);
  return false;
}

function wouldLockOutCaller(document: PolicyDocument, check: NewPolicyCheck): boolean {
  const facts = check.directory.principalFacts(check.ctx.caller);
  const result = evaluate({
    principal: check.ctx.caller.arn,
    userId: check.ctx.caller.userId,
    action: 'kms:PutKeyPolicy',
    resource: check.keyArn,
    context: withPrincipalTags(directConditions(check.ctx), facts),
    ...principalPolicies(facts),
    resourcePolicy: document,
    resourcePolicyRequired: true,
    now: check.ctx.now,
  });
  return result.decision !== 'allowed';
}
