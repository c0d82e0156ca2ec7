// Customer managed policies and their versions, and read access to AWS managed ones:
// CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, CreatePolicyVersion, GetPolicyVersion,
// ListPolicyVersions, DeletePolicyVersion, SetDefaultPolicyVersion, ListEntitiesForPolicy.
import { customerPolicyArn } from '../arns';
import { iamError } from '../errors';
import { newUniqueId } from '../ids';
import { nameKey, type CustomerPolicyRecord, type IamState } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { checkPolicyDocument, encodePolicyDocument, policySize } from '../policy-documents';
import {
  allManagedPolicies,
  arnOfCustomerPolicy,
  attachmentCount,
  boundaryUsageCount,
  findCustomerPolicy,
  findManagedPolicy,
  managedPolicyXml,
  type ManagedPolicy,
} from '../policies';

export const MAX_MANAGED_POLICY_SIZE = 6144;
export const MAX_POLICY_VERSIONS = 5;

function policyDocument(call: IamCall): string {
  const text = p.required(call.params, 'PolicyDocument');
  if (policySize(text) > MAX_MANAGED_POLICY_SIZE) throw iamError.limitExceeded(`Cannot exceed quota for PolicySize: ${MAX_MANAGED_POLICY_SIZE}`);
  checkPolicyDocument(text, 'identity');
  return text;
}

function versionId(call: IamCall): string {
  const id = p.required(call.params, 'VersionId');
  if (!/^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/.test(id)) {
    throw iamError.validation(`1 validation error detected: Value '${id.slice(0, 64)}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`);
  }
  return id;
}

function noSuchVersion(arn: string, id: string): Error {
  return iamError.noSuchEntity(`Policy ${arn} version ${id} does not exist or is not attachable.`);
}

function policyArnParam(call: IamCall): string {
  return p.required(call.params, 'PolicyArn');
}

function nameOf(found: ManagedPolicy): string {
  return found.policy.name;
}

function pathOf(found: ManagedPolicy): string {
  return found.policy.path;
}

function arnOf(state: IamState, found: ManagedPolicy): string {
  return found.kind === 'aws' ? found.policy.arn : arnOfCustomerPolicy(state, found.policy);
}

export const managedPolicyHandlers: IamHandlers = {
  async CreatePolicy(call) {
    const name = p.name(call.params, 'PolicyName', 128);
    const path = p.path(call.params);
    const document = policyDocument(call);
    const description = p.optional(call.params, 'Description');
    if (description !== undefined && description.length > 1000) {
      throw iamError.validation(`1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`);
    }
    const state = call.store.read();
    call.authorize('CreatePolicy', customerPolicyArn(state.accountId, path, name));
    // Tags are read once the caller may act: a caller without permissions gets no work done for it.
    const tags = p.tags(call.params);
    const policy = await call.store.update((s) => {
      if (s.policies[nameKey(name)]) throw iamError.alreadyExists('policy', name);
      const now = new Date().toISOString();
      const record: CustomerPolicyRecord = {
        name,
        id: newUniqueId('ANPA'),
        path,
        description,
        createDate: now,
        updateDate: now,
        defaultVersionId: 'v1',
        versions: { v1: { document, createDate: now } },
        nextVersion: 2,
        tags,
      };
      s.policies[nameKey(name)] = record;
      return record;
    });
    return { Policy: managedPolicyXml(state, { kind: 'customer', policy }, true) };
  },

  async GetPolicy(call) {
    const arn = policyArnParam(call);
    const state = call.store.read();
    const found = findManagedPolicy(state, arn);
    call.authorize('GetPolicy', arn);
    return { Policy: managedPolicyXml(state, found, true) };
  },

  async ListPolicies(call) {
    const scope = p.oneOf(call.params, 'Scope', ['All', 'AWS', 'Local'] as const) ?? 'All';
    const onlyAttached = p.boolean(call.params, 'OnlyAttached') ?? false;
    const prefix = p.path(call.params, 'PathPrefix');
    p.oneOf(call.params, 'PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
    const state = call.store.read();
    call.authorize('ListPolicies', `arn:aws:iam::${state.accountId}:policy/*`);
    const policies = allManagedPolicies(state)
      .filter((found) => scope === 'All' || (scope === 'AWS') === (found.kind === 'aws'))
      .filter((found) => pathOf(found).startsWith(prefix))
      .filter((found) => !onlyAttached || attachmentCount(state, arnOf(state, found)) > 0)
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    const page = p.paginate(call.params, policies);
    return { Policies: page.items.map((found) => managedPolicyXml(state, found, false)), IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async DeletePolicy(call) {
    const arn = policyArnParam(call);
    findCustomerPolicy(call.store.read(), arn);
    call.authorize('DeletePolicy', arn);
    await call.store.update((s) => {
      const policy = findCustomerPolicy(s, arn);
      if (attachmentCount(s, arn) > 0 || boundaryUsageCount(s, arn) > 0) throw iamError.deleteConflict('Cannot delete a policy attached to entities.');
      if (Object.keys(policy.versions).length > 1) {
        throw iamError.deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      delete s.policies[nameKey(policy.name)];
    });
    return undefined;
  },

  async CreatePolicyVersion(call) {
    const arn = policyArnParam(call);
    const document = policyDocument(call);
    const setAsDefault = p.boolean(call.params, 'SetAsDefault') ?? false;
    findCustomerPolicy(call.store.read(), arn);
    call.authorize('CreatePolicyVersion', arn);
    const version = await call.store.update((s) => {
      const policy = findCustomerPolicy(s, arn);
      if (Object.keys(policy.versions).length >= MAX_POLICY_VERSIONS) {
        throw iamError.limitExceeded(
          `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
        );
      }
      const id = `v${policy.nextVersion++}`;
      const now = new Date().toISOString();
      policy.versions[id] = { document, createDate: now };
      if (setAsDefault) {
        policy.defaultVersionId = id;
        policy.updateDate = now;
      }
      return { id, createDate: now, isDefault: policy.defaultVersionId === id };
    });
    return { PolicyVersion: { VersionId: version.id, IsDefaultVersion: version.isDefault, CreateDate: new Date(version.createDate) } };
  },

  async GetPolicyVersion(call) {
    const arn = policyArnParam(call);
    const id = versionId(call);
    const state = call.store.read();
    const found = findManagedPolicy(state, arn);
    call.authorize('GetPolicyVersion', arn);
    if (found.kind === 'aws') {
      if (id !== found.policy.defaultVersionId) throw noSuchVersion(arn, id);
      const document = JSON.stringify(found.policy.document);
      return { PolicyVersion: { Document: encodePolicyDocument(document), VersionId: id, IsDefaultVersion: true, CreateDate: new Date(found.policy.updateDate) } };
    }
    const version = Object.hasOwn(found.policy.versions, id) ? found.policy.versions[id] : undefined;
    if (!version) throw noSuchVersion(arn, id);
    return {
      PolicyVersion: {
        Document: encodePolicyDocument(version.document),
        VersionId: id,
        IsDefaultVersion: found.policy.defaultVersionId === id,
        CreateDate: new Date(version.createDate),
      },
    };
  },

  async ListPolicyVersions(call) {
    const arn = policyArnParam(call);
    const state = call.store.read();
    const found = findManagedPolicy(state, arn);
    call.authorize('ListPolicyVersions', arn);
    const versions =
      found.kind === 'aws'
        ? [{ VersionId: found.policy.defaultVersionId, IsDefaultVersion: true, CreateDate: new Date(found.policy.updateDate) }]
        : Object.entries(found.policy.versions)
            .map(([id, version]) => ({ VersionId: id, IsDefaultVersion: id === found.policy.defaultVersionId, CreateDate: new Date(version.createDate) }))
            .sort((a, b) => Number(b.VersionId.slice(1)) - Number(a.VersionId.slice(1)));
    const page = p.paginate(call.params, versions);
    return { Versions: page.items, IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async DeletePolicyVersion(call) {
    const arn = policyArnParam(call);
    const id = versionId(call);
    findCustomerPolicy(call.store.read(), arn);
    call.authorize('DeletePolicyVersion', arn);
    await call.store.update((s) => {
      const policy = findCustomerPolicy(s, arn);
      if (!Object.hasOwn(policy.versions, id)) throw noSuchVersion(arn, id);
      if (policy.defaultVersionId === id) throw iamError.deleteConflict('Cannot delete the default version of a policy.');
      delete policy.versions[id];
    });
    return undefined;
  },

  async SetDefaultPolicyVersion(call) {
    const arn = policyArnParam(call);
    const id = versionId(call);
    findCustomerPolicy(call.store.read(), arn);
    call.authorize('SetDefaultPolicyVersion', arn);
    await call.store.update((s) => {
      const policy = findCustomerPolicy(s, arn);
      if (!Object.hasOwn(policy.versions, id)) throw noSuchVersion(arn, id);
      policy.defaultVersionId = id;
      policy.updateDate = new Date().toISOString();
    });
    return undefined;
  },

  async ListEntitiesForPolicy(call) {
    const arn = policyArnParam(call);
    const state = call.store.read();
    findManagedPolicy(state, arn);
    call.authorize('ListEntitiesForPolicy', arn);
    const filter = p.oneOf(call.params, 'EntityFilter', ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const);
    const want = (kind: 'User' | 'Role' | 'Group') => filter === undefined || filter === kind;
    const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
    const attached = <T extends { attachedPolicies: string[] }>(holder: T) => holder.attachedPolicies.includes(arn);
    return {
      PolicyGroups: want('Group') ? Object.values(state.groups).filter(attached).sort(byName).map((g) => ({ GroupName: g.name, GroupId: g.id })) : [],
      PolicyUsers: want('User') ? Object.values(state.users).filter(attached).sort(byName).map((u) => ({ UserName: u.name, UserId: u.id })) : [],
      PolicyRoles: want('Role') ? Object.values(state.roles).filter(attached).sort(byName).map((r) => ({ RoleName: r.name, RoleId: r.id })) : [],
      IsTruncated: false,
    };
  },
};
