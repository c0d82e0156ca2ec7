// AWS's evaluation logic on what a request's analysis found: which sides allow, whether an explicit deny wins, and
// which missing Allow decided an implicit deny ("Policy evaluation logic" in the IAM User Guide).
import type { Analysis, ControlLevel, Frame } from './analysis';
import type { Decision, PolicyType } from './types';

/** No levels, or some policy of every level allows the request ("SCP evaluation", "RCP evaluation"). */
export function controlsAllow(levels: ControlLevel[]): boolean {
  return levels.every((level) => level.scan.allows.length > 0);
}

/** The root user needs no identity policy; everyone else needs an identity Allow on their side. */
export function identityAllows(a: Analysis): boolean {
  return a.identity.allows.length > 0 || a.caller.kind === 'root';
}

/** No permissions boundary, or one that allows the request. */
export function boundaryAllows(a: Analysis): boolean {
  return !a.permissionsBoundary || a.boundary.allows.length > 0;
}

/** No session policies, or one of them allows the request (together they act as one policy). */
export function sessionAllows(a: Analysis): boolean {
  return a.sessionPolicies.length === 0 || a.session.allows.length > 0;
}

/** The identity side, limited by the permissions boundary and the session policies ("Policy evaluation logic"). */
export function identityAllowsWithinLimits(a: Analysis): boolean {
  return identityAllows(a) && boundaryAllows(a) && sessionAllows(a);
}

export function resourceAllowsDirectly(a: Analysis): boolean {
  return a.onResource.allows.some((h) => h.principal === 'direct');
}

/** The resource policy names the caller's role; the boundary and session policies still limit such a grant. */
export function resourceAllowsRole(a: Analysis): boolean {
  return a.onResource.allows.some((h) => h.principal === 'role');
}

export function resourceDelegates(a: Analysis): boolean {
  return a.onResource.allows.some((h) => h.principal === 'account');
}

function explicitlyDenied(a: Analysis): boolean {
  if (a.identity.denies.length > 0 || a.onResource.denies.length > 0 || a.boundary.denies.length > 0 || a.session.denies.length > 0) return true;
  return [...a.scpLevels, ...a.rcpLevels].some((level) => level.scan.denies.length > 0);
}

/**
 * AWS's evaluation logic: an explicit deny anywhere wins; otherwise the sides that must allow are identity only
 * (no resource policy), both (cross-account), the resource policy by naming the caller or by delegating to identity
 * policies (KMS keys, role trust), or either (other resources in the same account). An identity Allow counts only
 * within the permissions boundary and the session policies; a resource-policy Allow naming a user or a session does
 * not need them, one naming a role does.
 */
export function decide(a: Analysis): Decision {
  const rules = { hasResourcePolicy: !!a.resourcePolicy, crossAccount: a.crossAccount, resourcePolicyRequired: a.resourcePolicyRequired, crossAccountActionUnsupported: a.crossAccountActionUnsupported };
  return decideTally(rules, {
    denied: explicitlyDenied(a),
    identityAllows: identityAllows(a),
    boundaryAllows: boundaryAllows(a),
    sessionAllows: sessionAllows(a),
    resourceAny: a.onResource.allows.length > 0,
    resourceDirect: resourceAllowsDirectly(a),
    resourceRole: resourceAllowsRole(a),
    resourceAccount: resourceDelegates(a),
    scpAllows: controlsAllow(a.scpLevels),
    rcpAllows: controlsAllow(a.rcpLevels),
  });
}

/** What decide() reads of a request's scans: whether each side allows or denies, and how the resource policy names the caller. */
export interface Tally {
  denied: boolean;
  /** An identity policy allows, or the caller is a root user (which needs none). */
  identityAllows: boolean;
  boundaryAllows: boolean;
  sessionAllows: boolean;
  resourceAny: boolean;
  resourceDirect: boolean;
  resourceRole: boolean;
  resourceAccount: boolean;
  /** Every level of the service control policies and of the resource control policies allows (true without them). */
  scpAllows: boolean;
  rcpAllows: boolean;
}

type FrameRules = Pick<Frame, 'hasResourcePolicy' | 'crossAccount' | 'resourcePolicyRequired' | 'crossAccountActionUnsupported'>;

/** AWS's evaluation logic (see decide) on what the scans found. */
export function decideTally(f: FrameRules, t: Tally): Decision {
  if (t.denied) return 'explicitly-denied';
  // AWS evaluates resource control policies, then service control policies, before any other policy.
  if (!t.rcpAllows || !t.scpAllows) return 'implicitly-denied';
  if (f.crossAccountActionUnsupported) return 'implicitly-denied';
  const identityOk = t.identityAllows && t.boundaryAllows && t.sessionAllows;
  if (!f.hasResourcePolicy) return !f.crossAccount && identityOk ? 'allowed' : 'implicitly-denied';
  let allowed: boolean;
  if (f.crossAccount) allowed = identityOk && t.resourceAny;
  else {
    const named = t.resourceDirect || (t.resourceRole && t.boundaryAllows && t.sessionAllows);
    if (f.resourcePolicyRequired) allowed = named || (t.resourceAccount && identityOk);
    else allowed = named || identityOk;
  }
  return allowed ? 'allowed' : 'implicitly-denied';
}

/**
 * For an implicit deny, the kind of policy whose missing Allow decided it, in the order AWS evaluates them:
 * the resource policy (when it had to allow), the identity policies, the permissions boundary, the session policies.
 */
export function noAllowIn(a: Analysis): PolicyType {
  if (!controlsAllow(a.rcpLevels)) return 'rcp';
  if (!controlsAllow(a.scpLevels)) return 'scp';
  if (a.crossAccountActionUnsupported || (!a.resourcePolicy && a.crossAccount)) return 'resource';
  const resourceAny = a.onResource.allows.length > 0;
  if (a.resourcePolicy && (a.resourcePolicyRequired || a.crossAccount) && !resourceAny) return 'resource';
  const roleGrant = !a.crossAccount && resourceAllowsRole(a);
  if (!roleGrant && !identityAllows(a)) return 'identity';
  if (!boundaryAllows(a)) return 'boundary';
  if (!sessionAllows(a)) return 'session';
  return 'identity';
}
