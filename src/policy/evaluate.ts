// The decision, following AWS's policy evaluation logic:
// an explicit Deny anywhere wins; otherwise an Allow is needed from the side(s) the situation requires.
import { isIamRoleArn, isKmsKeyArn, parseArn } from './arn';
import { isCrossAccountKmsAction } from './kms-data';
import { describeCaller, type CallerIdentityInfo } from './caller';
import { compiledPolicyOf, statementsForAction, type CompiledPolicy, type CompiledStatement, type PolicyKind } from './compile';
import { conditionHolds, type CompiledCondition } from './conditions';
import { buildContext, variableLookup } from './context';
import { UnresolvedVariableError } from './variables';
import type { RequestContextView, VariableLookup } from './context-types';
import { matchPrincipal, principalChainListed, type PrincipalMatch } from './principal';
import type { EvaluationDetails, EvaluationRequest, EvaluationResult, NamedPolicy, PolicyDocument, Reason, StatementRef } from './types';

interface PolicyUnderTest {
  name: string;
  kind: PolicyKind;
  compiled: CompiledPolicy;
}

interface Hit {
  policy: PolicyUnderTest;
  statement: CompiledStatement;
  principal?: PrincipalMatch;
}

interface NearMiss extends Hit {
  failed: CompiledCondition;
}

interface Matching {
  caller: CallerIdentityInfo;
  action: string;
  resource: string;
  userId?: string;
  context: RequestContextView;
  lookup: VariableLookup;
}

function isNamedPolicy(value: unknown): value is NamedPolicy {
  return typeof value === 'object' && value !== null && 'document' in value && 'name' in value;
}

export function refOf(hit: Hit): StatementRef {
  return {
    policy: hit.policy.name,
    sid: hit.statement.sid,
    index: hit.statement.index,
    effect: hit.statement.effect,
    kind: hit.policy.kind,
  };
}

/** "statement 'Allow use of the key' (Allow) of the key policy" */
export function describeStatement(ref: StatementRef, withEffect = true): string {
  const which = ref.sid ? `statement '${ref.sid}'` : `statement #${ref.index + 1}`;
  const policy = ref.kind === 'resource' ? `the ${ref.policy}` : `policy ${ref.policy}`;
  return withEffect ? `${which} (${ref.effect}) of ${policy}` : `${which} of ${policy}`;
}

function resourceMatches(statement: CompiledStatement, m: Matching): boolean {
  let any = false;
  for (const matcher of statement.resourceMatchers) {
    if (matcher(m.resource, m.lookup)) {
      any = true;
      break;
    }
  }
  return any !== statement.resourceNegated;
}

function principalOf(statement: CompiledStatement, m: Matching): PrincipalMatch | undefined | 'n/a' {
  if (!statement.principal) return 'n/a';
  if (statement.principalNegated) return principalChainListed(statement.principal, m.caller, m.userId) ? undefined : 'direct';
  return matchPrincipal(statement.principal, m.caller, m.userId);
}

function failedCondition(statement: CompiledStatement, m: Matching): CompiledCondition | undefined {
  for (const condition of statement.conditions) if (!conditionHolds(condition, m.context, m.lookup)) return condition;
  return undefined;
}

interface Scan {
  allows: Hit[];
  denies: Hit[];
  nearMisses: NearMiss[];
  otherPrincipals: Hit[];
  unresolved: (Hit & { variable: string })[];
}

function emptyScan(): Scan {
  return { allows: [], denies: [], nearMisses: [], otherPrincipals: [], unresolved: [] };
}

function scan(policy: PolicyUnderTest, m: Matching, into: Scan): void {
  for (const statement of statementsForAction(policy.compiled, m.action)) {
    try {
      scanStatement(policy, statement, m, into);
    } catch (error) {
      // A policy variable without a value makes the statement invalid for this request.
      if (!(error instanceof UnresolvedVariableError)) throw error;
      into.unresolved.push({ policy, statement, variable: error.variable });
    }
  }
}

function scanStatement(policy: PolicyUnderTest, statement: CompiledStatement, m: Matching, into: Scan): void {
  if (!resourceMatches(statement, m)) return;
  const principal = principalOf(statement, m);
  if (principal === undefined) {
    if (statement.effect === 'Allow') into.otherPrincipals.push({ policy, statement });
    return;
  }
  const hit: Hit = { policy, statement, principal: principal === 'n/a' ? undefined : principal };
  const failed = failedCondition(statement, m);
  if (failed) {
    if (statement.effect === 'Allow') into.nearMisses.push({ ...hit, failed });
    return;
  }
  (statement.effect === 'Deny' ? into.denies : into.allows).push(hit);
}

function malformedReasons(policy: PolicyUnderTest): Reason[] {
  const reasons: Reason[] = [];
  const where = policy.kind === 'resource' ? `The ${policy.name}` : `Policy ${policy.name}`;
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function resourcePolicyName(req: EvaluationRequest, isKmsKey: boolean, isTrust: boolean): string {
  if (isNamedPolicy(req.resourcePolicy) && typeof req.resourcePolicy.name === 'string') return req.resourcePolicy.name;
  return isKmsKey ? 'key policy' : isTrust ? 'trust policy' : 'resource policy';
}

function conditionText(condition: CompiledCondition): string {
  return `${condition.operator} on ${condition.key}`;
}

export function evaluate(req: EvaluationRequest): EvaluationResult {
  try {
    return evaluateRequest(req);
  } catch (error) {
    return {
      decision: 'implicitly-denied',
      reasons: [{ kind: 'malformed-policy', message: `The request could not be evaluated: ${(error as Error)?.message ?? String(error)}.` }],
      request: req,
    };
  }
}

function evaluateRequest(req: EvaluationRequest): EvaluationResult {
  const principal = typeof req?.principal === 'string' ? req.principal : '';
  const action = typeof req?.action === 'string' ? req.action : '';
  const resource = typeof req?.resource === 'string' ? req.resource : '';
  const caller = describeCaller(principal);
  const context = buildContext(req, caller);
  const m: Matching = { caller, action, resource, userId: typeof req.userId === 'string' ? req.userId : undefined, context, lookup: variableLookup(context) };

  const isKmsKey = isKmsKeyArn(resource);
  const isTrust = isIamRoleArn(resource) && /^sts:AssumeRole/i.test(action);
  const resourceAccount = (typeof req.resourceAccount === 'string' && req.resourceAccount) || parseArn(resource)?.account || caller.account;
  const crossAccount = !!caller.account && !!resourceAccount && caller.account !== resourceAccount;
  const hasResourcePolicy = req.resourcePolicy !== undefined && req.resourcePolicy !== null;
  const resourcePolicyRequired = hasResourcePolicy && (req.resourcePolicyRequired ?? (isKmsKey || isTrust));

  const identityPolicies: PolicyUnderTest[] = (Array.isArray(req.identityPolicies) ? req.identityPolicies : []).map((p, i) => ({
    name: isNamedPolicy(p) && typeof p.name === 'string' ? p.name : `identity policy #${i + 1}`,
    kind: 'identity',
    compiled: compiledPolicyOf(isNamedPolicy(p) ? p.document : p, 'identity'),
  }));
  const resourcePolicy: PolicyUnderTest | undefined = hasResourcePolicy
    ? {
        name: resourcePolicyName(req, isKmsKey, isTrust),
        kind: 'resource',
        compiled: compiledPolicyOf(isNamedPolicy(req.resourcePolicy) ? req.resourcePolicy.document : (req.resourcePolicy as PolicyDocument | string), 'resource'),
      }
    : undefined;

  const identity = emptyScan();
  for (const policy of identityPolicies) scan(policy, m, identity);
  const onResource = emptyScan();
  if (resourcePolicy) scan(resourcePolicy, m, onResource);

  const reasons: Reason[] = [];
  for (const policy of resourcePolicy ? [...identityPolicies, resourcePolicy] : identityPolicies) reasons.push(...malformedReasons(policy));
  for (const skipped of [...identity.unresolved, ...onResource.unresolved]) {
    reasons.push({
      kind: 'malformed-policy',
      message: `${capitalise(describeStatement(refOf(skipped)))} does not apply to this request: its policy variable \${${skipped.variable}} has no value here.`,
      statement: refOf(skipped),
    });
  }

  const rootUser = caller.kind === 'root';
  const direct = onResource.allows.filter((h) => h.principal === 'direct');
  const delegations = onResource.allows.filter((h) => h.principal === 'account');
  const denies = [...identity.denies, ...onResource.denies];
  const details: EvaluationDetails = {
    callerLabel: caller.label,
    callerAccount: caller.account,
    resourceAccount,
    crossAccount,
    resourcePolicyName: resourcePolicy?.name,
    resourcePolicyRequired,
    isKmsKey,
    identityPolicyNames: identityPolicies.map((p) => p.name),
    identityAllows: identity.allows.map(refOf),
    resourceAllows: direct.map(refOf),
    resourceDelegations: delegations.map(refOf),
    denies: denies.map(refOf),
    rootUser,
    nearMisses: [...onResource.nearMisses, ...identity.nearMisses].map((miss) => ({
      ...refOf(miss),
      condition: { operator: miss.failed.operator, key: miss.failed.key },
    })),
    otherPrincipals: onResource.otherPrincipals.map(refOf),
    crossAccountActionUnsupported: isKmsKey && crossAccount && !isCrossAccountKmsAction(action),
  };
  const result = (decision: EvaluationResult['decision']): EvaluationResult => ({ decision, reasons, request: req, details });

  if (denies.length > 0) {
    for (const hit of denies) {
      reasons.unshift({
        kind: 'explicit-deny',
        message: `${capitalise(describeStatement(refOf(hit)))} explicitly denies ${action} to ${caller.label}; an explicit deny overrides every allow.`,
        statement: refOf(hit),
      });
    }
    return result('explicitly-denied');
  }

  // The root user needs no identity policy in its own account; service principals have none.
  const identityAllows = identity.allows.length > 0 || rootUser;
  const identityReasons: Reason[] = identity.allows.map((hit) => ({
    kind: 'allowed-by-identity',
    message: `${capitalise(describeStatement(refOf(hit)))} allows ${action} on ${resource}.`,
    statement: refOf(hit),
  }));
  if (rootUser && identity.allows.length === 0) {
    identityReasons.push({ kind: 'allowed-by-identity', message: `The caller, ${caller.label}, needs no identity policy: an account's root user may do anything that no policy denies.` });
  }
  const directReasons: Reason[] = direct.map((hit) => ({
    kind: 'allowed-by-resource',
    message: `${capitalise(describeStatement(refOf(hit)))} allows ${action} to ${caller.label}.`,
    statement: refOf(hit),
  }));
  const delegationReasons: Reason[] = delegations.map((hit) => ({
    kind: 'resource-delegates-to-account',
    message: `${capitalise(describeStatement(refOf(hit)))} names account ${caller.account}, so IAM policies in that account decide.`,
    statement: refOf(hit),
  }));

  if (details.crossAccountActionUnsupported) {
    reasons.unshift({
      kind: 'resource-does-not-allow',
      message: `${action} cannot be used on a KMS key in another account: ${caller.label} is in account ${caller.account} and the key in ${resourceAccount}, and KMS ignores cross-account permissions for this operation.`,
    });
    return result('implicitly-denied');
  }

  let allowed: boolean;
  if (!resourcePolicy && crossAccount) {
    reasons.unshift({
      kind: 'resource-does-not-allow',
      message: `${resource} is in account ${resourceAccount} and has no resource policy, so ${caller.label} from account ${caller.account} cannot reach it.`,
    });
    return result('implicitly-denied');
  }
  if (!resourcePolicy) {
    allowed = identityAllows;
    if (allowed) reasons.unshift(...identityReasons);
  } else if (crossAccount) {
    const resourceSide = direct.length > 0 || delegations.length > 0;
    allowed = identityAllows && resourceSide;
    if (allowed) reasons.unshift(...directReasons, ...delegationReasons, ...identityReasons);
  } else if (resourcePolicyRequired) {
    allowed = direct.length > 0 || (delegations.length > 0 && identityAllows);
    if (direct.length > 0) reasons.unshift(...directReasons);
    else if (allowed) reasons.unshift(...delegationReasons, ...identityReasons);
  } else {
    allowed = direct.length > 0 || identityAllows;
    if (allowed) reasons.unshift(...directReasons, ...(identityAllows ? identityReasons : []));
  }
  if (allowed) return result('allowed');

  reasons.unshift(...implicitDenyReasons({ m, identity, onResource, resourcePolicy, crossAccount, resourcePolicyRequired, identityAllows, identityReasons, delegationReasons, directReasons, identityPolicies }));
  return result('implicitly-denied');
}

interface DenyInputs {
  m: Matching;
  identity: Scan;
  onResource: Scan;
  resourcePolicy?: PolicyUnderTest;
  crossAccount: boolean;
  resourcePolicyRequired: boolean;
  identityAllows: boolean;
  identityReasons: Reason[];
  delegationReasons: Reason[];
  directReasons: Reason[];
  identityPolicies: PolicyUnderTest[];
}

function implicitDenyReasons(d: DenyInputs): Reason[] {
  const { m, identity, onResource, resourcePolicy } = d;
  const who = m.caller.label;
  const reasons: Reason[] = [];
  const names = d.identityPolicies.map((p) => p.name);
  const policiesText = names.length > 0 ? `${who}'s policies (${names.join(', ')})` : `${who} has no identity policies, so nothing`;
  const resourceAllows = d.directReasons.length > 0 || d.delegationReasons.length > 0;

  if (resourcePolicy && (d.resourcePolicyRequired || d.crossAccount) && !resourceAllows) {
    reasons.push({
      kind: 'resource-does-not-allow',
      message: `No statement of the ${resourcePolicy.name} allows ${m.action} to ${who}, either by naming them or by naming their account${d.crossAccount ? ` (${m.caller.account})` : ''}.`,
    });
  }
  if (d.identityReasons.length > 0) reasons.push(...d.identityReasons);
  reasons.push(...d.delegationReasons);
  const identityNeeded = !resourcePolicy || d.crossAccount || (d.resourcePolicyRequired ? d.delegationReasons.length > 0 : true);
  if (!d.identityAllows && identityNeeded) {
    reasons.push({
      kind: 'identity-does-not-allow',
      message: names.length > 0 ? `None of ${policiesText} allows ${m.action} on ${m.resource}.` : `The caller, ${who}, has no identity policies, so none allows ${m.action}.`,
    });
  }
  if (!resourcePolicy && !d.identityAllows && d.identityPolicies.length === 0) {
    reasons.push({ kind: 'no-statement-allows', message: `No policy allows ${m.action} on ${m.resource}.` });
  }
  for (const miss of [...onResource.nearMisses, ...identity.nearMisses]) {
    reasons.push({
      kind: 'would-allow',
      message: `${capitalise(describeStatement(refOf(miss)))} would allow ${m.action}, but its condition ${conditionText(miss.failed)} does not hold for this request.`,
      statement: refOf(miss),
      condition: { operator: miss.failed.operator, key: miss.failed.key },
    });
  }
  for (const other of onResource.otherPrincipals.slice(0, 3)) {
    reasons.push({
      kind: 'would-allow',
      message: `${capitalise(describeStatement(refOf(other)))} allows ${m.action} but does not name ${who}; adding ${who === m.caller.arn ? who : m.caller.roleArn ?? m.caller.arn} to its principals would allow it.`,
      statement: refOf(other),
    });
  }
  if (reasons.every((r) => r.kind !== 'would-allow')) reasons.push(suggestion(d));
  return reasons;
}

function suggestion(d: DenyInputs): Reason {
  const { m, resourcePolicy } = d;
  const principalArn = m.caller.roleArn ?? m.caller.arn;
  if (resourcePolicy && d.resourcePolicyRequired && d.delegationReasons.length === 0 && d.directReasons.length === 0) {
    return {
      kind: 'would-allow',
      message: `A statement in the ${resourcePolicy.name} that allows ${m.action} to ${principalArn} would allow this${d.identityAllows ? '' : ', or one that names the account root together with an IAM policy allowing it'}.`,
    };
  }
  if (resourcePolicy && d.crossAccount && d.identityAllows) {
    return { kind: 'would-allow', message: `A statement in the ${resourcePolicy.name} that allows ${m.action} to ${principalArn} or to account ${m.caller.account} would allow this.` };
  }
  return { kind: 'would-allow', message: `An identity policy of ${m.caller.label} that allows ${m.action} on ${m.resource} would allow this.` };
}
