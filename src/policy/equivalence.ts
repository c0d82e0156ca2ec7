// Whether several actions meet exactly the same statements in a set of policies. When they do, one evaluation
// decides them all: the action only selects statements (apart from KMS and role-trust specifics, which callers of
// this keep to one service). Used to decide dynamodb:GetItem, Query and Scan together when nothing tells them apart.
import { compiledPolicyOf, statementsForAction, type CompiledPolicy, type PolicyKind } from './compile';
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
