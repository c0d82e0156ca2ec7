// ARNs of IAM and STS principals and policies in one account.

export const AWS_MANAGED_POLICY_PREFIX = 'arn:aws:iam::aws:policy';

export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}

export function groupArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:group${path}${name}`;
}

export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

export function customerPolicyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`;
}

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

export interface ParsedIamArn {
  accountId: string;
  /** "user", "group", "role", "policy", "root", or "assumed-role" (an STS ARN). */
  type: string;
  path: string;
  name: string;
  /** Session name of an assumed-role ARN. */
  session?: string;
}

/** Splits arn:aws:iam::<acct>:<type><path><name> (and STS assumed-role ARNs); undefined when not one. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const match = /^arn:aws:(iam|sts)::(\d{12}|aws):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, service, accountId, rest] = match as unknown as [string, string, string, string];
  if (rest === 'root') return service === 'iam' ? { accountId, type: 'root', path: '/', name: '' } : undefined;
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const type = rest.slice(0, slash);
  if (service === 'sts') {
    const parts = rest.slice(slash + 1).split('/');
    if (type !== 'assumed-role' || parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
    return { accountId, type, path: '/', name: parts[0], session: parts[1] };
  }
  const last = rest.lastIndexOf('/');
  const name = rest.slice(last + 1);
  if (!name) return undefined;
  return { accountId, type, path: rest.slice(slash, last + 1), name };
}
