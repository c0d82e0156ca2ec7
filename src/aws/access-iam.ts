// The IAM half of an access snapshot, in GetAccountAuthorizationDetails' shapes: in a few pages when that call is
// allowed, otherwise (or for a few named principals) through the per-principal calls, noting what could not be read.
import type { GroupDetail, ManagedPolicyDetail, PolicyDetail, RoleDetail, UserDetail, AttachedPolicy } from '@aws-sdk/client-iam';
import type { AuthorizationDetails, MissingData } from '../access/types';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';
import { allPages } from './iam';

export interface CollectStep {
  /** Count more work before it starts, so progress has a total. */
  plan(count: number): void;
  /** One piece of work finished. */
  done(what: string): void;
  /** Throws if the collection was cancelled. */
  check(): void;
  missing(entry: MissingData): void;
}

const next = (out: { IsTruncated?: boolean; Marker?: string }): string | undefined => (out.IsTruncated ? out.Marker : undefined);

/** Only a refusal or a missing entity becomes a note in the snapshot; anything else (network, credentials) stops the collection. */
export function isMissingData(error: unknown): error is AwsLayerError {
  return error instanceof AwsLayerError && (error.kind === 'access-denied' || error.kind === 'not-found');
}

export class IamCollector {
  readonly #policies = new Map<string, Promise<ManagedPolicyDetail | undefined>>();
  readonly #groups = new Map<string, Promise<GroupDetail | undefined>>();

  constructor(
    private readonly iam: ServiceCaller<'iam'>,
    private readonly step: CollectStep,
  ) {}

  private async send<T>(action: string, what: string, request: Parameters<ServiceCaller<'iam'>['send']>[1]): Promise<T> {
    this.step.check();
    const out = (await this.iam.send(action, request)) as T;
    this.step.done(what);
    return out;
  }

  /** Paged GetAccountAuthorizationDetails, merged; undefined when it is refused (the refusal is noted). */
  async authorizationDetails(): Promise<AuthorizationDetails | undefined> {
    const merged: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    try {
      let marker: string | undefined;
      do {
        this.step.plan(1);
        const page = await this.send<{
          UserDetailList?: UserDetail[];
          GroupDetailList?: GroupDetail[];
          RoleDetailList?: RoleDetail[];
          Policies?: ManagedPolicyDetail[];
          IsTruncated?: boolean;
          Marker?: string;
        }>('iam:GetAccountAuthorizationDetails', 'IAM authorization details', (c, sdk) => c.send(new sdk.iam.GetAccountAuthorizationDetailsCommand({ Marker: marker, MaxItems: 1000 })));
        merged.UserDetailList.push(...(page.UserDetailList ?? []));
        merged.GroupDetailList.push(...(page.GroupDetailList ?? []));
        merged.RoleDetailList.push(...(page.RoleDetailList ?? []));
        merged.Policies.push(...(page.Policies ?? []));
        marker = next(page);
      } while (marker);
    } catch (error) {
      if (!isMissingData(error)) throw error;
      this.step.missing({
        action: 'iam:GetAccountAuthorizationDetails',
        what: 'the account\'s users, groups, roles and policies in one call',
        reason: `${error.message}. Falling back to the per-principal calls.`,
      });
      return undefined;
    }
    await this.fillManagedPolicies(merged);
    return merged;
  }

  /** Every user and role through ListUsers / ListRoles and the per-principal calls. */
  async everyPrincipal(): Promise<AuthorizationDetails> {
    const [users, roles] = await Promise.all([
      this.listed('iam:ListUsers', 'users', (marker) => this.send<{ Users?: { Arn?: string }[]; IsTruncated?: boolean; Marker?: string }>('iam:ListUsers', 'the list of users', (c, sdk) => c.send(new sdk.iam.ListUsersCommand({ Marker: marker }))).then((o) => ({ items: o.Users ?? [], marker: next(o) }))),
      this.listed('iam:ListRoles', 'roles', (marker) => this.send<{ Roles?: { Arn?: string }[]; IsTruncated?: boolean; Marker?: string }>('iam:ListRoles', 'the list of roles', (c, sdk) => c.send(new sdk.iam.ListRolesCommand({ Marker: marker }))).then((o) => ({ items: o.Roles ?? [], marker: next(o) }))),
    ]);
    const arns = [...users, ...roles].map((p) => p.Arn ?? '').filter(Boolean);
    return this.principals(arns);
  }

  private async listed<T>(action: string, what: string, page: (marker: string | undefined) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> {
    try {
      this.step.plan(1);
      return await allPages(async (marker) => {
        const out = await page(marker);
        if (out.marker) this.step.plan(1);
        return out;
      });
    } catch (error) {
      if (!isMissingData(error)) throw error;
      this.step.missing({ action, what: `the account's ${what}`, reason: error.message });
      return [];
    }
  }

  /** The ARNs of a group's members (iam:GetGroup, every page). */
  async groupMembers(GroupName: string): Promise<string[]> {
    this.step.plan(1);
    return allPages(async (Marker) => {
      const out = await this.send<{ Users?: { Arn?: string }[]; IsTruncated?: boolean; Marker?: string }>('iam:GetGroup', `the members of group ${GroupName}`, (c, sdk) => c.send(new sdk.iam.GetGroupCommand({ GroupName, Marker })));
      if (out.IsTruncated) this.step.plan(1);
      return { items: (out.Users ?? []).map((u) => u.Arn ?? '').filter(Boolean), marker: next(out) };
    });
  }

  /** The named users and roles (a role session counts as its role), with their groups and every policy document. */
  async principals(arns: string[]): Promise<AuthorizationDetails> {
    const details: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    const wanted = [...new Set(arns.map(entityOf).filter((e): e is Entity => e !== undefined).map((e) => `${e.kind}/${e.name}`))];
    await Promise.all(
      wanted.map(async (key) => {
        const [kind, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        if (kind === 'user') {
          const user = await this.user(name);
          if (user) details.UserDetailList.push(user);
        } else {
          const role = await this.role(name);
          if (role) details.RoleDetailList.push(role);
        }
      }),
    );
    const groupNames = [...new Set(details.UserDetailList.flatMap((u) => u.GroupList ?? []))];
    const groups = await Promise.all(groupNames.map((g) => this.group(g)));
    details.GroupDetailList.push(...groups.filter((g): g is GroupDetail => g !== undefined));
    await this.fillManagedPolicies(details);
    // Keep a stable order whatever order the calls finished in.
    details.UserDetailList.sort((a, b) => (a.UserName ?? '').localeCompare(b.UserName ?? ''));
    details.RoleDetailList.sort((a, b) => (a.RoleName ?? '').localeCompare(b.RoleName ?? ''));
    return details;
  }

  private async noting<T>(action: string, what: string, resource: string | undefined, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!isMissingData(error)) throw error;
      this.step.missing({ action: error.action ?? action, what, reason: error.message, resource });
      return undefined;
    }
  }

  private user(UserName: string): Promise<UserDetail | undefined> {
    return this.noting('iam:GetUser', `user ${UserName}`, undefined, async () => {
      this.step.plan(4);
      const out = await this.send<{ User?: UserDetail & { PermissionsBoundary?: UserDetail['PermissionsBoundary'] } }>('iam:GetUser', `user ${UserName}`, (c, sdk) => c.send(new sdk.iam.GetUserCommand({ UserName })));
      const user = out.User;
      if (!user) return undefined;
      const [attached, inline, groups] = await Promise.all([
        this.attached('iam:ListAttachedUserPolicies', UserName, (Marker) => (c, sdk) => c.send(new sdk.iam.ListAttachedUserPoliciesCommand({ UserName, Marker }))),
        this.inline('user', UserName, user.Arn),
        this.noting('iam:ListGroupsForUser', `the groups of user ${UserName}`, user.Arn, () =>
          allPages(async (Marker) => {
            const o = await this.send<{ Groups?: { GroupName?: string }[]; IsTruncated?: boolean; Marker?: string }>('iam:ListGroupsForUser', `the groups of ${UserName}`, (c, sdk) => c.send(new sdk.iam.ListGroupsForUserCommand({ UserName, Marker })));
            return { items: (o.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean), marker: next(o) };
          }),
        ),
      ]);
      return {
        Path: user.Path,
        UserName: user.UserName,
        UserId: user.UserId,
        Arn: user.Arn,
        CreateDate: user.CreateDate,
        UserPolicyList: inline ?? [],
        GroupList: groups ?? [],
        AttachedManagedPolicies: attached ?? [],
        PermissionsBoundary: user.PermissionsBoundary,
        Tags: user.Tags ?? [],
      };
    });
  }

  private role(RoleName: string): Promise<RoleDetail | undefined> {
    return this.noting('iam:GetRole', `role ${RoleName}`, undefined, async () => {
      this.step.plan(3);
      const out = await this.send<{ Role?: RoleDetail }>('iam:GetRole', `role ${RoleName}`, (c, sdk) => c.send(new sdk.iam.GetRoleCommand({ RoleName })));
      const role = out.Role;
      if (!role) return undefined;
      const [attached, inline] = await Promise.all([
        this.attached('iam:ListAttachedRolePolicies', RoleName, (Marker) => (c, sdk) => c.send(new sdk.iam.ListAttachedRolePoliciesCommand({ RoleName, Marker }))),
        this.inline('role', RoleName, role.Arn),
      ]);
      return {
        Path: role.Path,
        RoleName: role.RoleName,
        RoleId: role.RoleId,
        Arn: role.Arn,
        CreateDate: role.CreateDate,
        AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
        InstanceProfileList: [],
        RolePolicyList: inline ?? [],
        AttachedManagedPolicies: attached ?? [],
        PermissionsBoundary: role.PermissionsBoundary,
        Tags: role.Tags ?? [],
        RoleLastUsed: role.RoleLastUsed,
      };
    });
  }

  private group(GroupName: string): Promise<GroupDetail | undefined> {
    let found = this.#groups.get(GroupName);
    if (!found) {
      found = this.noting('iam:ListAttachedGroupPolicies', `the policies of group ${GroupName}`, undefined, async () => {
        this.step.plan(1);
        const [attached, inline] = await Promise.all([
          this.attached('iam:ListAttachedGroupPolicies', GroupName, (Marker) => (c, sdk) => c.send(new sdk.iam.ListAttachedGroupPoliciesCommand({ GroupName, Marker }))),
          this.inline('group', GroupName, undefined),
        ]);
        return { GroupName, AttachedManagedPolicies: attached ?? [], GroupPolicyList: inline ?? [] };
      });
      this.#groups.set(GroupName, found);
    }
    return found;
  }

  private attached(
    action: string,
    owner: string,
    request: (marker: string | undefined) => Parameters<ServiceCaller<'iam'>['send']>[1],
  ): Promise<AttachedPolicy[] | undefined> {
    return this.noting(action, `the managed policies attached to ${owner}`, undefined, () =>
      allPages(async (marker) => {
        const out = await this.send<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }>(action, `the managed policies of ${owner}`, request(marker));
        return { items: out.AttachedPolicies ?? [], marker: next(out) };
      }),
    );
  }

  /** Inline policies with their documents (URL-encoded, as IAM returns them). */
  private inline(kind: 'user' | 'role' | 'group', name: string, arn: string | undefined): Promise<PolicyDetail[] | undefined> {
    const list = { user: 'iam:ListUserPolicies', role: 'iam:ListRolePolicies', group: 'iam:ListGroupPolicies' }[kind];
    const get = { user: 'iam:GetUserPolicy', role: 'iam:GetRolePolicy', group: 'iam:GetGroupPolicy' }[kind];
    return this.noting(list, `the inline policies of ${kind} ${name}`, arn, async () => {
      const names = await allPages(async (Marker) => {
        const out = await this.send<{ PolicyNames?: string[]; IsTruncated?: boolean; Marker?: string }>(list, `the inline policies of ${name}`, (c, sdk) => {
          if (kind === 'user') return c.send(new sdk.iam.ListUserPoliciesCommand({ UserName: name, Marker }));
          if (kind === 'role') return c.send(new sdk.iam.ListRolePoliciesCommand({ RoleName: name, Marker }));
          return c.send(new sdk.iam.ListGroupPoliciesCommand({ GroupName: name, Marker }));
        });
        return { items: out.PolicyNames ?? [], marker: next(out) };
      });
      this.step.plan(names.length);
      const documents = await Promise.all(
        names.map((PolicyName) =>
          this.noting<PolicyDetail>(get, `inline policy ${PolicyName} of ${kind} ${name}`, arn, async () => {
            const out = await this.send<{ PolicyDocument?: string }>(get, `inline policy ${PolicyName}`, (c, sdk) => {
              if (kind === 'user') return c.send(new sdk.iam.GetUserPolicyCommand({ UserName: name, PolicyName }));
              if (kind === 'role') return c.send(new sdk.iam.GetRolePolicyCommand({ RoleName: name, PolicyName }));
              return c.send(new sdk.iam.GetGroupPolicyCommand({ GroupName: name, PolicyName }));
            });
            const detail: PolicyDetail = { PolicyName, PolicyDocument: out.PolicyDocument };
            return detail;
          }),
        ),
      );
      return documents.filter((d): d is PolicyDetail => d !== undefined);
    });
  }

  /** Managed policies (and boundaries) referred to but not in the list: GetPolicy and GetPolicyVersion for each. */
  private async fillManagedPolicies(details: AuthorizationDetails): Promise<void> {
    const have = new Set(details.Policies.map((p) => p.Arn));
    const referred = new Set<string>();
    const refer = (arn: string | undefined) => arn && !have.has(arn) && referred.add(arn);
    for (const u of details.UserDetailList) {
      for (const a of u.AttachedManagedPolicies ?? []) refer(a.PolicyArn);
      refer(u.PermissionsBoundary?.PermissionsBoundaryArn);
    }
    for (const r of details.RoleDetailList) {
      for (const a of r.AttachedManagedPolicies ?? []) refer(a.PolicyArn);
      refer(r.PermissionsBoundary?.PermissionsBoundaryArn);
    }
    for (const g of details.GroupDetailList) for (const a of g.AttachedManagedPolicies ?? []) refer(a.PolicyArn);
    const fetched = await Promise.all([...referred].map((arn) => this.managedPolicy(arn)));
    details.Policies.push(...fetched.filter((p): p is ManagedPolicyDetail => p !== undefined));
  }

  private managedPolicy(PolicyArn: string): Promise<ManagedPolicyDetail | undefined> {
    let found = this.#policies.get(PolicyArn);
    if (!found) {
      found = this.noting('iam:GetPolicy', `managed policy ${PolicyArn}`, PolicyArn, async () => {
        this.step.plan(2);
        const meta = await this.send<{ Policy?: ManagedPolicyDetail }>('iam:GetPolicy', `policy ${PolicyArn.split('/').pop()}`, (c, sdk) => c.send(new sdk.iam.GetPolicyCommand({ PolicyArn })));
        const VersionId = meta.Policy?.DefaultVersionId;
        const version = await this.send<{ PolicyVersion?: { Document?: string; VersionId?: string; CreateDate?: Date } }>('iam:GetPolicyVersion', `policy ${PolicyArn.split('/').pop()}`, (c, sdk) =>
          c.send(new sdk.iam.GetPolicyVersionCommand({ PolicyArn, VersionId })),
        );
        const policy = meta.Policy ?? {};
        return {
          PolicyName: policy.PolicyName,
          PolicyId: policy.PolicyId,
          Arn: PolicyArn,
          Path: policy.Path,
          DefaultVersionId: VersionId,
          AttachmentCount: policy.AttachmentCount,
          PermissionsBoundaryUsageCount: policy.PermissionsBoundaryUsageCount,
          IsAttachable: policy.IsAttachable,
          CreateDate: policy.CreateDate,
          UpdateDate: policy.UpdateDate,
          PolicyVersionList: [{ Document: version.PolicyVersion?.Document, VersionId: version.PolicyVersion?.VersionId ?? VersionId, IsDefaultVersion: true, CreateDate: version.PolicyVersion?.CreateDate }],
        };
      });
      this.#policies.set(PolicyArn, found);
    }
    return found;
  }
}

interface Entity {
  kind: 'user' | 'role';
  name: string;
}

/** "arn:aws:iam::1:user/path/alice" → user alice; a role ARN or a session of it → the role. */
function entityOf(arn: string): Entity | undefined {
  const resource = arn.split(':').slice(5).join(':');
  const [type, ...rest] = resource.split('/');
  if (type === 'user' && rest.length > 0) return { kind: 'user', name: rest[rest.length - 1] };
  if (type === 'role' && rest.length > 0) return { kind: 'role', name: rest[rest.length - 1] };
  if (type === 'assumed-role' && rest.length > 0) return { kind: 'role', name: rest[0] };
  return undefined;
}
