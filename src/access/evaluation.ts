// One request evaluated for one principal in one request context (evaluate() of the policy engine), and what the
// words of a lock rest on: the evaluation of the context that explains it, and in which contexts the lock opens.
import {
  evaluate, statementDependentKeys, type ConditionContext, type Decision, type EvaluationRequest, type EvaluationResult, type KnownKey,
  type NamedPolicy, type StatementRef,
} from '../policy';
import type { Opening } from './openings';
import type { SourcedPolicy } from './principals';
import type { DecidingStatement, PolicySource } from './types';

export interface PolicySet {
  identity: SourcedPolicy[];
  boundary?: SourcedPolicy;
  resource?: SourcedPolicy;
  /** The organization's SCPs and RCPs that bound the request, level by level (see organization.ts). */
  scps?: NamedPolicy[][];
  rcps?: NamedPolicy[][];
}

/** What a lock's words rest on: where it opens, and the evaluation of the context that explains it. */
export interface Explained {
  opening: Opening;
  result: EvaluationResult;
  /** Where an explicit deny applies as well, for a lock denied in every context (words after "only"). */
  alsoDeniedWhen?: string;
}

const EXPLAINING = { explaining: true };

export class RequestEvaluator {
  /** The engine's identity policy list of each principal, built once. */
  readonly #identity = new WeakMap<SourcedPolicy[], NamedPolicy[]>();

  constructor(
    readonly known: KnownKey,
    /** The time of every request: the snapshot's; aws:CurrentTime itself is a request-dependent key. */
    private readonly now: Date | undefined,
    /** Where each SCP and RCP comes from. */
    private readonly controlSources: Map<NamedPolicy, PolicySource> = new Map(),
  ) {}

  decide(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet): Decision {
    return evaluate(this.request(principal, userId, action, resource, context, set)).decision;
  }

  /** The evaluation with its reasons and details, for the words. */
  explained(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet): EvaluationResult {
    return evaluate(this.request(principal, userId, action, resource, context, set), EXPLAINING);
  }

  /** The deciding statement, with its source and its request-dependent condition keys. */
  deciding(ref: StatementRef, set: PolicySet): DecidingStatement {
    const owner = ownerOf(ref, set, this.controlSources);
    const statement: DecidingStatement = { policy: ref.policy, source: owner?.source ?? fallbackSource(ref), policyType: ref.kind, index: ref.index, effect: ref.effect };
    if (ref.sid) statement.sid = ref.sid;
    const keys = owner ? statementDependentKeys(owner.policy, ref.kind === 'resource' || ref.kind === 'rcp' ? 'resource' : 'identity', ref.index, this.known) : [];
    if (keys.length > 0) statement.conditions = keys;
    return statement;
  }

  private identityOf(set: PolicySet): NamedPolicy[] {
    let list = this.#identity.get(set.identity);
    if (!list) this.#identity.set(set.identity, (list = set.identity.map((p) => p.policy)));
    return list;
  }

  private request(principal: string, userId: string | undefined, action: string, resource: string, context: ConditionContext, set: PolicySet): EvaluationRequest {
    const request: EvaluationRequest = { principal, userId, action, resource, context, identityPolicies: this.identityOf(set) };
    if (this.now) request.now = this.now;
    if (set.boundary) request.permissionsBoundary = set.boundary.policy;
    if (set.resource) request.resourcePolicy = set.resource.policy;
    if (set.scps) request.serviceControlPolicies = set.scps;
    if (set.rcps) request.resourceControlPolicies = set.rcps;
    return request;
  }
}

function ownerOf(ref: StatementRef, set: PolicySet, controls: Map<NamedPolicy, PolicySource>): SourcedPolicy | undefined {
  if (ref.kind === 'scp' || ref.kind === 'rcp') {
    const policy = (ref.kind === 'scp' ? set.scps : set.rcps)?.flat().find((p) => p.name === ref.policy);
    const source = policy && controls.get(policy);
    return policy && source ? { policy, source } : undefined;
  }
  if (ref.kind === 'resource') return set.resource;
  if (ref.kind === 'boundary') return set.boundary;
  return set.identity.find((p) => p.policy.name === ref.policy);
}

function fallbackSource(ref: StatementRef): PolicySource {
  if (ref.kind === 'boundary') return { type: 'boundary' };
  if (ref.kind === 'session') return { type: 'session' };
  if (ref.kind === 'scp' || ref.kind === 'rcp') return { type: ref.kind };
  return { type: 'inline' };
}
