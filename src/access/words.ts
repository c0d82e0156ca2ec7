// Each lock's verdict in one plain sentence, such as "the key policy does not name kms-lab-test-user, and it
// delegates to IAM, where no policy of this user allows kms:Decrypt".
import type { EvaluationDetails, StatementRef } from '../policy';
import { grantLabel } from './grants';
import type { Explained } from './evaluation';
import type { GrantRef } from './types';

export interface Subject {
  /** "kms-lab-test-user", "role Admin", "the account root user". */
  who: string;
  /** "this user", "this role", "this principal". */
  self: string;
}

function statementName(ref: StatementRef): string {
  return ref.sid ? `statement '${ref.sid}'` : `statement #${ref.index + 1}`;
}

function listOf(items: string[], conjunction = 'and'): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} ${conjunction} ${unique[unique.length - 1]}`;
}

function where(ref: StatementRef, resourceName: string): string {
  switch (ref.kind) {
    case 'resource':
      return resourceName;
    case 'boundary':
      return `the permissions boundary ${ref.policy}`;
    case 'session':
      return `the session policy ${ref.policy}`;
    case 'scp':
      return `the service control policy ${ref.policy}`;
    case 'rcp':
      return `the resource control policy ${ref.policy}`;
    default:
      return ref.policy;
  }
}

function cited(refs: StatementRef[], resourceName: string): string {
  return listOf(refs.map((r) => `${where(r, resourceName)} (${statementName(r)})`));
}

/** "dynamodb:GetItem, Query and Scan" */
export function actionsText(actions: string[], conjunction = 'and'): string {
  if (actions.length === 0) return '';
  const [first, ...rest] = actions;
  return listOf([first, ...rest.map((a) => a.split(':')[1] ?? a)], conjunction);
}

function nearMissText(d: EvaluationDetails, resourceName: string): string {
  const miss = d.nearMisses[0];
  if (!miss) return '';
  return `; ${statementName(miss)} of ${where(miss, resourceName)} would allow it, but its condition ${miss.condition.operator} on ${miss.condition.key} does not hold`;
}

function limitText(d: EvaluationDetails, action: string): string {
  if (d.noAllowIn === 'boundary') return `the permissions boundary ${d.boundaryName} does not allow ${action}`;
  return `no session policy allows ${action}`;
}

/** The organization's guardrail that left no allow, or undefined. */
function controlText(d: EvaluationDetails, action: string): string | undefined {
  if (d.noAllowIn === 'scp') return `the service control policies of account ${d.callerAccount} do not allow ${action} at every level of the organization`;
  if (d.noAllowIn === 'rcp') return `the resource control policies of account ${d.resourceAccount} do not allow ${action} at every level of the organization`;
  return undefined;
}

function conditionalText(explained: Explained): string {
  return explained.opening.verdict === 'conditional' && explained.opening.text ? `, but ${explained.opening.text}` : '';
}

export function keyReason(s: Subject, explained: Explained, grant: GrantRef | undefined): string {
  const action = 'kms:Decrypt';
  const result = explained.result;
  const d = result.details;
  if (grant && result.decision !== 'allowed') {
    const constrained = grant.constraints ? ' for this table\'s encryption context' : '';
    return `${grantLabel(grant)} gives ${s.who} Decrypt${constrained}, though the key policy alone would not`;
  }
  if (!d) return result.reasons.map((r) => r.message).join(' ');
  if (result.decision === 'allowed') {
    if (d.resourceAllows.length > 0 && !d.crossAccount) return `the key policy allows ${action} to ${s.who} in ${listOf(d.resourceAllows.map(statementName))}${conditionalText(explained)}`;
    if (d.rootUser && d.identityAllows.length === 0) return `the key policy names the account, which lets its root user use the key${conditionalText(explained)}`;
    return `the key policy delegates to IAM (${listOf(d.resourceDelegations.map(statementName))}), and ${cited(d.identityAllows, 'the key policy')} of ${s.self} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${action}${conditionalText(explained)}`;
  }
  if (result.decision === 'explicitly-denied') return `${cited(d.denies, 'the key policy')} explicitly ${d.denies.length > 1 ? 'deny' : 'denies'} ${action} to ${s.who}`;
  const control = controlText(d, action);
  if (control) return control;
  const delegates = d.resourceDelegations.length > 0;
  switch (d.noAllowIn) {
    case 'resource':
      return `the key policy does not name ${s.who} and does not delegate to IAM, and no grant gives ${s.who} Decrypt on this table's data${nearMissText(d, 'the key policy')}`;
    case 'boundary':
    case 'session': {
      const opened =
        (d.resourceRoleAllows?.length ?? 0) > 0
          ? `the key policy names ${s.who}'s role (${listOf((d.resourceRoleAllows ?? []).map(statementName))})`
          : `the key policy delegates to IAM, and ${cited(d.identityAllows, 'the key policy')} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${action}`;
      return `${opened}, but ${limitText(d, action)}, and that caps it`;
    }
    default:
      return delegates
        ? `the key policy does not name ${s.who}, and it delegates to IAM, where no policy of ${s.self} allows ${action}${nearMissText(d, 'the key policy')}`
        : `no policy allows ${action} to ${s.who}${nearMissText(d, 'the key policy')}`;
  }
}

export function tableReason(s: Subject, explained: Explained, allowedActions: string[], allActions: string[]): string {
  const result = explained.result;
  const d = result.details;
  if (!d) return result.reasons.map((r) => r.message).join(' ');
  const tablePolicy = "the table's resource policy";
  if (result.decision === 'allowed') {
    const actions = actionsText(allowedActions);
    if (d.resourceAllows.length > 0 && !d.crossAccount) return `${tablePolicy} allows ${actions} to ${s.who} (${listOf(d.resourceAllows.map(statementName))})${conditionalText(explained)}`;
    if (d.rootUser && d.identityAllows.length === 0) return `the account root user may read the table: no policy denies it${conditionalText(explained)}`;
    const within = d.boundaryName ? `, within the permissions boundary ${d.boundaryName}` : '';
    return `${cited(d.identityAllows, tablePolicy)} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${actions} on the table${within}${conditionalText(explained)}`;
  }
  if (result.decision === 'explicitly-denied') return `${cited(d.denies, tablePolicy)} explicitly ${d.denies.length > 1 ? 'deny' : 'denies'} ${actionsText(allActions)} to ${s.who}`;
  const any = actionsText(allActions, 'or');
  const control = controlText(d, any);
  if (control) return control;
  switch (d.noAllowIn) {
    case 'resource':
      return d.resourcePolicyName
        ? `${tablePolicy} allows neither ${s.who} nor account ${d.callerAccount} to read the table`
        : `the table has no resource policy, so ${s.who} from account ${d.callerAccount} cannot reach it`;
    case 'boundary':
    case 'session': {
      const opened =
        (d.resourceRoleAllows?.length ?? 0) > 0
          ? `${tablePolicy} names ${s.who}'s role (${listOf((d.resourceRoleAllows ?? []).map(statementName))})`
          : `${cited(d.identityAllows, tablePolicy)} ${d.identityAllows.length > 1 ? 'allow' : 'allows'} ${any}`;
      return `${opened}, but ${limitText(d, any)}, and that caps it`;
    }
    default: {
      const named = d.resourcePolicyName ? `, and ${tablePolicy} does not name ${s.who}` : '';
      return `no policy of ${s.self} allows ${any} on the table${named}${nearMissText(d, tablePolicy)}`;
    }
  }
}
