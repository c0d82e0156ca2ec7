// Groups and membership: CreateGroup, GetGroup, ListGroups, DeleteGroup, AddUserToGroup,
// RemoveUserFromGroup, ListGroupsForUser.
import { groupArn } from '../arns';
import { arnOfGroup, arnOfUser, findGroup, findUser, groupXml, userXml } from '../entities';
import { iamError } from '../errors';
import { newUniqueId } from '../ids';
import { nameKey } from '../model';
import type { IamHandlers } from '../operation';
import * as p from '../params';

const MAX_GROUPS_PER_USER = 10;

export const groupHandlers: IamHandlers = {
  async CreateGroup(call) {
    const name = p.name(call.params, 'GroupName', 128);
    const path = p.path(call.params);
    const state = call.store.read();
    call.authorize('CreateGroup', groupArn(state.accountId, path, name));
    const group = await call.store.update((s) => {
      if (s.groups[nameKey(name)]) throw iamError.alreadyExists('group', name);
      const record = { name, id: newUniqueId('AGPA'), path, createDate: new Date().toISOString(), inlinePolicies: {}, attachedPolicies: [] };
      s.groups[nameKey(name)] = record;
      return record;
    });
    return { Group: groupXml(state, group) };
  },

  async GetGroup(call) {
    const name = p.name(call.params, 'GroupName', 128);
    const state = call.store.read();
    const group = findGroup(state, name);
    call.authorize('GetGroup', arnOfGroup(state, group));
    const members = Object.values(state.users)
      .filter((user) => user.groups.some((g) => nameKey(g) === nameKey(name)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = p.paginate(call.params, members);
    return { Group: groupXml(state, group), Users: page.items.map((user) => userXml(state, user)), IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async ListGroups(call) {
    const prefix = p.path(call.params, 'PathPrefix');
    const state = call.store.read();
    call.authorize('ListGroups', `arn:aws:iam::${state.accountId}:group/*`);
    const groups = Object.values(state.groups)
      .filter((group) => group.path.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = p.paginate(call.params, groups);
    return { Groups: page.items.map((group) => groupXml(state, group)), IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async DeleteGroup(call) {
    const name = p.name(call.params, 'GroupName', 128);
    const state = call.store.read();
    call.authorize('DeleteGroup', arnOfGroup(state, findGroup(state, name)));
    await call.store.update((s) => {
      const group = findGroup(s, name);
      if (Object.values(s.users).some((user) => user.groups.some((g) => nameKey(g) === nameKey(name)))) {
        throw iamError.deleteConflict('Cannot delete entity, must remove users from group first.');
      }
      if (Object.keys(group.inlinePolicies).length > 0) throw iamError.deleteConflict('Cannot delete entity, must delete policies first.');
      if (group.attachedPolicies.length > 0) throw iamError.deleteConflict('Cannot delete entity, must detach all policies first.');
      delete s.groups[nameKey(name)];
    });
    return undefined;
  },

  async AddUserToGroup(call) {
    const groupName = p.name(call.params, 'GroupName', 128);
    const userName = p.name(call.params, 'UserName');
    const state = call.store.read();
    call.authorize('AddUserToGroup', arnOfGroup(state, findGroup(state, groupName)));
    await call.store.update((s) => {
      const group = findGroup(s, groupName);
      const user = findUser(s, userName);
      if (user.groups.some((g) => nameKey(g) === nameKey(group.name))) return;
      if (user.groups.length >= MAX_GROUPS_PER_USER) throw iamError.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}`);
      user.groups.push(group.name);
    });
    return undefined;
  },

  async RemoveUserFromGroup(call) {
    const groupName = p.name(call.params, 'GroupName', 128);
    const userName = p.name(call.params, 'UserName');
    const state = call.store.read();
    call.authorize('RemoveUserFromGroup', arnOfGroup(state, findGroup(state, groupName)));
    await call.store.update((s) => {
      findGroup(s, groupName);
      const user = findUser(s, userName);
      const at = user.groups.findIndex((g) => nameKey(g) === nameKey(groupName));
      if (at < 0) throw iamError.noSuchEntity(`The user with name ${user.name} cannot be found in group ${groupName}.`);
      user.groups.splice(at, 1);
    });
    return undefined;
  },

  async ListGroupsForUser(call) {
    const userName = p.name(call.params, 'UserName');
    const state = call.store.read();
    const user = findUser(state, userName);
    call.authorize('ListGroupsForUser', arnOfUser(state, user));
    const groups = user.groups.map((name) => state.groups[nameKey(name)]).filter((group) => group !== undefined);
    const page = p.paginate(call.params, groups);
    return { Groups: page.items.map((group) => groupXml(state, group)), IsTruncated: page.isTruncated, Marker: page.marker };
  },
};
