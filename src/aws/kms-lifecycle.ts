// A key's life beyond the listing: read fresh (never from the refresh cache), its tags, and its end (alias removed,
// deletion scheduled).
import type { ServiceCaller } from './call';
import type { RefreshCache } from './cache';
import { AwsLayerError } from './errors';
import { toKmsKey } from './kms';
import type { KmsKey } from './types';

export class KmsLifecycle {
  constructor(
    private readonly caller: ServiceCaller<'kms'>,
    private readonly cache: RefreshCache,
  ) {}

  /** The key as KMS describes it now, or undefined when the key or alias does not exist. */
  async describeFresh(keyIdOrAlias: string): Promise<KmsKey | undefined> {
    try {
      const out = await this.caller.send('kms:DescribeKey', (c, sdk) => c.send(new sdk.kms.DescribeKeyCommand({ KeyId: keyIdOrAlias })));
      if (!out.KeyMetadata?.KeyId) return undefined;
      const aliases = keyIdOrAlias.startsWith('alias/') ? [keyIdOrAlias] : [];
      return toKmsKey(out.KeyMetadata, aliases);
    } catch (err) {
      if (err instanceof AwsLayerError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async tags(KeyId: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let Marker: string | undefined;
    do {
      const out = await this.caller.send('kms:ListResourceTags', (c, sdk) => c.send(new sdk.kms.ListResourceTagsCommand({ KeyId, Marker })));
      for (const tag of out.Tags ?? []) if (tag.TagKey) tags[tag.TagKey] = tag.TagValue ?? '';
      Marker = out.Truncated ? out.NextMarker : undefined;
    } while (Marker);
    return tags;
  }

  async deleteAlias(alias: string): Promise<void> {
    const AliasName = alias.startsWith('alias/') ? alias : `alias/${alias}`;
    await this.caller.send('kms:DeleteAlias', (c, sdk) => c.send(new sdk.kms.DeleteAliasCommand({ AliasName })));
    this.cache.clear();
  }

  /** Returns the date KMS will delete the key. */
  async scheduleDeletion(KeyId: string, PendingWindowInDays: number): Promise<Date | undefined> {
    const out = await this.caller.send('kms:ScheduleKeyDeletion', (c, sdk) => c.send(new sdk.kms.ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays })));
    this.cache.clear();
    return out.DeletionDate;
  }
}
