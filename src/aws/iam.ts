// IAM users and roles, and the policies that apply to them directly or through their groups.
import type { Role, User } from '@aws-sdk/client-iam';
import type { RefreshCache } from './cache';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';
import type { AttachedPolicy, IamPrincipal, Page, PrincipalDetails } from './types';

type ListOptions = { pageToken?: string; pageSize?: number };

function toPrincipal(kind: IamPrincipal['kind'], entity: User | Role): IamPrincipal {
  const name = 'UserName' in entity ? entity.UserName : (entity as Role).RoleName;
  const id = 'UserId' in entity ? entity.UserId : (entity as Role).RoleId;
  return { kind, name: name ?? '', arn: entity.Arn ?? '', id: id ?? '', createDate: entity.CreateDate };
}

/** IAM returns policy documents URL-encoded (the SDK does not decode them); shown as indented JSON. */
export function prettyPolicy(document: string): string {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  let parsed = parse(document);
  let text = document;
  if (parsed === undefined) {
    try {
      text = decodeURIComponent(document);
      parsed = parse(text);
    } catch {
      // Not URL-encoded either: show it as it came.
    }
  }
  return parsed === undefined ? text : JSON.stringify(parsed, null, 2);
}

export async function allPages<T>(fetch: (marker: string | undefined) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetch(marker);
    all.push(...page.items);
    marker = page.marker;
  } while (marker);
  return all;
}

const next = (out: { IsTruncated?: boolean; Marker?: string }): string | undefined => (out.IsTruncated ? out.Marker : undefined);

export class IamService {
  constructor(
    private readonly caller: ServiceCaller<'iam'>,
    private readonly cache: RefreshCache,
  ) {}

  listUsers(opts: ListOptions = {}): Promise<Page<IamPrincipal>> {
    return this.cache.get(`iam:ListUsers|${opts.pageToken ?? ''}|${opts.pageSize ?? ''}`, async () => {
      const out = await this.caller.send('iam:ListUsers', (c, sdk) => c.send(new sdk.iam.ListUsersCommand({ Marker: opts.pageToken, MaxItems: opts.pageSize })));
      return { items: (out.Users ?? []).map((u) => toPrincipal('user', u)), nextToken: next(out) };
    });
  }

  listRoles(opts: ListOptions = {}): Promise<Page<IamPrincipal>> {
    return this.cache.get(`iam:ListRoles|${opts.pageToken ?? ''}|${opts.pageSize ?? ''}`, async () => {
      const out = await this.caller.send('iam:ListRoles', (c, sdk) => c.send(new sdk.iam.ListRolesCommand({ Marker: opts.pageToken, MaxItems: opts.pageSize })));
      return { items: (out.Roles ?? []).map((r) => toPrincipal('role', r)), nextToken: next(out) };
    });
  }

  /** Attached and inline policies, and for users every group with its attached and inline policies. */
  principalDetails(p: IamPrincipal): Promise<PrincipalDetails> {
    return this.cache.get(`iam:details|${p.kind}|${p.name}`, async () => {
      if (p.kind === 'role') {
        const [attached, inline] = await Promise.all([this.attachedRolePolicies(p.name), this.inlineRolePolicies(p.name)]);
        return { ...p, policies: [...attached, ...inline], groups: [] };
      }
      const [attached, inline, groups] = await Promise.all([this.attachedUserPolicies(p.name), this.inlineUserPolicies(p.name), this.groupsOf(p.name)]);
      const viaGroups = await Promise.all(groups.map((g) => this.groupPolicies(g)));
      return { ...p, policies: [...attached, ...inline, ...viaGroups.flat()], groups };
    });
  }

  /** The policy's document (the default version for managed policies), as indented JSON. */
  policyDocument(p: IamPrincipal, policy: AttachedPolicy): Promise<string> {
    const cacheKey = `iam:document|${p.kind}|${p.name}|${policy.kind}|${policy.group ?? ''}|${policy.arn ?? policy.name}`;
    return this.cache.get(cacheKey, async () => prettyPolicy(await this.rawDocument(p, policy)));
  }

  private async rawDocument(p: IamPrincipal, policy: AttachedPolicy): Promise<string> {
    const PolicyName = policy.name;
    switch (policy.kind) {
      case 'managed':
      case 'group-managed': {
        const PolicyArn = policy.arn;
        if (!PolicyArn) throw new AwsLayerError('other', `Managed policy ${policy.name} has no ARN`, { action: 'iam:GetPolicy', service: 'iam' });
        const meta = await this.caller.send('iam:GetPolicy', (c, sdk) => c.send(new sdk.iam.GetPolicyCommand({ PolicyArn })));
        const VersionId = meta.Policy?.DefaultVersionId;
        const version = await this.caller.send('iam:GetPolicyVersion', (c, sdk) => c.send(new sdk.iam.GetPolicyVersionCommand({ PolicyArn, VersionId })));
        return version.PolicyVersion?.Document ?? '';
      }
      case 'inline': {
        if (p.kind === 'user') {
          const out = await this.caller.send('iam:GetUserPolicy', (c, sdk) => c.send(new sdk.iam.GetUserPolicyCommand({ UserName: p.name, PolicyName })));
          return out.PolicyDocument ?? '';
        }
        const out = await this.caller.send('iam:GetRolePolicy', (c, sdk) => c.send(new sdk.iam.GetRolePolicyCommand({ RoleName: p.name, PolicyName })));
        return out.PolicyDocument ?? '';
      }
      case 'group-inline': {
        const GroupName = policy.group;
        if (!GroupName) throw new AwsLayerError('other', `Group policy ${policy.name} names no group`, { action: 'iam:GetGroupPolicy', service: 'iam' });
        const out = await this.caller.send('iam:GetGroupPolicy', (c, sdk) => c.send(new sdk.iam.GetGroupPolicyCommand({ GroupName, PolicyName })));
        return out.PolicyDocument ?? '';
      }
    }
  }

  /** A user's attached managed policies (every page, never cached). */
  attachedUserPolicies(UserName: string): Promise<AttachedPolicy[]> {
    return allPages(async (Marker) => {
      const out = await this.caller.send('iam:ListAttachedUserPolicies', (c, sdk) => c.send(new sdk.iam.ListAttachedUserPoliciesCommand({ UserName, Marker })));
      return { items: (out.AttachedPolicies ?? []).map((a) => ({ name: a.PolicyName ?? '', arn: a.PolicyArn, kind: 'managed' as const })), marker: next(out) };
    });
  }

  /** A user's inline policy names (every page, never cached). */
  inlineUserPolicies(UserName: string): Promise<AttachedPolicy[]> {
    return allPages(async (Marker) => {
      const out = await this.caller.send('iam:ListUserPolicies', (c, sdk) => c.send(new sdk.iam.ListUserPoliciesCommand({ UserName, Marker })));
      return { items: (out.PolicyNames ?? []).map((name) => ({ name, kind: 'inline' as const })), marker: next(out) };
    });
  }

  private attachedRolePolicies(RoleName: string): Promise<AttachedPolicy[]> {
    return allPages(async (Marker) => {
      const out = await this.caller.send('iam:ListAttachedRolePolicies', (c, sdk) => c.send(new sdk.iam.ListAttachedRolePoliciesCommand({ RoleName, Marker })));
      return { items: (out.AttachedPolicies ?? []).map((a) => ({ name: a.PolicyName ?? '', arn: a.PolicyArn, kind: 'managed' as const })), marker: next(out) };
    });
  }

  private inlineRolePolicies(RoleName: string): Promise<AttachedPolicy[]> {
    return allPages(async (Marker) => {
      const out = await this.caller.send('iam:ListRolePolicies', (c, sdk) => c.send(new sdk.iam.ListRolePoliciesCommand({ RoleName, Marker })));
      return { items: (out.PolicyNames ?? []).map((name) => ({ name, kind: 'inline' as const })), marker: next(out) };
    });
  }

  /** The groups a user is in (every page, never cached). */
  groupsOf(UserName: string): Promise<string[]> {
    return allPages(async (Marker) => {
      const out = await this.caller.send('iam:ListGroupsForUser', (c, sdk) => c.send(new sdk.iam.ListGroupsForUserCommand({ UserName, Marker })));
      return { items: (out.Groups ?? []).map((g) => g.GroupName ?? '').filter((g) => g !== ''), marker: next(out) };
    });
  }

  private async groupPolicies(GroupName: string): Promise<AttachedPolicy[]> {
    const [attached, inline] = await Promise.all([
      allPages(async (Marker) => {
        const out = await this.caller.send('iam:ListAttachedGroupPolicies', (c, sdk) => c.send(new sdk.iam.ListAttachedGroupPoliciesCommand({ GroupName, Marker })));
        return {
          items: (out.AttachedPolicies ?? []).map((a) => ({ name: a.PolicyName ?? '', arn: a.PolicyArn, kind: 'group-managed' as const, group: GroupName })),
          marker: next(out),
        };
      }),
      allPages(async (Marker) => {
        const out = await this.caller.send('iam:ListGroupPolicies', (c, sdk) => c.send(new sdk.iam.ListGroupPoliciesCommand({ GroupName, Marker })));
        return { items: (out.PolicyNames ?? []).map((name) => ({ name, kind: 'group-inline' as const, group: GroupName })), marker: next(out) };
      }),
    ]);
    return [...attached, ...inline];
  }
}
