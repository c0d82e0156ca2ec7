// The facts of one table that every row is decided against: its resource policy and tags, the kind of key that
// encrypts it, that key's policy (or an unsaved one to preview), grants, aliases and tags.
import { awsManagedDynamoKeyPolicy, type NamedPolicy } from '../policy';
import { decodePolicyDocument } from './documents';
import type { SourcedPolicy } from './principals';
import { granteesOf, principalsNamedIn } from './roster';
import type { AccountSnapshot, KeySnapshot, TableEncryption, TableSnapshot, WhoCanOptions } from './types';

export interface TableFacts {
  snapshot: AccountSnapshot;
  partition: string;
  table: TableSnapshot;
  tableArn: string;
  tableName: string;
  tablePolicy?: SourcedPolicy;
  tableTags?: Record<string, string>;
  encryption: TableEncryption;
  key?: KeySnapshot;
  keyArn?: string;
  keyPolicy?: SourcedPolicy;
  keyPolicyUnknown?: string;
  keyTags?: Record<string, string>;
  keyAliases: string[];
}

/** Parsed resource and key policies, kept per snapshot so that the engine's compiled forms are reused. */
export interface PolicyMemo {
  keyPolicies: Map<string, NamedPolicy | undefined>;
  tablePolicies: Map<string, NamedPolicy | undefined>;
}

function tagsOf(tags: { Key?: string; Value?: string; TagKey?: string; TagValue?: string }[] | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const key = tag.Key ?? tag.TagKey;
    if (key !== undefined) out[key] = tag.Value ?? tag.TagValue ?? '';
  }
  return out;
}

function findTable(snapshot: AccountSnapshot, tableArn: string): TableSnapshot {
  const table = snapshot.tables.find((t) => t.Table.TableArn === tableArn || t.Table.TableName === tableArn);
  if (!table) {
    const known = snapshot.tables.map((t) => t.Table.TableName).join(', ') || 'none';
    throw new Error(`Table ${tableArn} is not in the account snapshot of ${snapshot.accountId} (tables in it: ${known})`);
  }
  return table;
}

export function tableFacts(snapshot: AccountSnapshot, cache: PolicyMemo, tableArn: string, options: WhoCanOptions): TableFacts {
  const partition = snapshot.partition ?? 'aws';
  const table = findTable(snapshot, tableArn);
  const arn = table.Table.TableArn ?? tableArn;
  const tableName = table.Table.TableName ?? arn.split('/').pop() ?? arn;
  if (!cache.tablePolicies.has(arn)) {
    cache.tablePolicies.set(arn, table.ResourcePolicy ? { name: 'table resource policy', document: decodePolicyDocument(table.ResourcePolicy) } : undefined);
  }
  const tablePolicy = cache.tablePolicies.get(arn);
  const facts: TableFacts = {
    snapshot,
    partition,
    table,
    tableArn: arn,
    tableName,
    tablePolicy: tablePolicy ? { policy: tablePolicy, source: { type: 'table-policy' } } : undefined,
    tableTags: tagsOf(table.Tags),
    encryption: 'aws-owned',
    keyAliases: [],
  };
  const sse = table.Table.SSEDescription;
  if (!sse || (sse.Status !== undefined && sse.Status !== 'ENABLED' && sse.Status !== 'UPDATING') || !sse.KMSMasterKeyArn) return facts;
  facts.keyArn = sse.KMSMasterKeyArn;
  facts.key = snapshot.keys.find((k) => k.KeyMetadata.Arn === sse.KMSMasterKeyArn || k.KeyMetadata.KeyId === sse.KMSMasterKeyArn);
  facts.encryption = facts.key?.KeyMetadata.KeyManager === 'AWS' ? 'aws-managed' : 'customer-managed';
  if (!facts.key) return facts;
  facts.keyAliases = facts.key.Aliases.map((a) => a.AliasName ?? '').filter(Boolean);
  facts.keyTags = tagsOf(facts.key.Tags);
  let keyPolicy: NamedPolicy | undefined;
  if (options.keyPolicyOverride !== undefined) keyPolicy = { name: 'key policy', document: decodePolicyDocument(options.keyPolicyOverride) };
  else {
    const cacheKey = facts.key.KeyMetadata.Arn ?? facts.keyArn;
    if (!cache.keyPolicies.has(cacheKey)) cache.keyPolicies.set(cacheKey, facts.key.Policy ? { name: 'key policy', document: decodePolicyDocument(facts.key.Policy) } : undefined);
    keyPolicy = cache.keyPolicies.get(cacheKey);
    if (!keyPolicy && facts.encryption === 'aws-managed') {
      keyPolicy = { name: 'key policy', document: awsManagedDynamoKeyPolicy(snapshot.accountId, snapshot.region, partition) };
      facts.keyPolicyUnknown = 'the AWS managed key\'s policy could not be read; the documented aws/dynamodb policy was used';
    }
  }
  if (keyPolicy) facts.keyPolicy = { policy: keyPolicy, source: { type: 'key-policy', arn: facts.keyArn } };
  else facts.keyPolicyUnknown = 'the key policy could not be read';
  return facts;
}

/** Principals named by the key policy, the table's resource policy and the grants, with where each is named. */
export function namedPrincipals(facts: TableFacts): Map<string, string[]> {
  const named = new Map<string, string[]>();
  const add = (arn: string, where: string) => {
    const list = named.get(arn) ?? [];
    if (!list.includes(where)) list.push(where);
    named.set(arn, list);
  };
  for (const arn of principalsNamedIn(facts.keyPolicy?.policy, facts.partition)) add(arn, 'the key policy');
  for (const arn of principalsNamedIn(facts.tablePolicy?.policy, facts.partition)) add(arn, "the table's resource policy");
  for (const grant of facts.key?.Grants ?? []) {
    for (const arn of granteesOf([grant])) add(arn, `grant ${grant.Name || grant.GrantId}`);
  }
  return named;
}
