// Reasons and details for a decision: which statements decided, and on a denial what would have allowed.
// Built only when a caller reads them, so that deciding stays cheap.
import type { Analysis, Hit, PolicyUnderTest } from './analysis';
import { boundaryAllows, identityAllows, noAllowIn, resourceAllowsRole, sessionAllows } from './evaluation-logic';
import type { Decision, EvaluationDetails, PolicyType, Reason, StatementRef } from './types';

export function refOf(hit: Hit): StatementRef {
  return { policy: hit.policy.name, sid: hit.statement.sid, index: hit.statement.index, effect: hit.statement.effect, kind: hit.policy.kind };
}

/** "the key policy", "policy ReadOnly", "the permissions boundary DevBoundary", "the session policy inline" */
export function policyLabel(kind: PolicyType, name: string): string {
  switch (kind) {
    case 'resource':
      return `the ${name}`;
    case 'boundary':
      return `the permissions boundary ${name}`;
    case 'session':
      return `the session policy ${name}`;
    case 'scp':
      return `the service control policy ${name}`;
    case 'rcp':
      return `the resource control policy ${name}`;
    default:
      return `policy ${name}`;
  }
}

/** "statement 'Allow use of the key' (Allow) of the key policy" */
export function describeStatement(ref: StatementRef, withEffect = true): string {
  const which = ref.sid ? `statement '${ref.sid}'` : `statement #${ref.index + 1}`;
  const policy = policyLabel(ref.kind, ref.policy);
  return withEffect ? `${which} (${ref.effect}) of ${policy}` : `${which} of ${policy}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function statementText(hit: Hit): string {
  return capitalise(describeStatement(refOf(hit)));
}

export function buildDetails(a: Analysis, decision: Decision): EvaluationDetails {
  const details: EvaluationDetails = {
    callerLabel: a.caller.label,
    callerAccount: a.caller.account,
    resourceAccount: a.resourceAccount,
    crossAccount: a.crossAccount,
    resourcePolicyName: a.resourcePolicy?.name,
    resourcePolicyRequired: a.resourcePolicyRequired,
    isKmsKey: a.isKmsKey,
    identityPolicyNames: a.identityPolicies.map((p) => p.name),
    identityAllows: a.identity.allows.map(refOf),
    resourceAllows: a.onResource.allows.filter((h) => h.principal !== 'account').map(refOf),
    resourceDelegations: a.onResource.allows.filter((h) => h.principal === 'account').map(refOf),
    denies: allDenies(a).map(refOf),
    rootUser: a.caller.kind === 'root',
    nearMisses: allNearMisses(a).map((miss) => ({
      ...refOf(miss),
      condition: { operator: miss.failed.operator, key: miss.failed.key },
    })),
    otherPrincipals: a.onResource.otherPrincipals.map(refOf),
    crossAccountActionUnsupported: a.crossAccountActionUnsupported,
  };
  const roleAllows = a.onResource.allows.filter((h) => h.principal === 'role');
  if (roleAllows.length > 0) details.resourceRoleAllows = roleAllows.map(refOf);
  if (a.permissionsBoundary) {
    details.boundaryName = a.permissionsBoundary.name;
    details.boundaryAllows = a.boundary.allows.map(refOf);
  }
  if (a.sessionPolicies.length > 0) {
    details.sessionPolicyNames = a.sessionPolicies.map((p) => p.name);
    details.sessionAllows = a.session.allows.map(refOf);
  }
  if (a.scpLevels.length > 0) details.serviceControlPolicyNames = [...new Set(a.scpLevels.flatMap((l) => l.policies.map((p) => p.name)))];
  if (a.rcpLevels.length > 0) details.resourceControlPolicyNames = [...new Set(a.rcpLevels.flatMap((l) => l.policies.map((p) => p.name)))];
  if (decision === 'implicitly-denied') details.noAllowIn = noAllowIn(a);
  const problems = inputProblems(a);
  if (problems.length > 0) details.inputProblems = problems.map((r) => r.message);
  return details;
}

function allDenies(a: Analysis): Hit[] {
  const controls = [...a.rcpLevels, ...a.scpLevels].flatMap((level) => level.scan.denies);
  if (a.boundary.denies.length === 0 && a.session.denies.length === 0 && controls.length === 0) return [...a.identity.denies, ...a.onResource.denies];
  return [...controls, ...a.identity.denies, ...a.onResource.denies, ...a.boundary.denies, ...a.session.denies];
}

function allNearMisses(a: Analysis) {
  return [...a.onResource.nearMisses, ...a.identity.nearMisses, ...a.boundary.nearMisses, ...a.session.nearMisses];
}

function callerSidePolicies(a: Analysis): PolicyUnderTest[] {
  const policies = [...a.identityPolicies];
  if (a.resourcePolicy) policies.push(a.resourcePolicy);
  if (a.permissionsBoundary) policies.push(a.permissionsBoundary);
  return policies.concat(a.sessionPolicies);
}

/** True when neither the policy nor any statement has a problem; remembered per compiled policy. */
function isWellFormed(policy: PolicyUnderTest): boolean {
  const compiled = policy.compiled;
  return (compiled.wellFormed ??= compiled.problems.length === 0 && compiled.statements.every((s) => s.problems.length === 0));
}

function malformedReasons(policy: PolicyUnderTest): Reason[] {
  if (isWellFormed(policy)) return [];
  const reasons: Reason[] = [];
  const where = capitalise(policyLabel(policy.kind, policy.name));
  for (const problem of policy.compiled.problems) {
    reasons.push({ kind: 'malformed-policy', message: `${where} is malformed and counts for nothing: ${problem}.` });
  }
  for (const statement of policy.compiled.statements) {
    if (statement.problems.length === 0) continue;
    const ref: StatementRef = { policy: policy.name, sid: statement.sid, index: statement.index, effect: statement.effect, kind: policy.kind };
    reasons.push({
      kind: 'malformed-policy',
      message: `${capitalise(describeStatement(ref, false))} is malformed and does not match: ${statement.problems.join('; ')}.`,
      statement: ref,
    });
  }
  return reasons;
}

function allWellFormed(a: Analysis): boolean {
  for (const p of a.identityPolicies) if (!isWellFormed(p)) return false;
  for (const p of a.sessionPolicies) if (!isWellFormed(p)) return false;
  if (a.resourcePolicy && !isWellFormed(a.resourcePolicy)) return false;
  if (a.permissionsBoundary && !isWellFormed(a.permissionsBoundary)) return false;
  return a.identity.unresolved.length + a.onResource.unresolved.length + a.boundary.unresolved.length + a.session.unresolved.length === 0;
}

function inputProblems(a: Analysis): Reason[] {
  if (allWellFormed(a)) return [];
  const reasons = callerSidePolicies(a).flatMap(malformedReasons);
  for (const skipped of [...a.identity.unresolved, ...a.onResource.unresolved, ...a.boundary.unresolved, ...a.session.unresolved]) {
    reasons.push({
      kind: 'malformed-policy',
      message: `${statementText(skipped)} does not apply to this request: its policy variable \${${skipped.variable}} has no value here.`,
      statement: refOf(skipped),
    });
  }
  return reasons;
}

function identityReasons(a: Analysis): Reason[] {
  const reasons: Reason[] = a.identity.allows.map((hit) => ({
    kind: 'allowed-by-identity',
    message: `${statementText(hit)} allows ${a.action} on ${a.resource}.`,
    statement: refOf(hit),
  }));
  if (a.caller.kind === 'root' && reasons.length === 0) {
    reasons.push({ kind: 'allowed-by-identity', message: `The caller, ${a.caller.label}, needs no identity policy: an account's root user may do anything that no policy denies.` });
  }
  return reasons;
}

function directReasons(a: Analysis): Reason[] {
  return a.onResource.allows
    .filter((h) => h.principal !== 'account')
    .map((hit) => ({ kind: 'allowed-by-resource', message: `${statementText(hit)} allows ${a.action} to ${a.caller.label}.`, statement: refOf(hit) }));
}

/** When the decision went through the boundary or the session policies: the statements of theirs that allowed. */
function limitReasons(a: Analysis): Reason[] {
  return [...a.boundary.allows, ...a.session.allows].map((hit) => ({
    kind: 'allowed-by-identity',
    message: `${statementText(hit)} allows ${a.action} too, so it is within the ${hit.policy.kind === 'boundary' ? 'permissions boundary' : 'session policies'}.`,
    statement: refOf(hit),
  }));
}

function delegationReasons(a: Analysis): Reason[] {
  return a.onResource.allows
    .filter((h) => h.principal === 'account')
    .map((hit) => ({
      kind: 'resource-delegates-to-account',
      message: `${statementText(hit)} names account ${a.caller.account}, so IAM policies in that account decide.`,
      statement: refOf(hit),
    }));
}

function allowReasons(a: Analysis): Reason[] {
  const direct = directReasons(a);
  const limits = limitReasons(a);
  if (!a.resourcePolicy) return [...identityReasons(a), ...limits];
  if (a.crossAccount) return [...direct, ...delegationReasons(a), ...identityReasons(a), ...limits];
  if (a.resourcePolicyRequired) return direct.length > 0 ? [...direct, ...limits] : [...delegationReasons(a), ...identityReasons(a), ...limits];
  return [...direct, ...identityReasons(a), ...limits];
}

function denyReasons(a: Analysis): Reason[] {
  return allDenies(a).map((hit) => ({
    kind: 'explicit-deny',
    message: `${statementText(hit)} explicitly denies ${a.action} to ${a.caller.label}; an explicit deny overrides every allow.`,
    statement: refOf(hit),
  }));
}

function implicitDenyReasons(a: Analysis): Reason[] {
  const who = a.caller.label;
  const control = noAllowIn(a);
  if (control === 'scp' || control === 'rcp') {
    const what = control === 'scp' ? `the service control policies of ${who}'s account` : `the resource control policies of account ${a.resourceAccount}`;
    return [{ kind: 'organization-policy-does-not-allow', message: `At some level of the organization, none of ${what} allows ${a.action}; at every level (root, OUs, account) one must.` }];
  }
  if (a.crossAccountActionUnsupported) {
    return [{
      kind: 'resource-does-not-allow',
      message: `${a.action} cannot be used on a KMS key in another account: ${who} is in account ${a.caller.account} and the key in ${a.resourceAccount}, and KMS ignores cross-account permissions for this operation.`,
    }];
  }
  if (!a.resourcePolicy && a.crossAccount) {
    return [{
      kind: 'resource-does-not-allow',
      message: `${a.resource} is in account ${a.resourceAccount} and has no resource policy, so ${who} from account ${a.caller.account} cannot reach it.`,
    }];
  }
  const reasons: Reason[] = [];
  const delegations = delegationReasons(a);
  const resourceAllows = directReasons(a).length > 0 || delegations.length > 0;
  const identityAllowed = identityAllows(a);
  const names = a.identityPolicies.map((p) => p.name);
  if (a.resourcePolicy && (a.resourcePolicyRequired || a.crossAccount) && !resourceAllows) {
    reasons.push({
      kind: 'resource-does-not-allow',
      message: `No statement of the ${a.resourcePolicy.name} allows ${a.action} to ${who}, either by naming them or by naming their account${a.crossAccount ? ` (${a.caller.account})` : ''}.`,
    });
  }
  reasons.push(...identityReasons(a), ...delegations);
  const identityNeeded = !a.resourcePolicy || a.crossAccount || (a.resourcePolicyRequired ? delegations.length > 0 : true);
  if (!identityAllowed && identityNeeded) {
    reasons.push({
      kind: 'identity-does-not-allow',
      message: names.length > 0 ? `None of ${who}'s policies (${names.join(', ')}) allows ${a.action} on ${a.resource}.` : `The caller, ${who}, has no identity policies, so none allows ${a.action}.`,
    });
  }
  if (!a.resourcePolicy && !identityAllowed && a.identityPolicies.length === 0) {
    reasons.push({ kind: 'no-statement-allows', message: `No policy allows ${a.action} on ${a.resource}.` });
  }
  reasons.push(...limitDenyReasons(a));
  for (const miss of allNearMisses(a)) {
    reasons.push({
      kind: 'would-allow',
      message: `${statementText(miss)} would allow ${a.action}, but its condition ${miss.failed.operator} on ${miss.failed.key} does not hold for this request.`,
      statement: refOf(miss),
      condition: { operator: miss.failed.operator, key: miss.failed.key },
    });
  }
  const principalArn = a.caller.roleArn ?? a.caller.arn;
  for (const other of a.onResource.otherPrincipals.slice(0, 3)) {
    reasons.push({
      kind: 'would-allow',
      message: `${statementText(other)} allows ${a.action} but does not name ${who}; adding ${principalArn} to its principals would allow it.`,
      statement: refOf(other),
    });
  }
  if (reasons.every((r) => r.kind !== 'would-allow')) reasons.push(suggestion(a, resourceAllows, identityAllowed));
  return reasons;
}

/** The permissions boundary or the session policies that leave out the action, when an allow elsewhere needed them. */
function limitDenyReasons(a: Analysis): Reason[] {
  const needed = identityAllows(a) || (!a.crossAccount && resourceAllowsRole(a));
  if (!needed) return [];
  const what = identityAllows(a) ? 'no identity policy can grant it' : `the ${a.resourcePolicy?.name} names ${a.caller.roleArn ?? a.caller.arn}, a role, and a grant to a role is limited too`;
  const reasons: Reason[] = [];
  if (!boundaryAllows(a) && a.permissionsBoundary) {
    reasons.push({
      kind: 'boundary-does-not-allow',
      message: `The permissions boundary ${a.permissionsBoundary.name} of ${a.caller.label} does not allow ${a.action} on ${a.resource}, so ${what}.`,
    });
  }
  if (!sessionAllows(a)) {
    reasons.push({
      kind: 'session-policy-does-not-allow',
      message: `No session policy of ${a.caller.label} (${a.sessionPolicies.map((p) => p.name).join(', ')}) allows ${a.action} on ${a.resource}, so ${what}.`,
    });
  }
  return reasons;
}

function suggestion(a: Analysis, resourceAllows: boolean, identityAllowed: boolean): Reason {
  const principalArn = a.caller.roleArn ?? a.caller.arn;
  const missing = noAllowIn(a);
  if (missing === 'boundary' && a.permissionsBoundary) {
    return { kind: 'would-allow', message: `A permissions boundary ${a.permissionsBoundary.name} that also allows ${a.action} would allow this, or a statement in a resource policy naming ${a.caller.arn} itself.` };
  }
  if (missing === 'session') {
    return { kind: 'would-allow', message: `A session that passes a session policy allowing ${a.action} (or none) would allow this.` };
  }
  if (a.resourcePolicy && a.resourcePolicyRequired && !resourceAllows) {
    return {
      kind: 'would-allow',
      message: `A statement in the ${a.resourcePolicy.name} that allows ${a.action} to ${principalArn} would allow this${identityAllowed ? '' : ', or one that names the account root together with an IAM policy allowing it'}.`,
    };
  }
  if (a.resourcePolicy && a.crossAccount && identityAllowed) {
    return { kind: 'would-allow', message: `A statement in the ${a.resourcePolicy.name} that allows ${a.action} to ${principalArn} or to account ${a.caller.account} would allow this.` };
  }
  return { kind: 'would-allow', message: `An identity policy of ${a.caller.label} that allows ${a.action} on ${a.resource} would allow this.` };
}

export function buildReasons(a: Analysis, decision: Decision): Reason[] {
  const leading = decision === 'explicitly-denied' ? denyReasons(a) : decision === 'allowed' ? allowReasons(a) : implicitDenyReasons(a);
  return [...leading, ...inputProblems(a)];
}
