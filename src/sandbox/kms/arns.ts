// Key and alias identifiers: ids, ARNs, alias names and alias ARNs, as KMS accepts them.

export interface KmsScope {
  region: string;
  accountId: string;
}

/** A key id: a UUID, or mrk- and 32 hex digits for a multi-Region key. */
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const KMS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

export function keyArn(scope: KmsScope, keyId: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
}

export function aliasArn(scope: KmsScope, aliasName: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:${aliasName}`;
}

export type KeyReference =
  | { kind: 'key'; keyId: string; local: boolean; shown: string }
  | { kind: 'alias'; aliasName: string; local: boolean; shown: string }
  | { kind: 'invalid'; shown: string };

/** Classifies a KeyId member: key id, key ARN, alias name or alias ARN. `local` is false for another account or region. */
export function parseKeyReference(ref: string, scope: KmsScope): KeyReference {
  if (ref.startsWith('alias/')) return { kind: 'alias', aliasName: ref, local: true, shown: aliasArn(scope, ref) };
  const arn = KMS_ARN.exec(ref);
  if (arn) {
    const local = arn[1] === scope.region && arn[2] === scope.accountId;
    if (arn[3] === 'alias') return { kind: 'alias', aliasName: `alias/${arn[4]}`, local, shown: ref };
    if (KEY_ID.test(arn[4])) return { kind: 'key', keyId: arn[4].toLowerCase(), local, shown: ref };
    return { kind: 'invalid', shown: ref };
  }
  if (KEY_ID.test(ref)) return { kind: 'key', keyId: ref.toLowerCase(), local: true, shown: keyArn(scope, ref.toLowerCase()) };
  return { kind: 'invalid', shown: ref };
}

export const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
export const AWS_ALIAS_PREFIX = 'alias/aws/';
export const DYNAMODB_MANAGED_ALIAS = 'alias/aws/dynamodb';
