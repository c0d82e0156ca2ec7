// When one evaluation decides for several requests. Several actions that meet exactly the same statements in a set of
// policies: the action only selects statements (apart from KMS and role-trust specifics, which callers of this keep to
// one service); used to decide dynamodb:GetItem, Query and Scan together when nothing tells them apart. And several
// callers that no policy tells apart (readsCaller), or whose policies meet the same statements (decidingStatements).
import { readsCallerKeys } from './analysis';
import { describeCaller } from './caller';
import { compiledPolicyOf, resourceMatchersOf, statementsForAction, type CompiledPolicy, type CompiledStatement, type PolicyKind } from './compile';
import { childOf } from './memo';
import { namesCallerItself } from './principal';
import type { NamedPolicy, PolicyDocument } from './types';

export interface PolicyOfKind {
  policy: NamedPolicy | PolicyDocument | string;
  /** 'resource' for a resource policy; 'identity' for identity policies, boundaries and session policies. */
  kind: PolicyKind;
}

function documentOf(policy: NamedPolicy | PolicyDocument | string): unknown {
  return typeof policy === 'object' && policy !== null && 'document' in policy && 'name' in policy ? (policy as NamedPolicy).document : policy;
}

function sameFor(compiled: CompiledPolicy, actions: string[]): boolean {
  const key = actions.join('\n');
  const memo = (compiled.sameForActions ??= new Map());
  let same = memo.get(key);
  if (same === undefined) {
    const first = statementsForAction(compiled, actions[0]);
    same = actions.slice(1).every((action) => {
      const other = statementsForAction(compiled, action);
      return other.length === first.length && other.every((statement, i) => statement === first[i]);
    });
    memo.set(key, same);
  }
  return same;
}

/** True when every policy applies the same statements to each of the actions (remembered per compiled policy). */
export function sameStatementsForActions(actions: string[], policies: PolicyOfKind[]): boolean {
  if (actions.length < 2) return true;
  return policies.every((p) => sameFor(compiledPolicyOf(documentOf(p.policy), p.kind), actions));
}

/** Callers whose decisions can be alike: an account's users, roles and role sessions (not its root, a service or anyone). */
const ALIKE_KINDS = new Set(['user', 'role', 'assumed-role']);

/**
 * True when a policy reads the caller beyond its kind and account: a policy variable, a condition on a key the engine
 * derives from the caller or the clock (aws:username, aws:PrincipalArn, aws:CurrentTime, ...), or in a resource policy
 * a Principal or NotPrincipal that names the caller itself (its ARN, its role, its unique id). Two users (or two roles,
 * or two sessions) of one account that no policy of a request reads this way get the same decision for it: with the
 * same action, resource, context and documents, their names change only the words.
 */
export function readsCaller(policy: PolicyOfKind, principal: string, userId?: string): boolean {
  const caller = describeCaller(principal);
  if (!ALIKE_KINDS.has(caller.kind) || !caller.account) return true;
  const compiled = compiledPolicyOf(documentOf(policy.policy), policy.kind);
  if (readsCallerKeysOf(compiled)) return true;
  for (const statement of compiled.statements) if (statement.principal && namesCallerItself(statement.principal, caller, userId)) return true;
  return false;
}

/** A user, role or role session of an account: a caller that policies may not tell apart from others of its kind. */
export function alikeCaller(principal: string): boolean {
  const caller = describeCaller(principal);
  return ALIKE_KINDS.has(caller.kind) && !!caller.account;
}

function readsCallerKeysOf(compiled: CompiledPolicy): boolean {
  return (compiled.readsCaller ??= compiled.statements.some(readsCallerKeys));
}

const statementIds = new WeakMap<CompiledStatement, number>();
const idsByContent = new Map<string, number>();
let statementCount = 0;

/**
 * A number for what a statement says (effect, actions, resources, conditions): statements that say the same in
 * different documents (copies of one statement in principals' own policies) get one number, so their principals share
 * decisions.
 */
function statementId(statement: CompiledStatement): number {
  let id = statementIds.get(statement);
  if (id === undefined) {
    const conditions = statement.conditions.map((c) => `${c.operator}\u0002${c.key}\u0002${c.values.join('\u0003')}`).join('\u0001');
    const content = `${statement.effect}\u0000${statement.actionNegated}\u0000${statement.actionPatterns.join('\u0001')}\u0000${statement.resourceNegated}\u0000${statement.resourcePatterns.join('\u0001')}\u0000${conditions}`;
    id = idsByContent.get(content);
    if (id === undefined) {
      if (idsByContent.size > 65536) idsByContent.clear();
      idsByContent.set(content, (id = ++statementCount));
    }
    statementIds.set(statement, id);
  }
  return id;
}

/** No policy variable is read where this is used: a statement with one reads the caller and is never asked to match. */
const NO_VARIABLES = () => undefined;

/**
 * The statements of a caller-side policy (an identity policy or a boundary) that can decide a request for one of the
 * actions on the resource: those whose Action or NotAction covers one of them and whose Resource or NotResource matches
 * it, one number each, in document order. Nothing else of the policy counts for such a request (no other statement is
 * even scanned), so callers of one kind, account and context whose policies meet the same statements, in the same order,
 * get the same decision. Null when one of those statements reads the caller (see readsCaller). Remembered per compiled
 * policy, for action lists passed as the same array.
 */
export function decidingStatements(policy: NamedPolicy | PolicyDocument | string, actions: readonly string[], resource: string): readonly number[] | null {
  const compiled = compiledPolicyOf(documentOf(policy), 'identity');
  const byResource = childOf(compiled.decidingFor ??= new Map(), actions, Map<string, readonly number[] | null>, 16);
  let found = byResource.get(resource);
  if (found === undefined) {
    found = meetingStatements(compiled, actions, resource);
    if (byResource.size > 64) byResource.clear();
    byResource.set(resource, found);
  }
  return found;
}

function meetingStatements(compiled: CompiledPolicy, actions: readonly string[], resource: string): readonly number[] | null {
  const covering = new Set<CompiledStatement>();
  for (const action of actions) for (const statement of statementsForAction(compiled, action)) covering.add(statement);
  const ids: number[] = [];
  for (const statement of compiled.statements) {
    if (!covering.has(statement)) continue;
    if (readsCallerKeys(statement)) return null;
    const any = resourceMatchersOf(statement).some((matches) => matches(resource, NO_VARIABLES));
    if (any !== statement.resourceNegated) ids.push(statementId(statement));
  }
  return Object.freeze(ids);
}
