// The decision of one request without the analysis behind it: what each policy's statements do, read as a few bits,
// and AWS's evaluation logic on them (decideTally, the rule decide() applies to a full analysis). evaluate() uses it
// when a later analysis of the same request is sure to find the same (a frozen context, and no clock read without
// `now`), and builds that analysis only when the reasons or details are read.
import {
  callerIndependent, callerPolicyOf, failedCondition, frameOf, matchingOf, principalOf, readsClock, resourceMatches, resourcePolicyOf, SHARE_AFTER,
  type Frame, type Matching, type PolicyUnderTest,
} from './analysis';
import { statementsForAction, type CompiledPolicy } from './compile';
import { decideTally } from './evaluation-logic';
import { childOf } from './memo';
import type { Decision, EvaluationRequest } from './types';
import { UnresolvedVariableError } from './variables';

const ALLOWS = 1;
const DENIES = 2;
/** How a resource policy's Allow names the caller: itself, its role, or its account. */
const DIRECT = 4;
const ROLE = 8;
const ACCOUNT = 16;

/** The memo's key for a request without context. */
const NO_CONTEXT = {};

/** What a policy's statements do to the request, as bits: the reading of analysis.ts's scanStatement, without its lists. */
function bitsOf(policy: CompiledPolicy, m: Matching): number {
  let bits = 0;
  for (const statement of statementsForAction(policy, m.action)) {
    try {
      if (!resourceMatches(statement, m)) continue;
      const principal = principalOf(statement, m);
      if (principal === undefined) continue;
      if (statement.conditions.length > 0 && failedCondition(statement, m)) continue;
      if (statement.effect === 'Deny') bits |= DENIES;
      else bits |= ALLOWS | (principal === 'direct' ? DIRECT : principal === 'role' ? ROLE : principal === 'account' ? ACCOUNT : 0);
    } catch (error) {
      // A policy variable without a value makes the statement invalid for this request: it neither allows nor denies.
      if (!(error instanceof UnresolvedVariableError)) throw error;
    }
  }
  return bits;
}

class QuickRequest {
  #matching?: Matching;
  readonly clockFixed: boolean;
  readonly contextKey: object;

  constructor(
    readonly req: EvaluationRequest,
    readonly frame: Frame,
  ) {
    this.clockFixed = req.now instanceof Date;
    this.contextKey = req.context ?? NO_CONTEXT;
  }

  get matching(): Matching {
    return (this.#matching ??= matchingOf(this.req, this.frame));
  }

  /** An identity policy, boundary or session policy; undefined when its answer could differ when read again later. */
  callerSide(policy: PolicyUnderTest): number | undefined {
    const compiled = policy.compiled;
    const { action, resource } = this.frame;
    if (statementsForAction(compiled, action).length === 0) return 0;
    if (!callerIndependent(compiled)) return !this.clockFixed && readsClock(compiled) ? undefined : bitsOf(compiled, this.matching);
    // Many callers of one frozen context meet the same policies: what a policy does is then kept, once seen often.
    if ((compiled.quickUses = (compiled.quickUses ?? 0) + 1) <= SHARE_AFTER) return bitsOf(compiled, this.matching);
    const byResource = childOf(compiled.quickBits ??= new Map(), action, Map<string, WeakMap<object, number>>);
    const byContext = childOf(byResource, resource, WeakMap<object, number>);
    let bits = byContext.get(this.contextKey);
    if (bits === undefined) {
      bits = bitsOf(compiled, this.matching);
      byContext.set(this.contextKey, bits);
    }
    return bits;
  }

  onResource(policy: PolicyUnderTest): number | undefined {
    if (!this.clockFixed && readsClock(policy.compiled)) return undefined;
    return statementsForAction(policy.compiled, this.frame.action).length === 0 ? 0 : bitsOf(policy.compiled, this.matching);
  }
}

/**
 * The decision of evaluate(), when reading the request again later is sure to find the same: its context is frozen
 * (or absent) and no policy reads the clock unless the request fixes `now`. Undefined otherwise.
 */
export function quickDecision(req: EvaluationRequest): Decision | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const context = req.context;
  if (context !== undefined && (typeof context !== 'object' || context === null || !Object.isFrozen(context))) return undefined;
  if (!Array.isArray(req.identityPolicies) || (req.sessionPolicies !== undefined && !Array.isArray(req.sessionPolicies))) return undefined;
  const frame = frameOf(req);
  const quick = new QuickRequest(req, frame);
  let identity = 0;
  for (let i = 0; i < req.identityPolicies.length; i++) {
    const bits = quick.callerSide(callerPolicyOf(req.identityPolicies[i], i));
    if (bits === undefined) return undefined;
    identity |= bits;
  }
  let boundary = 0;
  if (frame.hasBoundary) {
    const bits = quick.callerSide(callerPolicyOf(req.permissionsBoundary, 0, 'boundary'));
    if (bits === undefined) return undefined;
    boundary = bits;
  }
  const sessions = req.sessionPolicies ?? [];
  let session = 0;
  for (let i = 0; i < sessions.length; i++) {
    const bits = quick.callerSide(callerPolicyOf(sessions[i], i, 'session'));
    if (bits === undefined) return undefined;
    session |= bits;
  }
  const scpAllows = levelsAllow(req.serviceControlPolicies, (p, i) => quick.callerSide(callerPolicyOf(p, i, 'scp')));
  const rcpAllows = levelsAllow(req.resourceControlPolicies, (p, i) => quick.onResource(callerPolicyOf(p, i, 'rcp')));
  if (scpAllows === undefined || rcpAllows === undefined) return undefined;
  let resource = 0;
  if (frame.hasResourcePolicy) {
    const bits = quick.onResource(resourcePolicyOf(req, frame.facts.isKmsKey, frame.isTrust));
    if (bits === undefined) return undefined;
    resource = bits;
  }
  return decideTally(frame, {
    denied: ((identity | boundary | session | resource) & DENIES) !== 0 || scpAllows === DENIED || rcpAllows === DENIED,
    identityAllows: (identity & ALLOWS) !== 0 || frame.caller.kind === 'root',
    boundaryAllows: !frame.hasBoundary || (boundary & ALLOWS) !== 0,
    sessionAllows: sessions.length === 0 || (session & ALLOWS) !== 0,
    resourceAny: (resource & ALLOWS) !== 0,
    resourceDirect: (resource & DIRECT) !== 0,
    resourceRole: (resource & ROLE) !== 0,
    resourceAccount: (resource & ACCOUNT) !== 0,
    scpAllows: scpAllows === true,
    rcpAllows: rcpAllows === true,
  });
}

const DENIED = 'denied';

/**
 * What the levels of control policies do: true when every level allows, false when one does not, DENIED when one
 * denies, undefined when a policy's answer could change when read again (see callerSide).
 */
function levelsAllow(levels: unknown, bitsOfPolicy: (policy: unknown, index: number) => number | undefined): boolean | typeof DENIED | undefined {
  if (levels === undefined) return true;
  if (!Array.isArray(levels)) return undefined;
  let all = true;
  for (const level of levels) {
    let bits = 0;
    const list: unknown[] = Array.isArray(level) ? level : [];
    for (let i = 0; i < list.length; i++) {
      const found = bitsOfPolicy(list[i], i);
      if (found === undefined) return undefined;
      bits |= found;
    }
    if (bits & DENIES) return DENIED;
    if (!(bits & ALLOWS)) all = false;
  }
  return all;
}
