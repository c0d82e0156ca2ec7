// The account's organization policies as the access analysis evaluates them: the SCPs and RCPs attached along the
// account's path from the root, level by level, read from the snapshot; and what the report says about them.
import type { NamedPolicy, OrganizationView } from '../policy';
import { decodePolicyDocument } from './documents';
import type { AccessReport, AccountSnapshot, PolicySource } from './types';

export interface OrganizationFacts {
  /** unknown: Organizations could not be read; none: the account is in no organization; known: its policies are here. */
  status: 'unknown' | 'none' | 'known';
  view?: OrganizationView;
  /** Where each organization policy comes from, for the deciding statements. */
  sources: Map<NamedPolicy, PolicySource>;
  /** What aws:PrincipalOrgPaths and aws:ResourceOrgPaths hold for this account: "o-…/r-…/ou-…/". */
  orgPath?: string;
  /** Why the policies are not evaluated, when they are not. */
  note?: string;
}

const SCP = 'SERVICE_CONTROL_POLICY';
const RCP = 'RESOURCE_CONTROL_POLICY';

const cache = new WeakMap<AccountSnapshot, OrganizationFacts>();

export function organizationFacts(snapshot: AccountSnapshot): OrganizationFacts {
  let facts = cache.get(snapshot);
  if (!facts) cache.set(snapshot, (facts = build(snapshot)));
  return facts;
}

function build(snapshot: AccountSnapshot): OrganizationFacts {
  const sources = new Map<NamedPolicy, PolicySource>();
  const org = snapshot.organization;
  if (!org) {
    const refused = snapshot.missing.find((m) => m.action.startsWith('organizations:'));
    return {
      status: 'unknown',
      sources,
      note: `Service control policies (SCPs) and resource control policies (RCPs) of AWS Organizations: ${refused ? `they could not be read (${refused.action}: ${refused.reason})` : 'they were not collected'}.`,
    };
  }
  if (!org.Organization?.Id) return { status: 'none', sources };
  const contents = new Map(org.Policies.map((p) => [p.PolicySummary?.Id ?? '', p]));
  const byId = new Map<string, NamedPolicy>();
  const policyOf = (id: string, target: string, type: string): NamedPolicy | undefined => {
    let policy = byId.get(id);
    const found = contents.get(id);
    if (!policy) {
      if (found?.Content === undefined) return undefined;
      policy = { name: found.PolicySummary?.Name ?? id, document: decodePolicyDocument(found.Content) };
      byId.set(id, policy);
      sources.set(policy, { type: type === SCP ? 'scp' : 'rcp', arn: found.PolicySummary?.Arn ?? id, target });
    } else {
      const source = sources.get(policy);
      if (source && !source.target?.split(', ').includes(target)) source.target = `${source.target}, ${target}`;
    }
    return policy;
  };
  const levels = (type: string): NamedPolicy[][] | undefined => {
    const out: NamedPolicy[][] = [];
    for (const level of org.Path) {
      const list: NamedPolicy[] = [];
      for (const summary of level.Policies.filter((p) => p.Type === type)) {
        const policy = policyOf(summary.Id ?? '', level.Id, type);
        if (!policy) return undefined;
        list.push(policy);
      }
      out.push(list);
    }
    // A policy type is in force only when it is enabled, and then every target has at least one policy of it.
    return out.length > 0 && out[0].length > 0 ? out : [];
  };
  const scps = levels(SCP);
  const rcps = levels(RCP);
  if (!scps || !rcps) return { status: 'unknown', sources, note: 'Service control policies (SCPs) and resource control policies (RCPs) of AWS Organizations: the document of a policy attached to the account\'s path could not be read (organizations:DescribePolicy).' };
  const view: OrganizationView = {
    organizationId: org.Organization.Id,
    managementAccountId: org.Organization.MasterAccountId ?? '',
    accountId: snapshot.accountId,
    serviceControlPolicies: scps,
    resourceControlPolicies: rcps,
  };
  const ous = org.Path.filter((l) => l.Type !== 'ACCOUNT').map((l) => `${l.Id}/`).join('');
  const facts: OrganizationFacts = { status: 'known', view, sources, orgPath: `${view.organizationId}/${ous}` };
  if (view.managementAccountId === snapshot.accountId) facts.note = `Account ${snapshot.accountId} is the management account of organization ${view.organizationId}: its SCPs and RCPs do not apply to it.`;
  return facts;
}

/** What the report says about the organization: its id and the policies that bound the account. */
export function reportOrganization(facts: OrganizationFacts): AccessReport['organization'] {
  if (facts.status !== 'known' || !facts.view) return undefined;
  const names = (levels: NamedPolicy[][]) => [...new Set(levels.flat().map((p) => p.name))];
  return {
    organizationId: facts.view.organizationId,
    managementAccountId: facts.view.managementAccountId,
    serviceControlPolicies: names(facts.view.serviceControlPolicies),
    resourceControlPolicies: names(facts.view.resourceControlPolicies),
  };
}
