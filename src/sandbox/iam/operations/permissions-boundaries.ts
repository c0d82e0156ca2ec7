// Permissions boundaries of users and roles: Put/Delete{User,Role}PermissionsBoundary, and the PermissionsBoundary
// parameter of CreateUser and CreateRole. A boundary is a managed policy (AWS or customer managed) that caps what the
// entity's identity policies can allow; the policy engine applies it.
import { arnOfRole, arnOfUser, findRole, findUser } from '../entities';
import { iamError } from '../errors';
import type { IamState } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { checkPolicyArn, findManagedPolicy } from '../policies';

/** The PermissionsBoundary parameter: an existing managed policy's ARN, or undefined when absent. */
export function boundaryParam(call: IamCall, state: IamState, param = 'PermissionsBoundary'): string | undefined {
  const arn = p.optional(call.params, param);
  if (arn === undefined) return undefined;
  if (arn.length < 20 || arn.length > 2048) {
    throw iamError.validation(
      `1 validation error detected: Value '${arn.slice(0, 128)}' at 'permissionsBoundary' failed to satisfy constraint: Member must have length ${arn.length < 20 ? 'greater than or equal to 20' : 'less than or equal to 2048'}`,
    );
  }
  checkPolicyArn(arn);
  try {
    findManagedPolicy(state, arn);
  } catch {
    throw iamError.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  }
  return arn;
}

/** The iam:PermissionsBoundary condition key: the boundary a request sets, or the one the entity has. */
export function boundaryContext(arn: string | undefined): Record<string, string> | undefined {
  return arn === undefined ? undefined : { 'iam:PermissionsBoundary': arn };
}

export const permissionsBoundaryHandlers: IamHandlers = {
  async PutUserPermissionsBoundary(call) {
    const name = p.name(call.params, 'UserName');
    p.required(call.params, 'PermissionsBoundary');
    const state = call.store.read();
    const user = findUser(state, name);
    const arn = boundaryParam(call, state)!;
    call.authorize('PutUserPermissionsBoundary', arnOfUser(state, user), boundaryContext(arn));
    await call.store.update((s) => {
      findUser(s, name).permissionsBoundary = arn;
    });
    return undefined;
  },

  async DeleteUserPermissionsBoundary(call) {
    const name = p.name(call.params, 'UserName');
    const state = call.store.read();
    const user = findUser(state, name);
    call.authorize('DeleteUserPermissionsBoundary', arnOfUser(state, user), boundaryContext(user.permissionsBoundary));
    await call.store.update((s) => {
      delete findUser(s, name).permissionsBoundary;
    });
    return undefined;
  },

  async PutRolePermissionsBoundary(call) {
    const name = p.name(call.params, 'RoleName');
    p.required(call.params, 'PermissionsBoundary');
    const state = call.store.read();
    const role = findRole(state, name);
    const arn = boundaryParam(call, state)!;
    call.authorize('PutRolePermissionsBoundary', arnOfRole(state, role), boundaryContext(arn));
    await call.store.update((s) => {
      findRole(s, name).permissionsBoundary = arn;
    });
    return undefined;
  },

  async DeleteRolePermissionsBoundary(call) {
    const name = p.name(call.params, 'RoleName');
    const state = call.store.read();
    const role = findRole(state, name);
    call.authorize('DeleteRolePermissionsBoundary', arnOfRole(state, role), boundaryContext(role.permissionsBoundary));
    await call.store.update((s) => {
      delete findRole(s, name).permissionsBoundary;
    });
    return undefined;
  },
};
