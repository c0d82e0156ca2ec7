// The caller of a request, as far as policies care: who it is, in which account, and what it also counts as.
import { ACCOUNT_ID, parseArn } from './arn';

export type CallerKind = 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user' | 'service' | 'anonymous' | 'unknown';

export interface CallerIdentityInfo {
  arn: string;
  kind: CallerKind;
  partition: string;
  /** Empty when unknown (service principals, anonymous, unparsable input). */
  account: string;
  /** User name, role name (for roles and sessions), or federated user name. */
  name?: string;
  sessionName?: string;
  /** For sessions: arn:<partition>:iam::<account>:role/<name> (the path is not in a session ARN). */
  roleArn?: string;
  /** Short label for people: "user/test", "assumed-role/R/s", "root". */
  label: string;
}

const cache = new Map<string, CallerIdentityInfo>();

export function describeCaller(principal: string): CallerIdentityInfo {
  let info = cache.get(principal);
  if (!info) {
    info = parseCaller(principal);
    if (cache.size > 32768) cache.clear();
    cache.set(principal, info);
  }
  return info;
}

function parseCaller(principal: string): CallerIdentityInfo {
  const base = { arn: principal, partition: 'aws', account: '', label: principal };
  if (principal === '*' || principal === 'anonymous') return { ...base, kind: 'anonymous', label: 'an anonymous caller' };
  if (ACCOUNT_ID.test(principal)) {
    return { ...base, arn: `arn:aws:iam::${principal}:root`, kind: 'root', account: principal, label: `account ${principal}` };
  }
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i.test(principal)) return { ...base, kind: 'service' };
  const arn = parseArn(principal);
  if (!arn) return { ...base, kind: 'unknown' };
  const common = { ...base, partition: arn.partition, account: arn.account, label: arn.resource };
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { ...common, kind: 'root', label: `the root user of ${arn.account}` };
    const [type, ...rest] = arn.resource.split('/');
    const name = rest[rest.length - 1];
    if (type === 'user' && name) return { ...common, kind: 'user', name, label: `user/${name}` };
    if (type === 'role' && name) return { ...common, kind: 'role', name, label: `role/${name}` };
  }
  if (arn.service === 'sts') {
    const [type, ...rest] = arn.resource.split('/');
    if (type === 'assumed-role' && rest.length >= 2) {
      const name = rest[0];
      return {
        ...common,
        kind: 'assumed-role',
        name,
        sessionName: rest.slice(1).join('/'),
        roleArn: `arn:${arn.partition}:iam::${arn.account}:role/${name}`,
      };
    }
    if (type === 'federated-user' && rest.length >= 1) return { ...common, kind: 'federated-user', name: rest.join('/') };
  }
  return { ...common, kind: 'unknown' };
}
