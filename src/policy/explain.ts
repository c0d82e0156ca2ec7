// Plain sentences for people, shown next to a decision. Built from the structured result, not from reason texts.
import type { EvaluationDetails, EvaluationResult, StatementRef } from './types';

export interface ExplainOptions {
  /** How to name the resource, e.g. "alias/kms-lab". */
  resourceLabel?: string;
  /** How to name the caller, e.g. "user/test". */
  principalLabel?: string;
}

function statementName(ref: StatementRef): string {
  return ref.sid ? `statement '${ref.sid}'` : `statement #${ref.index + 1}`;
}

function listOf(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Names {
  who: string;
  action: string;
  /** "alias/kms-lab", or the resource ARN. */
  resource: string;
  /** "this key" / "this resource" once the resource has been named. */
  it: string;
  /** "The key policy of alias/kms-lab". */
  resourcePolicy: string;
}

function namesOf(result: EvaluationResult, details: EvaluationDetails, options: ExplainOptions): Names {
  const resource = options.resourceLabel ?? String(result.request.resource ?? '');
  const policyName = details.resourcePolicyName ?? 'resource policy';
  return {
    who: options.principalLabel ?? details.callerLabel,
    action: String(result.request.action ?? ''),
    resource,
    it: details.isKmsKey ? 'this key' : options.resourceLabel ? resource : 'this resource',
    resourcePolicy: `The ${policyName} of ${resource}`,
  };
}

function identityStatementText(refs: StatementRef[]): string {
  return listOf(refs.map((r) => `${r.policy} (${statementName(r)})`));
}

export function explain(result: EvaluationResult, options: ExplainOptions = {}): string[] {
  const details = result.details;
  if (!details) return result.reasons.map((r) => r.message);
  const n = namesOf(result, details, options);
  const sentences =
    result.decision === 'explicitly-denied'
      ? explainDeny(details, n)
      : result.decision === 'allowed'
        ? explainAllow(details, n)
        : explainImplicitDeny(details, n);
  if (details.inputProblems) sentences.push(...details.inputProblems);
  return sentences;
}

function policyWhere(ref: StatementRef, n: Names): string {
  switch (ref.kind) {
    case 'resource':
      return n.resourcePolicy;
    case 'boundary':
      return `The permissions boundary ${ref.policy}`;
    case 'session':
      return `The session policy ${ref.policy}`;
    case 'scp':
      return `The service control policy ${ref.policy}`;
    case 'rcp':
      return `The resource control policy ${ref.policy}`;
    default:
      return `Policy ${ref.policy}`;
  }
}

function explainDeny(d: EvaluationDetails, n: Names): string[] {
  return d.denies.map((ref) => `${policyWhere(ref, n)} explicitly denies ${n.action} to ${n.who} in its ${statementName(ref)}. An explicit deny overrides every allow.`);
}

/** How the permissions boundary and the session policies bore on an allowed request. */
function limitSentences(d: EvaluationDetails, n: Names, directGrant: boolean): string[] {
  const sentences: string[] = [];
  if (d.boundaryName) {
    sentences.push(
      directGrant && (d.boundaryAllows?.length ?? 0) === 0
        ? `The permissions boundary ${d.boundaryName} does not allow ${n.action}, but it does not limit a grant that names ${n.who} directly.`
        : `It is within the permissions boundary ${d.boundaryName} (${listOf((d.boundaryAllows ?? []).map(statementName))}).`,
    );
  }
  if (d.sessionPolicyNames) {
    sentences.push(
      directGrant && (d.sessionAllows?.length ?? 0) === 0
        ? `No session policy allows ${n.action}, but session policies do not limit a grant that names the session directly.`
        : `It is within the session policies (${listOf((d.sessionAllows ?? []).map((r) => `${r.policy} ${statementName(r)}`))}).`,
    );
  }
  return sentences;
}

/** Why an allow elsewhere did not count: the permissions boundary or the session policies leave the action out. */
function explainLimitDeny(d: EvaluationDetails, n: Names): string[] {
  const limit =
    d.noAllowIn === 'boundary'
      ? `the permissions boundary ${d.boundaryName} does not allow ${n.action}`
      : `no session policy of this session (${(d.sessionPolicyNames ?? []).join(', ')}) allows ${n.action}`;
  const sentences: string[] = [];
  if (d.identityAllows.length > 0) {
    const policies = `${n.who}'s IAM ${d.identityAllows.length > 1 ? 'policies' : 'policy'} ${identityStatementText(d.identityAllows)} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${n.action}`;
    const lead =
      d.resourceDelegations.length > 0 && d.resourcePolicyRequired
        ? `${n.resourcePolicy} lets IAM policies grant access (${listOf(d.resourceDelegations.map(statementName))}), and ${policies}`
        : policies;
    sentences.push(`${lead}, but ${limit}, and that caps what IAM policies can grant.`);
  }
  if ((d.resourceRoleAllows?.length ?? 0) > 0) {
    sentences.push(`${n.resourcePolicy} allows ${n.action} to the role in its ${listOf((d.resourceRoleAllows ?? []).map(statementName))}, but a grant that names the role (not this session) is limited too, and ${limit}.`);
  }
  if (sentences.length === 0) sentences.push(`${capitalise(limit)}.`);
  return sentences;
}

function explainAllow(d: EvaluationDetails, n: Names): string[] {
  const sentences = explainAllowWithoutLimits(d, n);
  if (!d.boundaryName && !d.sessionPolicyNames) return sentences;
  const roleOnly = new Set((d.resourceRoleAllows ?? []).map((r) => r.index));
  const directGrant = !d.crossAccount && d.resourceAllows.some((r) => !roleOnly.has(r.index));
  return [...sentences, ...limitSentences(d, n, directGrant)];
}

function explainAllowWithoutLimits(d: EvaluationDetails, n: Names): string[] {
  if (d.resourceAllows.length > 0 && (d.resourcePolicyRequired || d.identityAllows.length === 0 || !d.crossAccount)) {
    const sentences = [`${n.resourcePolicy} allows ${n.action} to ${n.who} in its ${listOf(d.resourceAllows.map(statementName))}.`];
    if (d.crossAccount) sentences.push(identityAllowSentence(d, n, true));
    return sentences;
  }
  if (d.resourcePolicyName && (d.resourcePolicyRequired || d.crossAccount)) {
    const grants = d.resourceAllows.length > 0 ? d.resourceAllows : d.resourceDelegations;
    const how = d.resourceAllows.length > 0 ? `allows ${n.action} to ${n.who}` : `lets IAM policies in account ${d.callerAccount} grant access`;
    return [`${n.resourcePolicy} ${how} (${listOf(grants.map(statementName))}).`, identityAllowSentence(d, n, false)];
  }
  return [identityAllowSentence(d, n, false)];
}

function identityAllowSentence(d: EvaluationDetails, n: Names, also: boolean): string {
  if (d.identityAllows.length === 0 && d.rootUser) return `The caller, ${n.who}, is an account's root user, which needs no IAM policy.`;
  return `${also ? 'Also, ' : ''}${n.who}'s IAM ${d.identityAllows.length > 1 ? 'policies' : 'policy'} ${identityStatementText(d.identityAllows)} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${n.action} on ${n.it}.`;
}

function noIdentityAllowSentence(d: EvaluationDetails, n: Names): string {
  if (d.identityPolicyNames.length === 0) return `the caller, ${n.who}, has no IAM policies, so none allows ${n.action} on ${n.it}.`;
  return `none of ${n.who}'s policies (${d.identityPolicyNames.join(', ')}) allows ${n.action} on ${n.it}.`;
}

function explainImplicitDeny(d: EvaluationDetails, n: Names): string[] {
  if (d.noAllowIn === 'boundary' || d.noAllowIn === 'session') return explainLimitDeny(d, n);
  if (d.noAllowIn === 'scp') return [`The service control policies of account ${d.callerAccount} (${(d.serviceControlPolicyNames ?? []).join(', ')}) do not allow ${n.action} at every level of the organization, so no policy of the account can grant it.`];
  if (d.noAllowIn === 'rcp') return [`The resource control policies of account ${d.resourceAccount} (${(d.resourceControlPolicyNames ?? []).join(', ')}) do not allow ${n.action} on ${n.it} at every level of the organization.`];
  const sentences: string[] = [];
  const identityMissing = d.identityAllows.length === 0 && !d.rootUser;
  if (d.crossAccountActionUnsupported) {
    return [`${n.action} cannot be used on a KMS key from another account: the caller, ${n.who}, is in account ${d.callerAccount} and ${n.resource} in account ${d.resourceAccount}. No policy can change that.`];
  }
  if (!d.resourcePolicyName && d.crossAccount) {
    sentences.push(`${capitalise(n.resource)} belongs to account ${d.resourceAccount} and has no resource policy, so the caller, ${n.who}, from account ${d.callerAccount}, cannot reach it.`);
  } else if (!d.resourcePolicyName) {
    sentences.push(capitalise(noIdentityAllowSentence(d, n)));
  } else if (d.crossAccount) {
    sentences.push(`The caller, ${n.who}, is in account ${d.callerAccount} and ${n.resource} in account ${d.resourceAccount}: both the ${d.resourcePolicyName} and ${n.who}'s IAM policies must allow ${n.action}.`);
    if (d.resourceAllows.length === 0 && d.resourceDelegations.length === 0) {
      sentences.push(`${n.resourcePolicy} names neither ${n.who} nor account ${d.callerAccount}.`);
    }
    if (identityMissing) sentences.push(capitalise(noIdentityAllowSentence(d, n)));
  } else if (d.resourcePolicyRequired) {
    if (d.resourceDelegations.length > 0) {
      const delegation = d.resourceDelegations.length === 1 ? `Its ${statementName(d.resourceDelegations[0])} lets` : `Its ${listOf(d.resourceDelegations.map(statementName))} let`;
      sentences.push(`${n.resourcePolicy} does not name ${n.who}. ${delegation} IAM policies grant access, but ${noIdentityAllowSentence(d, n)}`);
    } else {
      sentences.push(`${n.resourcePolicy} does not allow ${n.action} to ${n.who}, and it does not let IAM policies grant access to ${n.it}, so no IAM policy can help.`);
    }
  } else {
    sentences.push(`Neither ${n.resourcePolicy.charAt(0).toLowerCase() + n.resourcePolicy.slice(1)} nor ${n.who}'s IAM policies allow ${n.action}.`);
  }
  for (const miss of d.nearMisses) {
    const where = miss.kind === 'resource' ? `the ${d.resourcePolicyName}` : `policy ${miss.policy}`;
    sentences.push(`${capitalise(statementName(miss))} of ${where} would allow it, but its condition ${miss.condition.operator} on ${miss.condition.key} does not hold.`);
  }
  if (d.otherPrincipals.length > 0) {
    sentences.push(`${capitalise(listOf(d.otherPrincipals.map(statementName)))} of the ${d.resourcePolicyName} ${d.otherPrincipals.length > 1 ? 'allow' : 'allows'} ${n.action} to other principals; adding ${n.who} there would allow it.`);
  } else if (d.resourcePolicyRequired && !d.crossAccount && d.resourceDelegations.length === 0 && d.nearMisses.length === 0) {
    sentences.push(`Adding ${n.who} to the ${d.resourcePolicyName} would allow it.`);
  }
  return sentences;
}
