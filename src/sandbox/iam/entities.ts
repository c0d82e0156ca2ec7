// Lookups of IAM entities (throwing IAM's NoSuchEntity) and their XML shapes in responses.
import type { XmlObject } from '../server/xml';
import { groupArn, roleArn, userArn } from './arns';
import { iamError } from './errors';
import { nameKey, type GroupRecord, type IamState, type RoleRecord, type Tag, type UserRecord } from './model';
import { encodePolicyDocument } from './policy-documents';
import { withoutPrototype, withoutPrototypes } from '../storage/null-prototype';

/** IAM's name-keyed records have no prototype, so that `__proto__` or `constructor` are names like others. */
export function reviveIamState(state: IamState): void {
  withoutPrototypes(state, ['users', 'groups', 'roles', 'policies', 'accessKeys']);
  for (const holder of [...Object.values(state.users), ...Object.values(state.groups), ...Object.values(state.roles)]) {
    withoutPrototype(holder.inlinePolicies);
  }
  for (const policy of Object.values(state.policies)) withoutPrototype(policy.versions);
}

export function findUser(state: IamState, name: string): UserRecord {
  const user = state.users[nameKey(name)];
  if (!user) throw iamError.entityNotFound('user', name);
  return user;
}

export function findGroup(state: IamState, name: string): GroupRecord {
  const group = state.groups[nameKey(name)];
  if (!group) throw iamError.entityNotFound('group', name);
  return group;
}

export function findRole(state: IamState, name: string): RoleRecord {
  const role = state.roles[nameKey(name)];
  if (!role) throw iamError.entityNotFound('role', name);
  return role;
}

export function arnOfUser(state: IamState, user: UserRecord): string {
  return userArn(state.accountId, user.path, user.name);
}

export function arnOfGroup(state: IamState, group: GroupRecord): string {
  return groupArn(state.accountId, group.path, group.name);
}

export function arnOfRole(state: IamState, role: RoleRecord): string {
  return roleArn(state.accountId, role.path, role.name);
}

function tagsXml(tags: Tag[]): XmlObject[] | undefined {
  return tags.length > 0 ? tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) : undefined;
}

export function permissionsBoundaryXml(arn: string | undefined): XmlObject | undefined {
  return arn === undefined ? undefined : { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };
}

/** A user as CreateUser and GetUser show it (`full`), or as ListUsers and GetGroup do: without boundary and tags. */
export function userXml(state: IamState, user: UserRecord, full = false): XmlObject {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: arnOfUser(state, user),
    CreateDate: new Date(user.createDate),
    PermissionsBoundary: full ? permissionsBoundaryXml(user.permissionsBoundary) : undefined,
    Tags: full ? tagsXml(user.tags) : undefined,
  };
}

export function groupXml(state: IamState, group: GroupRecord): XmlObject {
  return { Path: group.path, GroupName: group.name, GroupId: group.id, Arn: arnOfGroup(state, group), CreateDate: new Date(group.createDate) };
}

export function roleLastUsedXml(lastUsed: { date: Date; region: string } | undefined): XmlObject {
  return lastUsed ? { LastUsedDate: lastUsed.date, Region: lastUsed.region } : {};
}

export function roleXml(state: IamState, role: RoleRecord, detail: 'create' | 'get' | 'list', lastUsed?: { date: Date; region: string }): XmlObject {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: arnOfRole(state, role),
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
    Description: role.description,
    // CreateRole's answer leaves it out; GetRole and ListRoles show it.
    MaxSessionDuration: detail === 'create' ? undefined : role.maxSessionDuration,
    PermissionsBoundary: detail === 'list' ? undefined : permissionsBoundaryXml(role.permissionsBoundary),
    Tags: detail === 'list' ? undefined : tagsXml(role.tags),
    RoleLastUsed: detail === 'get' ? roleLastUsedXml(lastUsed) : undefined,
  };
}

/** Applies TagResource semantics: keys compare case-insensitively, a new value replaces the old one. */
export function mergeTags(existing: Tag[], added: Tag[], limit: number): Tag[] {
  const merged = [...existing];
  for (const tag of added) {
    const at = merged.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (at >= 0) merged[at] = tag;
    else merged.push(tag);
  }
  if (merged.length > limit) throw iamError.limitExceeded('The number of tags has reached the maximum limit.');
  return merged;
}
