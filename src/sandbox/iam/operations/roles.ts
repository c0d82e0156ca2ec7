// Roles: CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy.
import { roleArn } from '../arns';
import { arnOfRole, findRole, roleXml } from '../entities';
import { iamError } from '../errors';
import { newUniqueId } from '../ids';
import { nameKey, type RoleRecord } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { checkPolicyDocument, policySize } from '../policy-documents';
import { boundaryContext, boundaryParam } from './permissions-boundaries';

export const MAX_TRUST_POLICY_SIZE = 2048;

function trustPolicy(call: IamCall, param: string): string {
  const text = p.required(call.params, param);
  if (policySize(text) > MAX_TRUST_POLICY_SIZE) {
    throw iamError.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${MAX_TRUST_POLICY_SIZE}`);
  }
  checkPolicyDocument(text, 'trust', (principal) => call.directory.principalExists(principal));
  return text;
}

export const roleHandlers: IamHandlers = {
  async CreateRole(call) {
    const name = p.name(call.params, 'RoleName');
    const path = p.path(call.params);
    const document = trustPolicy(call, 'AssumeRolePolicyDocument');
    const description = p.optional(call.params, 'Description');
    if (description !== undefined && description.length > 1000) {
      throw iamError.validation(`1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`);
    }
    const maxSessionDuration = p.integer(call.params, 'MaxSessionDuration', 3600, 43200) ?? 3600;
    const state = call.store.read();
    const boundary = boundaryParam(call, state);
    call.authorize('CreateRole', roleArn(state.accountId, path, name), boundaryContext(boundary));
    // Tags are read once the caller may act: a caller without permissions gets no work done for it.
    const tags = p.tags(call.params);
    const role = await call.store.update((s) => {
      if (s.roles[nameKey(name)]) throw iamError.alreadyExists('role', name);
      const record: RoleRecord = {
        name,
        id: newUniqueId('AROA'),
        path,
        createDate: new Date().toISOString(),
        assumeRolePolicyDocument: document,
        description,
        maxSessionDuration,
        tags,
        inlinePolicies: {},
        attachedPolicies: [],
      };
      if (boundary !== undefined) record.permissionsBoundary = boundary;
      s.roles[nameKey(name)] = record;
      return record;
    });
    return { Role: roleXml(state, role, 'create') };
  },

  async GetRole(call) {
    const name = p.name(call.params, 'RoleName');
    const state = call.store.read();
    const role = findRole(state, name);
    call.authorize('GetRole', arnOfRole(state, role));
    return { Role: roleXml(state, role, 'get', call.roleLastUsed(role.id)) };
  },

  async ListRoles(call) {
    const prefix = p.path(call.params, 'PathPrefix');
    const state = call.store.read();
    call.authorize('ListRoles', `arn:aws:iam::${state.accountId}:role/*`);
    const roles = Object.values(state.roles)
      .filter((role) => role.path.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = p.paginate(call.params, roles);
    return { Roles: page.items.map((role) => roleXml(state, role, 'list')), IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async DeleteRole(call) {
    const name = p.name(call.params, 'RoleName');
    const state = call.store.read();
    call.authorize('DeleteRole', arnOfRole(state, findRole(state, name)));
    await call.store.update((s) => {
      const role = findRole(s, name);
      if (Object.keys(role.inlinePolicies).length > 0) throw iamError.deleteConflict('Cannot delete entity, must delete policies first.');
      if (role.attachedPolicies.length > 0) throw iamError.deleteConflict('Cannot delete entity, must detach all policies first.');
      delete s.roles[nameKey(name)];
    });
    return undefined;
  },

  async UpdateAssumeRolePolicy(call) {
    const name = p.name(call.params, 'RoleName');
    const document = trustPolicy(call, 'PolicyDocument');
    const state = call.store.read();
    call.authorize('UpdateAssumeRolePolicy', arnOfRole(state, findRole(state, name)));
    await call.store.update((s) => {
      findRole(s, name).assumeRolePolicyDocument = document;
    });
    return undefined;
  },
};
