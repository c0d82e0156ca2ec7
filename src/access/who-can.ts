// whoCan(): one row per principal, with the table lock and the key lock decided as AWS decides them.
import { AlikePrincipals } from './alike';
import { knownKeyPredicate } from './context';
import { RequestEvaluator } from './evaluation';
import { indexPrincipals, type PrincipalEntry, type PrincipalIndex } from './principals';
import { resolveEntry, rootArn } from './roster';
import { organizationFacts, reportOrganization } from './organization';
import { RowContexts } from './row-contexts';
import { ReportBuilder } from './rows';
import { namedPrincipals, tableFacts, type PolicyMemo } from './table-facts';
import type { AccessReport, AccountSnapshot, WhoCanOptions } from './types';

export { TABLE_READ_ACTIONS } from './rows';

const NOT_EVALUATED = [
  'Session policies and session tags of role sessions: they are chosen when the role is assumed. Rows for roles show a session without them.',
  'VPC endpoint policies: they depend on the network path of each request.',
];

const CACHE_NOTE = 'DynamoDB caches the table key for up to 5 minutes per caller, so a revoked permission can still work for that long.';

interface SnapshotCache extends PolicyMemo {
  index: PrincipalIndex;
  evaluators: Map<string, RequestEvaluator>;
  rowContexts: RowContexts;
  sameActions: Map<string, WeakMap<PrincipalEntry, boolean>>;
  alike: AlikePrincipals;
}

const caches = new WeakMap<AccountSnapshot, SnapshotCache>();

function cacheOf(snapshot: AccountSnapshot): SnapshotCache {
  let cache = caches.get(snapshot);
  if (!cache) {
    cache = { index: indexPrincipals(snapshot), evaluators: new Map(), rowContexts: new RowContexts(), keyPolicies: new Map(), tablePolicies: new Map(), sameActions: new Map(), alike: new AlikePrincipals() };
    caches.set(snapshot, cache);
  }
  return cache;
}

/**
 * Who can read the table's data, and why: one row per principal (every user and role of the snapshot, the account
 * root, and every principal the key policy, the table's resource policy or a grant names), each with the table
 * lock and the key lock decided as AWS decides them. Throws when the table is not in the snapshot.
 */
export function whoCan(snapshot: AccountSnapshot, tableArn: string, options: WhoCanOptions = {}): AccessReport {
  const cache = cacheOf(snapshot);
  const facts = tableFacts(snapshot, cache, tableArn, options);
  const tagsKnown = facts.tableTags !== undefined && (facts.encryption === 'aws-owned' || facts.keyTags !== undefined);
  const organization = organizationFacts(snapshot);
  const organizationKnown = organization.status === 'known';
  let evaluator = cache.evaluators.get(`${tagsKnown}|${organizationKnown}`);
  if (!evaluator) {
    evaluator = new RequestEvaluator(knownKeyPredicate(tagsKnown, organizationKnown), timeOf(snapshot), organization.sources);
    cache.evaluators.set(`${tagsKnown}|${organizationKnown}`, evaluator);
  }
  let sameActions = cache.sameActions.get(facts.tableArn);
  if (!sameActions) cache.sameActions.set(facts.tableArn, (sameActions = new WeakMap()));
  const builder = new ReportBuilder(facts, evaluator, cache.rowContexts, sameActions, cache.alike);
  const named = namedPrincipals(facts);
  const root = rootArn(facts.partition, snapshot.accountId);
  const arns = options.principals ?? [...new Set([...cache.index.byArn.keys(), root, ...named.keys()])];
  const rows = arns.map((arn) => builder.row(resolveEntry(arn, cache.index, snapshot.accountId, facts.partition), named.get(arn)));
  const notEvaluated = organization.note ? [organization.note, ...NOT_EVALUATED] : [...NOT_EVALUATED];
  if (facts.encryption !== 'aws-owned') notEvaluated.push(CACHE_NOTE);
  if (snapshot.principalsCollected) notEvaluated.push(`Only these principals were collected: ${snapshot.principalsCollected.join(', ')}. Other users and roles of the account are not in this report.`);
  const missing = [...snapshot.missing];
  if (facts.keyPolicyUnknown && facts.key) missing.push({ action: 'kms:GetKeyPolicy', what: `the key policy of ${facts.keyArn}`, reason: facts.keyPolicyUnknown, resource: facts.keyArn });
  const report: AccessReport = {
    tableArn: facts.tableArn,
    tableName: facts.tableName,
    accountId: snapshot.accountId,
    region: snapshot.region,
    collectedAt: snapshot.collectedAt,
    encryption: facts.encryption,
    keyAliases: facts.keyAliases,
    keyPolicyOverridden: options.keyPolicyOverride !== undefined,
    rows,
    notEvaluated,
    missing,
  };
  const inOrganization = reportOrganization(organization);
  if (inOrganization) report.organization = inOrganization;
  if (facts.keyArn) report.keyArn = facts.keyArn;
  if (facts.key?.KeyMetadata.KeyState) report.keyState = facts.key.KeyMetadata.KeyState;
  return report;
}

/** The time of the snapshot, which every request of its report is evaluated at (aws:CurrentTime itself is enumerated). */
function timeOf(snapshot: AccountSnapshot): Date | undefined {
  const time = new Date(snapshot.collectedAt);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
