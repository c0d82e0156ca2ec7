// One request evaluated for one principal, with request-dependent conditions neither guessed nor ignored:
// definite when the decision is the same however they turn out, conditional (naming them) otherwise.
import { evaluate, type EvaluationRequest, type EvaluationResult, type NamedPolicy, type StatementRef } from '../policy';
import type { ConditionVariants, PolicyVariants } from './conditional';
import type { SourcedPolicy } from './principals';
import type { DecidingStatement, PolicySource } from './types';

export interface PolicySet {
  identity: SourcedPolicy[];
  boundary?: SourcedPolicy;
  resource?: SourcedPolicy;
}

export interface Outcome {
  verdict: 'allowed' | 'denied' | 'conditional';
  /** The evaluation with request-dependent conditions against the principal: what surely holds. */
  least: EvaluationResult;
  /** The evaluation with them in the principal's favour: what could hold. */
  most: EvaluationResult;
  /** Request-dependent condition keys the verdict hangs on (empty unless conditional). */
  conditions: string[];
}

type Side = 'most' | 'least';

export class RequestEvaluator {
  constructor(private readonly variants: ConditionVariants) {}

  decide(base: Omit<EvaluationRequest, 'identityPolicies' | 'resourcePolicy' | 'permissionsBoundary'>, set: PolicySet): Outcome {
    const all = this.policiesOf(set);
    const anyVariant = all.some((p) => this.variants.of(p) !== null);
    if (!anyVariant) {
      const result = evaluate(this.request(base, set, undefined));
      return { verdict: result.decision === 'allowed' ? 'allowed' : 'denied', least: result, most: result, conditions: [] };
    }
    const least = evaluate(this.request(base, set, 'least'));
    const most = evaluate(this.request(base, set, 'most'));
    if (least.decision === most.decision) return { verdict: least.decision === 'allowed' ? 'allowed' : 'denied', least, most, conditions: [] };
    return { verdict: 'conditional', least, most, conditions: this.conditionsBehind(most, least, set) };
  }

  /** The deciding statement, with its source and its request-dependent condition keys. */
  deciding(ref: StatementRef, set: PolicySet): DecidingStatement {
    const owner = this.ownerOf(ref, set);
    const statement: DecidingStatement = { policy: ref.policy, source: owner?.source ?? fallbackSource(ref), policyType: ref.kind, index: ref.index, effect: ref.effect };
    if (ref.sid) statement.sid = ref.sid;
    const keys = owner ? this.variants.of(owner.policy)?.keysByIndex.get(ref.index) : undefined;
    if (keys) statement.conditions = [...keys];
    return statement;
  }

  private policiesOf(set: PolicySet): NamedPolicy[] {
    const list = set.identity.map((p) => p.policy);
    if (set.boundary) list.push(set.boundary.policy);
    if (set.resource) list.push(set.resource.policy);
    return list;
  }

  private pick(policy: NamedPolicy, side: Side | undefined): NamedPolicy {
    if (!side) return policy;
    const variants: PolicyVariants | null = this.variants.of(policy);
    return variants ? variants[side] : policy;
  }

  private request(base: Omit<EvaluationRequest, 'identityPolicies' | 'resourcePolicy' | 'permissionsBoundary'>, set: PolicySet, side: Side | undefined): EvaluationRequest {
    const request: EvaluationRequest = { ...base, identityPolicies: set.identity.map((p) => this.pick(p.policy, side)) };
    if (set.boundary) request.permissionsBoundary = this.pick(set.boundary.policy, side);
    if (set.resource) request.resourcePolicy = this.pick(set.resource.policy, side);
    return request;
  }

  private ownerOf(ref: StatementRef, set: PolicySet): SourcedPolicy | undefined {
    if (ref.kind === 'resource') return set.resource;
    if (ref.kind === 'boundary') return set.boundary;
    return set.identity.find((p) => p.policy.name === ref.policy);
  }

  /** The request-dependent keys of the statements that allow in the favourable case or deny in the other. */
  private conditionsBehind(most: EvaluationResult, least: EvaluationResult, set: PolicySet): string[] {
    const keys = new Set<string>();
    const d = most.details;
    const refs = [
      ...(d?.identityAllows ?? []),
      ...(d?.resourceAllows ?? []),
      ...(d?.resourceDelegations ?? []),
      ...(d?.boundaryAllows ?? []),
      ...(least.details?.denies ?? []),
    ];
    for (const ref of refs) for (const key of this.deciding(ref, set).conditions ?? []) keys.add(key);
    return [...keys];
  }
}

function fallbackSource(ref: StatementRef): PolicySource {
  if (ref.kind === 'boundary') return { type: 'boundary' };
  if (ref.kind === 'session') return { type: 'session' };
  return { type: 'inline' };
}
