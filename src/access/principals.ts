// The account's principals as the policy engine needs them: each user's and role's identity policies (managed,
// inline, and the user's groups'), permissions boundary and tags, built once per snapshot.
import type { AttachedPolicy, ManagedPolicyDetail, PolicyDetail, Tag } from '@aws-sdk/client-iam';
import type { NamedPolicy, PolicyDocument } from '../policy';
import { documentDecoder } from './documents';
import type { AccountSnapshot, PolicySource, PrincipalKind } from './types';

export interface SourcedPolicy {
  policy: NamedPolicy;
  source: PolicySource;
}

export interface PrincipalEntry {
  arn: string;
  kind: PrincipalKind;
  name: string;
  account: string;
  /** For a role session: its role's ARN. */
  roleArn?: string;
  /** AIDA… for users; fills aws:userid. */
  userId?: string;
  groups: string[];
  identity: SourcedPolicy[];
  boundary?: SourcedPolicy;
  tags: Record<string, string>;
  /** The tags in one string: principals with the same tags share request contexts. Empty without tags. */
  tagSignature?: string;
  /** Its identity policies are not in the snapshot (a principal of another account, or one not collected). */
  unseen?: boolean;
  /** Missing data this principal's answer depends on. */
  unknowns: string[];
}

export interface PrincipalIndex {
  /** Users and roles of the account, by ARN, in snapshot order (users first). */
  byArn: Map<string, PrincipalEntry>;
  /** Role entries by role name, to describe sessions of a role. */
  rolesByName: Map<string, PrincipalEntry>;
}

function defaultDocument(policy: ManagedPolicyDetail): string | undefined {
  const versions = policy.PolicyVersionList ?? [];
  const current = versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === policy.DefaultVersionId);
  return current?.Document;
}

function tagsOf(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

/** No unknowns: one frozen list shared by every entry that has none. */
const NO_UNKNOWNS = Object.freeze([]) as unknown as string[];

/**
 * The policies of an account, each turned into what the engine reads once: managed policies by ARN, and for each group
 * its policies as its members have them. Entries share these objects; only what is a principal's own is its own.
 */
class AccountPolicies {
  readonly managed = new Map<string, SourcedPolicy>();
  readonly #groupPolicies = new Map<string, SourcedPolicy>();

  constructor(readonly decode: (document: unknown) => PolicyDocument | string) {}

  /** A managed policy attached to a group, as the group's members have it. */
  groupManaged(found: SourcedPolicy, group: string): SourcedPolicy {
    const key = `${group}\u0000${found.source.arn}`;
    let sourced = this.#groupPolicies.get(key);
    if (!sourced) this.#groupPolicies.set(key, (sourced = { policy: found.policy, source: { type: 'group-managed', arn: found.source.arn, group } }));
    return sourced;
  }

  /** An inline policy of a group, as the group's members have it. */
  groupInline(p: PolicyDetail, group: string): SourcedPolicy {
    const key = `${group}\u0001${p.PolicyName ?? ''}\u0001${typeof p.PolicyDocument === 'string' ? p.PolicyDocument : ''}`;
    let sourced = typeof p.PolicyDocument === 'string' ? this.#groupPolicies.get(key) : undefined;
    if (!sourced) {
      sourced = { policy: { name: `${group}/${p.PolicyName ?? ''}`, document: this.decode(p.PolicyDocument) }, source: { type: 'group-inline', group } };
      if (typeof p.PolicyDocument === 'string') this.#groupPolicies.set(key, sourced);
    }
    return sourced;
  }
}

class EntryBuilder {
  readonly identity: SourcedPolicy[] = [];
  unknowns = NO_UNKNOWNS;
  /** The managed policies added, before any renaming: each counts once, however it is attached. */
  readonly #seen: NamedPolicy[] = [];

  constructor(private readonly account: AccountPolicies) {}

  unknown(text: string): void {
    if (this.unknowns === NO_UNKNOWNS) this.unknowns = [];
    this.unknowns.push(text);
  }

  /** Adds a policy; a name already taken (say an inline policy named like a managed one) gets a suffix. */
  add(entry: SourcedPolicy, once: boolean): void {
    if (once) {
      if (this.#seen.includes(entry.policy)) return;
      this.#seen.push(entry.policy);
    }
    const name = entry.policy.name;
    if (!this.taken(name)) {
      this.identity.push(entry);
      return;
    }
    let n = 2;
    while (this.taken(`${name} #${n}`)) n++;
    this.identity.push({ policy: { name: `${name} #${n}`, document: entry.policy.document }, source: entry.source });
  }

  private taken(name: string): boolean {
    for (const p of this.identity) if (p.policy.name === name) return true;
    return false;
  }

  addManaged(attached: AttachedPolicy[] | undefined, group?: string): void {
    for (const a of attached ?? []) {
      const found = a.PolicyArn ? this.account.managed.get(a.PolicyArn) : undefined;
      if (!found) {
        this.unknown(`the document of managed policy ${a.PolicyArn ?? a.PolicyName} is not in the snapshot`);
        continue;
      }
      this.add(group ? this.account.groupManaged(found, group) : found, true);
    }
  }

  addInline(list: PolicyDetail[] | undefined, group?: string): void {
    for (const p of list ?? []) {
      this.add(group ? this.account.groupInline(p, group) : { policy: { name: p.PolicyName ?? '', document: this.account.decode(p.PolicyDocument) }, source: { type: 'inline' } }, false);
    }
  }

  boundary(arn: string | undefined): SourcedPolicy | undefined {
    if (!arn) return undefined;
    const found = this.account.managed.get(arn);
    if (!found) {
      this.unknown(`the document of the permissions boundary ${arn} is not in the snapshot`);
      // A boundary that cannot be read still bounds: it allows nothing we can see.
      return { policy: { name: arn.split('/').pop() ?? arn, document: { Version: '2012-10-17', Statement: [] } }, source: { type: 'boundary', arn } };
    }
    return { policy: found.policy, source: { type: 'boundary', arn } };
  }
}

/** The principal's tags in one string (empty without tags), kept on the entry: principals with the same tags share request contexts. */
export function tagSignatureOf(entry: PrincipalEntry): string {
  if (entry.tagSignature !== undefined) return entry.tagSignature;
  const keys = Object.keys(entry.tags).sort();
  let signature = '';
  // Tag keys and values are text without control characters; these two separate them.
  for (const key of keys) signature += `${key}\u0000${entry.tags[key]}\u0001`;
  return (entry.tagSignature = signature);
}

/** The account field of an ARN (the fifth), without splitting it all. */
function accountOf(arn: string): string {
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = arn.indexOf(':', start) + 1;
    if (start === 0) return '';
  }
  const end = arn.indexOf(':', start);
  return end < 0 ? arn.slice(start) : arn.slice(start, end);
}

export function indexPrincipals(snapshot: AccountSnapshot): PrincipalIndex {
  const details = snapshot.authorizationDetails;
  const account = new AccountPolicies(documentDecoder());
  for (const p of details.Policies ?? []) {
    if (!p.Arn) continue;
    account.managed.set(p.Arn, { policy: { name: p.PolicyName ?? p.Arn, document: account.decode(defaultDocument(p)) }, source: { type: 'managed', arn: p.Arn } });
  }
  const groups = new Map((details.GroupDetailList ?? []).map((g) => [g.GroupName ?? '', g]));
  const byArn = new Map<string, PrincipalEntry>();
  const rolesByName = new Map<string, PrincipalEntry>();

  for (const user of details.UserDetailList ?? []) {
    if (!user.Arn) continue;
    const builder = new EntryBuilder(account);
    builder.addManaged(user.AttachedManagedPolicies);
    builder.addInline(user.UserPolicyList);
    const groupNames = user.GroupList ?? [];
    for (const name of groupNames) {
      const group = groups.get(name);
      if (!group) {
        builder.unknown(`group ${name} is not in the snapshot`);
        continue;
      }
      builder.addManaged(group.AttachedManagedPolicies, name);
      builder.addInline(group.GroupPolicyList, name);
    }
    const boundary = builder.boundary(user.PermissionsBoundary?.PermissionsBoundaryArn);
    byArn.set(user.Arn, {
      arn: user.Arn,
      kind: 'user',
      name: user.UserName ?? user.Arn,
      account: accountOf(user.Arn),
      userId: user.UserId,
      groups: [...groupNames],
      identity: builder.identity,
      boundary,
      tags: tagsOf(user.Tags),
      unknowns: builder.unknowns,
    });
  }
  for (const role of details.RoleDetailList ?? []) {
    if (!role.Arn) continue;
    const builder = new EntryBuilder(account);
    builder.addManaged(role.AttachedManagedPolicies);
    builder.addInline(role.RolePolicyList);
    const entry: PrincipalEntry = {
      arn: role.Arn,
      kind: 'role',
      name: role.RoleName ?? role.Arn,
      account: accountOf(role.Arn),
      groups: [],
      identity: builder.identity,
      boundary: builder.boundary(role.PermissionsBoundary?.PermissionsBoundaryArn),
      tags: tagsOf(role.Tags),
      unknowns: builder.unknowns,
    };
    byArn.set(role.Arn, entry);
    rolesByName.set(entry.name, entry);
  }
  return { byArn, rolesByName };
}
