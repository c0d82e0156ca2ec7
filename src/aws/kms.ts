// KMS keys, their aliases, policies and grants, as the project's own types.
import type { GrantListEntry, KeyMetadata } from '@aws-sdk/client-kms';
import type { RefreshCache } from './cache';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';
import type { KeyPolicy, KmsGrant, KmsKey, Page } from './types';

/** Aliases under alias/aws/ are reserved for AWS managed keys; customers cannot create them. */
const awsManagedAliasPrefix = 'alias/aws/';

const isAwsManagedAlias = (alias: string): boolean => alias.startsWith(awsManagedAliasPrefix);

/** Key ARNs are cached under the key id (key ids are unique), so a table naming its key by ARN reuses the listing's lookup. */
const describeCacheKey = (keyIdOrAlias: string): string => `kms:DescribeKey|${/^arn:aws[\w-]*:kms:[^:]*:\d*:key\/(.+)$/.exec(keyIdOrAlias)?.[1] ?? keyIdOrAlias}`;

const isAlias = (keyIdOrAlias: string): boolean => keyIdOrAlias.startsWith('alias/') || /^arn:aws[\w-]*:kms:[^:]*:\d*:alias\//.test(keyIdOrAlias);

export function toKmsKey(meta: KeyMetadata, aliases: string[]): KmsKey {
  const keySpec = meta.KeySpec ?? meta.CustomerMasterKeySpec;
  const awsManaged = meta.KeyManager === 'AWS' || aliases.some(isAwsManagedAlias);
  return {
    keyId: meta.KeyId ?? '',
    arn: meta.Arn ?? '',
    aliases: [...aliases].sort(),
    description: meta.Description || undefined,
    state: meta.KeyState ?? (meta.Enabled ? 'Enabled' : 'Disabled'),
    keyManager: awsManaged ? 'AWS' : 'CUSTOMER',
    keySpec,
    // A SYMMETRIC_DEFAULT key can only encrypt and decrypt; moto leaves KeyUsage out when CreateKey did not name it.
    keyUsage: meta.KeyUsage ?? (keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : undefined),
    creationDate: meta.CreationDate,
    deletionDate: meta.DeletionDate,
  };
}

function toGrant(grant: GrantListEntry): KmsGrant {
  return {
    grantId: grant.GrantId ?? '',
    name: grant.Name || undefined,
    granteePrincipal: grant.GranteePrincipal,
    retiringPrincipal: grant.RetiringPrincipal,
    operations: grant.Operations ?? [],
    creationDate: grant.CreationDate,
  };
}

export class KmsService {
  constructor(
    private readonly caller: ServiceCaller<'kms'>,
    private readonly cache: RefreshCache,
  ) {}

  /** One page of ListKeys, each key described, with aliases and (for customer keys) rotation. */
  listKeys(opts: { pageToken?: string; pageSize?: number; includeAwsManaged?: boolean } = {}): Promise<Page<KmsKey>> {
    const cacheKey = `kms:ListKeys|${opts.pageToken ?? ''}|${opts.pageSize ?? ''}|${opts.includeAwsManaged ? 'all' : 'customer'}`;
    return this.cache.get(cacheKey, async () => {
      const page = await this.caller.send('kms:ListKeys', (c, sdk) =>
        c.send(new sdk.kms.ListKeysCommand({ Marker: opts.pageToken, Limit: opts.pageSize })),
      );
      const aliases = await this.aliasesByKeyId();
      // A key with an alias under alias/aws/ is AWS managed: no need to describe it when only customer keys are shown.
      const wanted = (page.Keys ?? []).filter(
        (k): k is typeof k & { KeyId: string } => !!k.KeyId && (opts.includeAwsManaged || !(aliases.get(k.KeyId) ?? []).some(isAwsManagedAlias)),
      );
      const keys = await Promise.all(wanted.map((k) => this.describeForList(k.KeyId, k.KeyArn, aliases)));
      const shown = opts.includeAwsManaged ? keys : keys.filter((k) => k.keyManager === 'CUSTOMER');
      const items = await Promise.all(shown.map((k) => this.withRotation(k)));
      return { items, nextToken: page.Truncated ? page.NextMarker : undefined };
    });
  }

  /** By key id, key ARN, alias name or alias ARN. Cached per refresh under each of the key's names. */
  describeKey(keyIdOrAlias: string): Promise<KmsKey> {
    const cacheKey = describeCacheKey(keyIdOrAlias);
    return this.cache.get(cacheKey, async () => {
      const out = await this.caller.send('kms:DescribeKey', (c, sdk) => c.send(new sdk.kms.DescribeKeyCommand({ KeyId: keyIdOrAlias })));
      const meta = out.KeyMetadata;
      if (!meta?.KeyId) throw new AwsLayerError('other', `kms:DescribeKey returned no key metadata for ${keyIdOrAlias}`, { action: 'kms:DescribeKey', service: 'kms' });
      const aliases = (await this.aliasesByKeyId()).get(meta.KeyId) ?? [];
      const key = toKmsKey(meta, aliases);
      if (key.keyId && describeCacheKey(key.keyId) !== cacheKey) this.cache.set(describeCacheKey(key.keyId), key);
      return key;
    });
  }

  async getKeyPolicy(keyId: string): Promise<KeyPolicy> {
    const id = await this.keyIdOf(keyId);
    const out = await this.caller.send('kms:GetKeyPolicy', (c, sdk) => c.send(new sdk.kms.GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' })));
    return { keyId: id, name: out.PolicyName ?? 'default', text: out.Policy ?? '' };
  }

  async putKeyPolicy(keyId: string, text: string, opts: { bypassLockoutCheck?: boolean } = {}): Promise<void> {
    const id = await this.keyIdOf(keyId);
    await this.caller.send('kms:PutKeyPolicy', (c, sdk) =>
      c.send(
        new sdk.kms.PutKeyPolicyCommand({
          KeyId: id,
          PolicyName: 'default',
          Policy: text,
          BypassPolicyLockoutSafetyCheck: opts.bypassLockoutCheck ? true : undefined,
        }),
      ),
    );
    this.cache.clear();
  }

  /** Every grant on the key, all pages. */
  async listGrants(keyId: string): Promise<KmsGrant[]> {
    const id = await this.keyIdOf(keyId);
    const grants: KmsGrant[] = [];
    let marker: string | undefined;
    do {
      const out = await this.caller.send('kms:ListGrants', (c, sdk) => c.send(new sdk.kms.ListGrantsCommand({ KeyId: id, Marker: marker, Limit: 100 })));
      grants.push(...(out.Grants ?? []).map(toGrant));
      marker = out.Truncated ? out.NextMarker : undefined;
    } while (marker);
    return grants;
  }

  async createKey(opts: { description?: string; policy?: string; tags?: Record<string, string> } = {}): Promise<KmsKey> {
    const tags = Object.entries(opts.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    const out = await this.caller.send('kms:CreateKey', (c, sdk) =>
      c.send(
        new sdk.kms.CreateKeyCommand({
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          Description: opts.description,
          Policy: opts.policy,
          Tags: tags.length > 0 ? tags : undefined,
        }),
      ),
    );
    this.cache.clear();
    if (!out.KeyMetadata?.KeyId) throw new AwsLayerError('other', 'kms:CreateKey returned no key metadata', { action: 'kms:CreateKey', service: 'kms' });
    return toKmsKey(out.KeyMetadata, []);
  }

  /** `alias` may be given with or without the "alias/" prefix. */
  async createAlias(alias: string, keyId: string): Promise<void> {
    const AliasName = alias.startsWith('alias/') ? alias : `alias/${alias}`;
    await this.caller.send('kms:CreateAlias', (c, sdk) => c.send(new sdk.kms.CreateAliasCommand({ AliasName, TargetKeyId: keyId })));
    this.cache.clear();
  }

  async setKeyEnabled(keyId: string, enabled: boolean): Promise<void> {
    const id = await this.keyIdOf(keyId);
    if (enabled) await this.caller.send('kms:EnableKey', (c, sdk) => c.send(new sdk.kms.EnableKeyCommand({ KeyId: id })));
    else await this.caller.send('kms:DisableKey', (c, sdk) => c.send(new sdk.kms.DisableKeyCommand({ KeyId: id })));
    this.cache.clear();
  }

  /** Key id → alias names, from every page of ListAliases. Empty (and logged) when ListAliases is denied. */
  private aliasesByKeyId(): Promise<Map<string, string[]>> {
    return this.cache.get('kms:ListAliases', async () => {
      const byKey = new Map<string, string[]>();
      let marker: string | undefined;
      try {
        do {
          const out = await this.caller.send('kms:ListAliases', (c, sdk) => c.send(new sdk.kms.ListAliasesCommand({ Marker: marker, Limit: 100 })));
          for (const alias of out.Aliases ?? []) {
            if (!alias.TargetKeyId || !alias.AliasName) continue;
            byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
          }
          marker = out.Truncated ? out.NextMarker : undefined;
        } while (marker);
      } catch (err) {
        if (err instanceof AwsLayerError && err.kind === 'access-denied') return byKey;
        throw err;
      }
      return byKey;
    });
  }

  /** A key in a listing: described if we may, otherwise shown by id with the reason. */
  private async describeForList(keyId: string, keyArn: string | undefined, aliases: Map<string, string[]>): Promise<KmsKey> {
    try {
      return await this.describeKey(keyId);
    } catch (err) {
      if (!(err instanceof AwsLayerError) || err.kind === 'endpoint-unreachable' || err.kind === 'invalid-credentials') throw err;
      const names = aliases.get(keyId) ?? [];
      return {
        keyId,
        arn: keyArn ?? '',
        aliases: [...names].sort(),
        state: 'Unknown',
        keyManager: names.some(isAwsManagedAlias) ? 'AWS' : 'CUSTOMER',
        problem: err.message,
      };
    }
  }

  /** Rotation is extra information: undefined when it cannot be read (denied, unsupported for this key, ...). */
  private async withRotation(key: KmsKey): Promise<KmsKey> {
    if (key.keyManager !== 'CUSTOMER' || key.problem) return key;
    try {
      const out = await this.caller.send('kms:GetKeyRotationStatus', (c, sdk) =>
        c.send(new sdk.kms.GetKeyRotationStatusCommand({ KeyId: key.keyId })),
      );
      return { ...key, rotationEnabled: out.KeyRotationEnabled };
    } catch (err) {
      if (err instanceof AwsLayerError && (err.kind === 'endpoint-unreachable' || err.kind === 'invalid-credentials')) throw err;
      return { ...key, rotationEnabled: undefined };
    }
  }

  /** GetKeyPolicy, PutKeyPolicy and friends take a key id or ARN only; an alias is resolved first. */
  private async keyIdOf(keyIdOrAlias: string): Promise<string> {
    return isAlias(keyIdOrAlias) ? (await this.describeKey(keyIdOrAlias)).keyId : keyIdOrAlias;
  }
}
