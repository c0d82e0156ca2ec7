// Collects the account snapshot that "who can read this table" is computed from: IAM in GetAccountAuthorizationDetails'
// shapes, then each table (DescribeTable, its resource policy, tags) and each table's key (DescribeKey, GetKeyPolicy,
// ListGrants, aliases, tags), and the organization's SCPs and RCPs along the account's path (organizations.ts).
// Everything goes through the session's callers, within its concurrency limit.
import type { TableDescription, Tag as DynamoTag } from '@aws-sdk/client-dynamodb';
import type { AliasListEntry, GrantListEntry, KeyMetadata, Tag as KmsTag } from '@aws-sdk/client-kms';
import { SNAPSHOT_VERSION, type AccountSnapshot, type KeySnapshot, type MissingData, type TableSnapshot } from '../access/types';
import { IamCollector, isMissingData, type CollectStep } from './access-iam';
import { allPages } from './iam';
import { OrganizationCollector } from './organizations';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';

export interface CollectAccessOptions {
  /** Table names or ARNs; default: every table of the region. */
  tables?: string[];
  /** Collect only these principals (users, roles, or sessions of a role) instead of the whole account. */
  principalArns?: string[];
  onProgress?(done: number, total: number, what: string): void;
  signal?: AbortSignal;
}

export interface AccessCallers {
  iam: ServiceCaller<'iam'>;
  dynamodb: ServiceCaller<'dynamodb'>;
  kms: ServiceCaller<'kms'>;
  sts: ServiceCaller<'sts'>;
  /** Absent: the organization's SCPs and RCPs are not collected (and are named as not evaluated). */
  organizations?: ServiceCaller<'organizations'>;
}

class Progress implements CollectStep {
  #done = 0;
  #total = 0;
  readonly notes: MissingData[] = [];

  constructor(private readonly options: CollectAccessOptions) {}

  plan(count: number): void {
    this.#total += count;
  }

  done(what: string): void {
    this.#done++;
    this.#total = Math.max(this.#total, this.#done);
    this.options.onProgress?.(this.#done, this.#total, what);
  }

  check(): void {
    this.options.signal?.throwIfAborted();
  }

  missing(entry: MissingData): void {
    this.notes.push(entry);
  }
}

function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

const next = <T extends { Truncated?: boolean; NextMarker?: string }>(out: T): string | undefined => (out.Truncated ? out.NextMarker : undefined);

export class AccessCollector {
  constructor(
    private readonly callers: AccessCallers,
    private readonly region: string,
  ) {}

  async collect(options: CollectAccessOptions = {}): Promise<AccountSnapshot> {
    const progress = new Progress(options);
    progress.check();
    progress.plan(1);
    const identity = await this.callers.sts.send('sts:GetCallerIdentity', (c, sdk) => c.send(new sdk.sts.GetCallerIdentityCommand({})));
    progress.done('the caller identity');
    const accountId = identity.Account ?? '';
    if (!/^\d{12}$/.test(accountId)) {
      throw new AwsLayerError('other', `sts:GetCallerIdentity returned no account id (got "${accountId}"), so the access snapshot cannot be collected`, { action: 'sts:GetCallerIdentity', service: 'sts' });
    }
    const iam = new IamCollector(this.callers.iam, progress);
    const authorization = options.principalArns
      ? iam.principals(options.principalArns)
      : iam.authorizationDetails().then((details) => details ?? iam.everyPrincipal());
    const resources = this.tables(options, progress).then(async (tables) => ({ tables, keys: await this.keys(tables, progress) }));
    const organizations = this.callers.organizations;
    const organization = organizations ? new OrganizationCollector(organizations, progress).collect(accountId) : Promise.resolve(undefined);
    const [authorizationDetails, { tables, keys }, inOrganization] = await Promise.all([authorization, resources, organization]);
    const snapshot: AccountSnapshot = {
      version: SNAPSHOT_VERSION,
      accountId,
      region: this.region,
      partition: partitionOf(identity.Arn),
      collectedAt: new Date().toISOString(),
      authorizationDetails,
      tables,
      keys,
      missing: progress.notes,
    };
    if (options.principalArns) snapshot.principalsCollected = [...options.principalArns];
    if (inOrganization) snapshot.organization = inOrganization;
    return snapshot;
  }

  /** One principal's view: a group's members (or the principal itself) and every table asked for. */
  async collectFor(principalArn: string, options: Omit<CollectAccessOptions, 'principalArns'> = {}): Promise<AccountSnapshot> {
    const group = /^arn:[^:]+:iam::\d{12}:group\/(?:.*\/)?([^/]+)$/.exec(principalArn)?.[1];
    if (!group) return this.collect({ ...options, principalArns: [principalArn] });
    const progress = new Progress(options);
    const members = await new IamCollector(this.callers.iam, progress).groupMembers(group);
    const snapshot = await this.collect({ ...options, principalArns: members });
    const groups = snapshot.authorizationDetails.GroupDetailList;
    // A group without members still belongs in the snapshot, so that asking about it is not an error.
    if (!groups.some((g) => g.GroupName === group)) groups.push({ GroupName: group, Arn: principalArn, AttachedManagedPolicies: [], GroupPolicyList: [] });
    return snapshot;
  }

  /** An optional part: a refusal or absence is noted, anything else stops the collection. */
  private async optional<T>(progress: Progress, note: Omit<MissingData, 'reason'>, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!isMissingData(error)) throw error;
      progress.missing({ ...note, reason: error.message });
      return undefined;
    }
  }

  private async tableNames(options: CollectAccessOptions, progress: Progress): Promise<string[]> {
    // DescribeTable takes a name; an ARN given here is reduced to its name, which every DynamoDB endpoint accepts.
    if (options.tables) return options.tables.map((t) => /^arn:[^:]+:dynamodb:[^:]*:\d*:table\/([^/]+)$/.exec(t)?.[1] ?? t);
    return this.paged(progress, 'the list of tables', (ExclusiveStartTableName) =>
      this.callers.dynamodb.send('dynamodb:ListTables', (c, sdk) => c.send(new sdk.dynamodb.ListTablesCommand({ ExclusiveStartTableName }))).then((o) => ({ items: o.TableNames ?? [], marker: o.LastEvaluatedTableName })),
    );
  }

  private async tables(options: CollectAccessOptions, progress: Progress): Promise<TableSnapshot[]> {
    const names = await this.tableNames(options, progress);
    const tables = await Promise.all(names.map((name) => this.table(name, !options.tables, progress)));
    return tables.filter((t): t is TableSnapshot => t !== undefined);
  }

  private async table(name: string, listed: boolean, progress: Progress): Promise<TableSnapshot | undefined> {
    const dynamodb = this.callers.dynamodb;
    let description: TableDescription | undefined;
    try {
      progress.check();
      progress.plan(1);
      description = (await dynamodb.send('dynamodb:DescribeTable', (c, sdk) => c.send(new sdk.dynamodb.DescribeTableCommand({ TableName: name })))).Table;
      progress.done(`table ${name}`);
    } catch (error) {
      // A listed table deleted since the listing is simply gone; a table asked for by name must exist.
      if (listed && error instanceof AwsLayerError && error.kind === 'not-found') return undefined;
      throw error;
    }
    if (!description?.TableArn) throw new AwsLayerError('other', `dynamodb:DescribeTable returned no table ARN for ${name}`, { action: 'dynamodb:DescribeTable', service: 'dynamodb' });
    const ResourceArn = description.TableArn;
    const snapshot: TableSnapshot = { Table: description };
    const [policy, tags] = await Promise.all([
      this.resourcePolicy(ResourceArn, name, progress),
      this.optional(progress, { action: 'dynamodb:ListTagsOfResource', what: `the tags of table ${name}`, resource: ResourceArn }, () =>
        this.paged<DynamoTag>(progress, `the tags of ${name}`, (NextToken) =>
          dynamodb.send('dynamodb:ListTagsOfResource', (c, sdk) => c.send(new sdk.dynamodb.ListTagsOfResourceCommand({ ResourceArn, NextToken }))).then((o) => ({ items: o.Tags ?? [], marker: o.NextToken })),
        ),
      ),
    ]);
    if (policy?.Policy) {
      snapshot.ResourcePolicy = policy.Policy;
      if (policy.RevisionId) snapshot.RevisionId = policy.RevisionId;
    }
    if (tags) snapshot.Tags = tags;
    return snapshot;
  }

  /** GetResourcePolicy; a table without one (PolicyNotFoundException) is not an error. */
  private async resourcePolicy(ResourceArn: string, name: string, progress: Progress): Promise<{ Policy?: string; RevisionId?: string } | undefined> {
    try {
      progress.check();
      progress.plan(1);
      const out = await this.callers.dynamodb.send('dynamodb:GetResourcePolicy', (c, sdk) => c.send(new sdk.dynamodb.GetResourcePolicyCommand({ ResourceArn })));
      progress.done(`the resource policy of ${name}`);
      return out;
    } catch (error) {
      progress.done(`the resource policy of ${name}`);
      if (error instanceof AwsLayerError && error.code === 'PolicyNotFoundException') return undefined;
      const unsupported = error instanceof AwsLayerError && /UnknownOperation|NotImplemented|not (yet )?implemented/i.test(`${error.code} ${error.message}`);
      if (!isMissingData(error) && !unsupported) throw error;
      progress.missing({ action: 'dynamodb:GetResourcePolicy', what: `the resource policy of table ${name}`, reason: (error as Error).message, resource: ResourceArn });
      return undefined;
    }
  }

  private async keys(tables: TableSnapshot[], progress: Progress): Promise<KeySnapshot[]> {
    const arns = [...new Set(tables.map((t) => t.Table.SSEDescription?.KMSMasterKeyArn).filter((a): a is string => !!a))];
    if (arns.length === 0) return [];
    const [aliases, ...keys] = await Promise.all([this.aliases(progress), ...arns.map((arn) => this.key(arn, progress))]);
    const found = keys.filter((k): k is KeySnapshot => k !== undefined);
    for (const key of found) key.Aliases = (aliases ?? []).filter((a) => a.TargetKeyId === key.KeyMetadata.KeyId);
    return found;
  }

  /** Every page of a list, each page counted in the progress. */
  private paged<T>(progress: Progress, what: string, page: (marker: string | undefined) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> {
    return allPages(async (marker) => {
      progress.check();
      progress.plan(1);
      const out = await page(marker);
      progress.done(what);
      return out;
    });
  }

  private aliases(progress: Progress): Promise<AliasListEntry[] | undefined> {
    return this.optional(progress, { action: 'kms:ListAliases', what: 'the aliases of the keys' }, () =>
      this.paged(progress, 'the key aliases', (Marker) =>
        this.callers.kms.send('kms:ListAliases', (c, sdk) => c.send(new sdk.kms.ListAliasesCommand({ Marker }))).then((o) => ({ items: o.Aliases ?? [], marker: next(o) })),
      ),
    );
  }

  private async key(KeyId: string, progress: Progress): Promise<KeySnapshot | undefined> {
    const kms = this.callers.kms;
    const described = await this.optional(progress, { action: 'kms:DescribeKey', what: `key ${KeyId}`, resource: KeyId }, async () => {
      progress.check();
      progress.plan(1);
      const out = await kms.send('kms:DescribeKey', (c, sdk) => c.send(new sdk.kms.DescribeKeyCommand({ KeyId })));
      progress.done(`key ${KeyId.split('/').pop()}`);
      return out.KeyMetadata;
    });
    if (!described) return undefined;
    const metadata: KeyMetadata = described;
    const keyArn = metadata.Arn ?? KeyId;
    const [policy, grants, tags] = await Promise.all([
      this.optional(progress, { action: 'kms:GetKeyPolicy', what: `the key policy of ${keyArn}`, resource: keyArn }, async () => {
        progress.plan(1);
        const out = await kms.send('kms:GetKeyPolicy', (c, sdk) => c.send(new sdk.kms.GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' })));
        progress.done('the key policy');
        return out.Policy;
      }),
      this.optional(progress, { action: 'kms:ListGrants', what: `the grants of ${keyArn}`, resource: keyArn }, () =>
        this.paged<GrantListEntry>(progress, 'the key grants', (Marker) =>
          kms.send('kms:ListGrants', (c, sdk) => c.send(new sdk.kms.ListGrantsCommand({ KeyId: keyArn, Marker }))).then((o) => ({ items: o.Grants ?? [], marker: next(o) })),
        ),
      ),
      this.optional(progress, { action: 'kms:ListResourceTags', what: `the tags of ${keyArn}`, resource: keyArn }, () =>
        this.paged<KmsTag>(progress, 'the key tags', (Marker) =>
          kms.send('kms:ListResourceTags', (c, sdk) => c.send(new sdk.kms.ListResourceTagsCommand({ KeyId: keyArn, Marker }))).then((o) => ({ items: o.Tags ?? [], marker: next(o) })),
        ),
      ),
    ]);
    const key: KeySnapshot = {
      KeyMetadata: metadata,
      Grants: grants ?? [],
      Aliases: [],
    };
    if (policy !== undefined) key.Policy = policy;
    if (tags !== undefined) key.Tags = tags;
    return key;
  }
}

/**
 * The snapshot whatCanRead() reads for one principal: every table of the region (or those asked for) with their keys,
 * and the principal's IAM data; for a group, its members' (iam:GetGroup lists them).
 */
export async function collectPrincipalSnapshot(session: { access: AccessCollector }, principalArn: string, options: Omit<CollectAccessOptions, 'principalArns'> = {}): Promise<AccountSnapshot> {
  return session.access.collectFor(principalArn, options);
}

/**
 * The snapshot whoCan() reads. With `principalArns`, only those principals are collected (a handful of calls);
 * otherwise the whole account, through GetAccountAuthorizationDetails or, where it is refused, the per-principal calls.
 */
export function collectAccessSnapshot(session: { access: AccessCollector }, options: CollectAccessOptions = {}): Promise<AccountSnapshot> {
  return session.access.collect(options);
}
