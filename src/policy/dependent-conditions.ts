// The conditions of a policy that a request, rather than the account, decides: those on keys the caller's
// `known` test rejects (aws:SourceIp, aws:MultiFactorAuthPresent, aws:CurrentTime, ...), in the statements that can
// meet a request for some of the actions on the resource. What the access analysis enumerates request contexts over.
import { compiledPolicyOf, resourceMatchersOf, statementsForAction, type CompiledPolicy, type CompiledStatement, type PolicyKind } from './compile';
import type { CompiledCondition } from './conditions';
import { childOf } from './memo';
import type { NamedPolicy, PolicyDocument } from './types';

/** Lower-cased condition key → whether the snapshot decides its value. One function object per kind of answer. */
export type KnownKey = (lowerKey: string) => boolean;

const NONE: readonly CompiledCondition[] = Object.freeze([]);

function documentOf(policy: NamedPolicy | PolicyDocument | string): unknown {
  return typeof policy === 'object' && policy !== null && 'document' in policy && 'name' in policy ? (policy as NamedPolicy).document : policy;
}

interface Memo {
  byKnown: WeakMap<KnownKey, Map<readonly string[], Map<string, readonly CompiledCondition[]>>>;
}

const memos = new WeakMap<CompiledPolicy, Memo>();

/** No policy variable is resolved here: a Resource with one may match, so its statement counts. */
const NO_VARIABLES = () => undefined;

function mayMatchResource(statement: CompiledStatement, resource: string): boolean {
  if (statement.resourcePatterns.some((p) => p.includes('${'))) return true;
  const any = resourceMatchersOf(statement).some((matches) => matches(resource, NO_VARIABLES));
  return any !== statement.resourceNegated;
}

/** The statement's conditions on keys that `known` does not decide. */
export function dependentConditionsOf(statement: CompiledStatement, known: KnownKey): CompiledCondition[] {
  const found: CompiledCondition[] = [];
  for (const condition of statement.conditions) if (!known(condition.keyLower)) found.push(condition);
  return found;
}

/**
 * The conditions on request-dependent keys of the statements that can meet a request for one of `actions` on
 * `resource`. Remembered per compiled policy, `known` function, action list (the same array each time) and resource.
 */
export function dependentConditions(policy: NamedPolicy | PolicyDocument | string, kind: PolicyKind, actions: readonly string[], resource: string, known: KnownKey): readonly CompiledCondition[] {
  const compiled = compiledPolicyOf(documentOf(policy), kind);
  if (!(compiled.conditional ??= compiled.statements.some((s) => s.conditions.length > 0))) return NONE;
  let memo = memos.get(compiled);
  if (!memo) memos.set(compiled, (memo = { byKnown: new WeakMap() }));
  let byActions = memo.byKnown.get(known);
  if (!byActions) memo.byKnown.set(known, (byActions = new Map()));
  const byResource = childOf(byActions, actions, Map<string, readonly CompiledCondition[]>, 16);
  let found = byResource.get(resource);
  if (found === undefined) {
    found = collect(compiled, actions, resource, known);
    if (byResource.size > 256) byResource.clear();
    byResource.set(resource, found);
  }
  return found;
}

function collect(compiled: CompiledPolicy, actions: readonly string[], resource: string, known: KnownKey): readonly CompiledCondition[] {
  const seen = new Set<CompiledStatement>();
  let found: CompiledCondition[] | undefined;
  for (const action of actions) {
    for (const statement of statementsForAction(compiled, action)) {
      if (seen.has(statement)) continue;
      seen.add(statement);
      if (statement.conditions.length === 0 || !mayMatchResource(statement, resource)) continue;
      for (const condition of statement.conditions) if (!known(condition.keyLower)) (found ??= []).push(condition);
    }
  }
  return found ? Object.freeze(found) : NONE;
}

/** The request-dependent condition keys of one statement (by its index), as written in the policy. */
export function statementDependentKeys(policy: NamedPolicy | PolicyDocument | string, kind: PolicyKind, index: number, known: KnownKey): string[] {
  const statement = compiledPolicyOf(documentOf(policy), kind).statements[index];
  if (!statement) return [];
  const keys: string[] = [];
  for (const condition of dependentConditionsOf(statement, known)) if (!keys.includes(condition.key)) keys.push(condition.key);
  return keys;
}
