// One request evaluated for one principal, with request-dependent conditions neither guessed nor ignored:
// definite when the decision is the same however they turn out, conditional (naming them) otherwise.
import { evaluate, type ConditionContext, type EvaluationRequest, type EvaluationResult, type NamedPolicy, type StatementRef } from '../policy';
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

/** What a lock's words rest on: its verdict, the conditions it hangs on, and the evaluation that explains it. */
export interface Explained {
  verdict: Outcome['verdict'];
  conditions: string[];
  /** The sure evaluation for a denial, the favourable one otherwise (see Outcome). */
  result: EvaluationResult;
}

type Side = 'most' | 'least';

const EXPLAINING = { explaining: true };

/** Shared by every definite outcome; frozen so that no reader can change it for the others. */
const NO_CONDITIONS = Object.freeze([]) as unknown as string[];

export class RequestEvaluator {
  /** The engine's identity policy list of each principal, built once per side (as-is, most, least). */
  readonly #identity = new WeakMap<SourcedPolicy[], Partial<Record<Side | 'as-is', NamedPolicy[]>>>();

  constructor(private readonly variants: ConditionVariants) {}

  decide(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet): Outcome {
    if (!this.hasVariants(set)) {
      const result = evaluate(this.request(principal, userId, action, resource, context, set, undefined));
      return { verdict: result.decision === 'allowed' ? 'allowed' : 'denied', least: result, most: result, conditions: NO_CONDITIONS };
    }
    const least = evaluate(this.request(principal, userId, action, resource, context, set, 'least'));
    const most = evaluate(this.request(principal, userId, action, resource, context, set, 'most'));
    if (least.decision === most.decision) return { verdict: least.decision === 'allowed' ? 'allowed' : 'denied', least, most, conditions: NO_CONDITIONS };
    return { verdict: 'conditional', least, most, conditions: this.conditionsBehind(most, least, set) };
  }

  /** The evaluation behind a known verdict: only the side that explains it, as decide() would have found it. */
  explained(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet, verdict: Outcome['verdict'], conditions: string[]): Explained {
    const side: Side | undefined = !this.hasVariants(set) ? undefined : verdict === 'denied' ? 'least' : 'most';
    return { verdict, conditions, result: evaluate(this.request(principal, userId, action, resource, context, set, side), EXPLAINING) };
  }

  private hasVariants(set: PolicySet): boolean {
    for (const p of set.identity) if (this.variants.of(p.policy) !== null) return true;
    if (set.boundary && this.variants.of(set.boundary.policy) !== null) return true;
    return !!set.resource && this.variants.of(set.resource.policy) !== null;
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

  private pick(policy: NamedPolicy, side: Side | undefined): NamedPolicy {
    if (!side) return policy;
    const variants: PolicyVariants | null = this.variants.of(policy);
    return variants ? variants[side] : policy;
  }

  private identityOf(set: PolicySet, side: Side | undefined): NamedPolicy[] {
    const key = side ?? 'as-is';
    let bySide = this.#identity.get(set.identity);
    if (!bySide) {
      bySide = {};
      this.#identity.set(set.identity, bySide);
    }
    return (bySide[key] ??= set.identity.map((p) => this.pick(p.policy, side)));
  }

  private request(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet, side: Side | undefined): EvaluationRequest {
    const request: EvaluationRequest = { principal, userId, action, resource, context, identityPolicies: this.identityOf(set, side) };
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
