// Paths of the kmslab: file system. Key policies are editable; everything else is read-only:
//   /<target>/<region>/keys/<key-id>/policy.json              the key policy
//   /<target>/<region>/keys/<key-id>/live-policy.json         the live policy that conflicted with a save
//   /<target>/<region>/keys/<key-id>/history/<entry-id>.json  an older version from the local history
//   /<target>/iam/<users|roles>/<name>/<policy-kind>/<policy-name>.json?arn=…&group=…   an IAM policy document
import type { AttachedPolicy, ConnectionTarget } from '../aws/types';

export const KMSLAB_SCHEME = 'kmslab';

export type KmslabPath =
  | { kind: 'key-policy'; target: string; region: string; keyId: string }
  | { kind: 'live-policy'; target: string; region: string; keyId: string }
  | { kind: 'history-entry'; target: string; region: string; keyId: string; entryId: string }
  | { kind: 'iam-policy'; target: string; principalKind: 'user' | 'role'; principalName: string; policyKind: AttachedPolicy['kind']; policyName: string; policyArn?: string; group?: string }
  | { kind: 'folder'; path: string };

const POLICY_KINDS: readonly AttachedPolicy['kind'][] = ['managed', 'inline', 'group-managed', 'group-inline'];
const SAFE = /^[A-Za-z0-9._@+=,-]+$/;

/** A URI-safe name for the connection target: the profile name, "sandbox", "environment", or the label. */
export function targetName(target: ConnectionTarget, isSandbox: boolean): string {
  if (isSandbox) return 'sandbox';
  const name = target.kind === 'profile' ? target.profile : target.kind === 'environment' ? 'environment' : target.label;
  return name.replace(/[^A-Za-z0-9._@+=,-]+/g, '-') || 'target';
}

/** The path and query of a kmslab: URI for a path. */
export function formatPath(path: Exclude<KmslabPath, { kind: 'folder' }>): { path: string; query: string } {
  switch (path.kind) {
    case 'key-policy':
      return { path: `/${path.target}/${path.region}/keys/${path.keyId}/policy.json`, query: '' };
    case 'live-policy':
      return { path: `/${path.target}/${path.region}/keys/${path.keyId}/live-policy.json`, query: '' };
    case 'history-entry':
      return { path: `/${path.target}/${path.region}/keys/${path.keyId}/history/${path.entryId}.json`, query: '' };
    case 'iam-policy': {
      const folder = path.principalKind === 'user' ? 'users' : 'roles';
      const query = new URLSearchParams();
      if (path.policyArn) query.set('arn', path.policyArn);
      if (path.group) query.set('group', path.group);
      return { path: `/${path.target}/iam/${folder}/${path.principalName}/${path.policyKind}/${path.policyName}.json`, query: query.toString() };
    }
  }
}

/** Reads a kmslab: path (and query); anything that is not a document is a folder. */
export function parsePath(path: string, query = ''): KmslabPath {
  const parts = path.split('/').filter((p) => p !== '');
  const safe = parts.every((p) => SAFE.test(p));
  if (safe && parts.length === 5 && parts[2] === 'keys' && parts[4] === 'policy.json') {
    return { kind: 'key-policy', target: parts[0], region: parts[1], keyId: parts[3] };
  }
  if (safe && parts.length === 5 && parts[2] === 'keys' && parts[4] === 'live-policy.json') {
    return { kind: 'live-policy', target: parts[0], region: parts[1], keyId: parts[3] };
  }
  if (safe && parts.length === 6 && parts[2] === 'keys' && parts[4] === 'history' && parts[5].endsWith('.json')) {
    return { kind: 'history-entry', target: parts[0], region: parts[1], keyId: parts[3], entryId: parts[5].slice(0, -'.json'.length) };
  }
  const policyKind = parts[4] as AttachedPolicy['kind'];
  if (safe && parts.length === 6 && parts[1] === 'iam' && (parts[2] === 'users' || parts[2] === 'roles') && POLICY_KINDS.includes(policyKind) && parts[5].endsWith('.json')) {
    const params = new URLSearchParams(query);
    return {
      kind: 'iam-policy',
      target: parts[0],
      principalKind: parts[2] === 'users' ? 'user' : 'role',
      principalName: parts[3],
      policyKind,
      policyName: parts[5].slice(0, -'.json'.length),
      policyArn: params.get('arn') ?? undefined,
      group: params.get('group') ?? undefined,
    };
  }
  return { kind: 'folder', path };
}

/** The key id and region of a key ARN, or undefined when it is not one. */
export function parseKeyArn(arn: string): { region: string; account: string; keyId: string } | undefined {
  const match = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/.exec(arn);
  return match ? { region: match[1], account: match[2], keyId: match[3] } : undefined;
}
