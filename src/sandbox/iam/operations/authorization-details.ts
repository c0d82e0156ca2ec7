// GetAccountAuthorizationDetails: users, groups, roles and managed policies with their documents, in pages.
// Items are counted across the four lists in that order; a page renders only its own slice.
import type { XmlObject } from '../../server/xml';
import { arnOfGroup, arnOfRole, arnOfUser, permissionsBoundaryXml, roleLastUsedXml } from '../entities';
import { iamError } from '../errors';
import type { GroupRecord, IamState, RoleRecord, Tag, UserRecord } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { encodePolicyDocument } from '../policy-documents';
import { type ManagedPolicy, type PolicyUsage, allManagedPolicies, arnOfCustomerPolicy, attachedPolicyXml, managedPolicyXml, policyUsage } from '../policies';

export const ENTITY_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityFilter = (typeof ENTITY_FILTERS)[number];

type Entry =
  | { kind: 'user'; user: UserRecord }
  | { kind: 'group'; group: GroupRecord }
  | { kind: 'role'; role: RoleRecord }
  | { kind: 'policy'; policy: ManagedPolicy; arn: string };

function filters(call: IamCall): Set<EntityFilter> {
  const values = p.memberList(call.params, 'Filter');
  for (const value of values) {
    if (!(ENTITY_FILTERS as readonly string[]).includes(value)) {
      throw iamError.validation(
        `1 validation error detected: Value '[${values.join(', ')}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${ENTITY_FILTERS.join(', ')}]]`,
      );
    }
  }
  return new Set(values.length > 0 ? (values as EntityFilter[]) : ENTITY_FILTERS);
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every entry the filter asks for, in AWS's order. AWS managed policies appear only while something in the account
 * attaches them or uses them as a permissions boundary; customer managed policies always appear.
 */
function entries(state: IamState, wanted: Set<EntityFilter>, usage: PolicyUsage): Entry[] {
  const list: Entry[] = [];
  if (wanted.has('User')) for (const user of Object.values(state.users).sort(byName)) list.push({ kind: 'user', user });
  if (wanted.has('Group')) for (const group of Object.values(state.groups).sort(byName)) list.push({ kind: 'group', group });
  if (wanted.has('Role')) for (const role of Object.values(state.roles).sort(byName)) list.push({ kind: 'role', role });
  if (wanted.has('LocalManagedPolicy') || wanted.has('AWSManagedPolicy')) {
    for (const policy of allManagedPolicies(state)) {
      if (policy.kind === 'aws') {
        const arn = policy.policy.arn;
        if (wanted.has('AWSManagedPolicy') && (usage.attachments.has(arn) || usage.boundaries.has(arn))) list.push({ kind: 'policy', policy, arn });
      } else if (wanted.has('LocalManagedPolicy')) {
        list.push({ kind: 'policy', policy, arn: arnOfCustomerPolicy(state, policy.policy) });
      }
    }
  }
  return list;
}

function inlinePolicyList(policies: Record<string, string>): XmlObject[] {
  return Object.keys(policies)
    .sort()
    .map((name) => ({ PolicyName: name, PolicyDocument: encodePolicyDocument(policies[name]!) }));
}

function attachedList(state: IamState, arns: string[]): XmlObject[] {
  const list: XmlObject[] = [];
  for (const arn of arns) {
    const entry = attachedPolicyXml(state, arn);
    if (entry) list.push(entry);
  }
  return list;
}

function tagList(tags: Tag[]): XmlObject[] {
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

function userDetail(state: IamState, user: UserRecord): XmlObject {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: arnOfUser(state, user),
    CreateDate: new Date(user.createDate),
    UserPolicyList: inlinePolicyList(user.inlinePolicies),
    GroupList: [...user.groups],
    AttachedManagedPolicies: attachedList(state, user.attachedPolicies),
    PermissionsBoundary: permissionsBoundaryXml(user.permissionsBoundary),
    Tags: tagList(user.tags),
  };
}

function groupDetail(state: IamState, group: GroupRecord): XmlObject {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: arnOfGroup(state, group),
    CreateDate: new Date(group.createDate),
    GroupPolicyList: inlinePolicyList(group.inlinePolicies),
    AttachedManagedPolicies: attachedList(state, group.attachedPolicies),
  };
}

function roleDetail(call: IamCall, state: IamState, role: RoleRecord): XmlObject {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: arnOfRole(state, role),
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
    InstanceProfileList: [],
    RolePolicyList: inlinePolicyList(role.inlinePolicies),
    AttachedManagedPolicies: attachedList(state, role.attachedPolicies),
    PermissionsBoundary: permissionsBoundaryXml(role.permissionsBoundary),
    Tags: tagList(role.tags),
    RoleLastUsed: roleLastUsedXml(call.roleLastUsed(role.id)),
  };
}

function policyDetail(state: IamState, found: ManagedPolicy, usage: PolicyUsage): XmlObject {
  const detail = managedPolicyXml(state, found, false, usage);
  if (found.kind === 'aws') {
    const policy = found.policy;
    detail.PolicyVersionList = [
      { Document: encodePolicyDocument(JSON.stringify(policy.document)), VersionId: policy.defaultVersionId, IsDefaultVersion: true, CreateDate: new Date(policy.updateDate) },
    ];
  } else {
    const policy = found.policy;
    detail.PolicyVersionList = Object.entries(policy.versions)
      .sort(([a], [b]) => Number(b.slice(1)) - Number(a.slice(1)))
      .map(([id, version]) => ({ Document: encodePolicyDocument(version.document), VersionId: id, IsDefaultVersion: id === policy.defaultVersionId, CreateDate: new Date(version.createDate) }));
  }
  return detail;
}

export const authorizationDetailsHandlers: IamHandlers = {
  async GetAccountAuthorizationDetails(call) {
    const wanted = filters(call);
    const state = call.store.read();
    call.authorize('GetAccountAuthorizationDetails', '*');
    const usage = policyUsage(state);
    const page = p.paginate(call.params, entries(state, wanted, usage));
    const users: XmlObject[] = [];
    const groups: XmlObject[] = [];
    const roles: XmlObject[] = [];
    const policies: XmlObject[] = [];
    for (const entry of page.items) {
      if (entry.kind === 'user') users.push(userDetail(state, entry.user));
      else if (entry.kind === 'group') groups.push(groupDetail(state, entry.group));
      else if (entry.kind === 'role') roles.push(roleDetail(call, state, entry.role));
      else policies.push(policyDetail(state, entry.policy, usage));
    }
    return {
      UserDetailList: users,
      GroupDetailList: groups,
      RoleDetailList: roles,
      Policies: policies,
      IsTruncated: page.isTruncated,
      Marker: page.marker,
    };
  },
};
