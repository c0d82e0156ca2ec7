// Users: CreateUser, GetUser, ListUsers, DeleteUser, TagUser, UntagUser, ListUserTags.
import { userArn } from '../arns';
import { arnOfUser, findUser, mergeTags, userXml } from '../entities';
import { iamError } from '../errors';
import { newUniqueId } from '../ids';
import { nameKey, type UserRecord } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { boundaryContext, boundaryParam } from './permissions-boundaries';

function callerUserName(call: IamCall): string {
  const name = p.optionalName(call.params, 'UserName');
  if (name !== undefined) return name;
  if (call.ctx.caller.kind !== 'user') throw iamError.validation('Must specify userName when calling with non-User credentials');
  return call.ctx.caller.name;
}

export const userHandlers: IamHandlers = {
  async CreateUser(call) {
    const name = p.name(call.params, 'UserName');
    const path = p.path(call.params);
    const state = call.store.read();
    const boundary = boundaryParam(call, state);
    call.authorize('CreateUser', userArn(state.accountId, path, name), boundaryContext(boundary));
    // Tags are read once the caller may act: a caller without permissions gets no work done for it.
    const tags = p.tags(call.params);
    const user = await call.store.update((s) => {
      if (s.users[nameKey(name)]) throw iamError.alreadyExists('user', name);
      const record: UserRecord = { name, id: newUniqueId('AIDA'), path, createDate: new Date().toISOString(), tags, groups: [], inlinePolicies: {}, attachedPolicies: [] };
      if (boundary !== undefined) record.permissionsBoundary = boundary;
      s.users[nameKey(name)] = record;
      return record;
    });
    return { User: userXml(state, user, true) };
  },

  async GetUser(call) {
    const name = callerUserName(call);
    const state = call.store.read();
    const user = findUser(state, name);
    call.authorize('GetUser', arnOfUser(state, user));
    return { User: userXml(state, user, true) };
  },

  async ListUsers(call) {
    const prefix = p.path(call.params, 'PathPrefix');
    const state = call.store.read();
    call.authorize('ListUsers', `arn:aws:iam::${state.accountId}:user/*`);
    const users = Object.values(state.users)
      .filter((user) => user.path.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = p.paginate(call.params, users);
    return { Users: page.items.map((user) => userXml(state, user)), IsTruncated: page.isTruncated, Marker: page.marker };
  },

  async DeleteUser(call) {
    const name = p.name(call.params, 'UserName');
    const state = call.store.read();
    call.authorize('DeleteUser', arnOfUser(state, findUser(state, name)));
    await call.store.update((s) => {
      const user = findUser(s, name);
      const key = nameKey(name);
      if (Object.values(s.accessKeys).some((k) => k.userKey === key)) throw iamError.deleteConflict('Cannot delete entity, must delete access keys first.');
      if (Object.keys(user.inlinePolicies).length > 0) throw iamError.deleteConflict('Cannot delete entity, must delete policies first.');
      if (user.attachedPolicies.length > 0) throw iamError.deleteConflict('Cannot delete entity, must detach all policies first.');
      if (user.groups.length > 0) throw iamError.deleteConflict('Cannot delete entity, must remove user from all groups first.');
      delete s.users[key];
    });
    return undefined;
  },

  async TagUser(call) {
    const name = p.name(call.params, 'UserName');
    const state = call.store.read();
    call.authorize('TagUser', arnOfUser(state, findUser(state, name)));
    // Tags are read once the caller may act: a caller without permissions gets no work done for it.
    const tags = p.tags(call.params);
    if (tags.length === 0) throw iamError.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    await call.store.update((s) => {
      const user = findUser(s, name);
      user.tags = mergeTags(user.tags, tags, p.MAX_TAGS);
    });
    return undefined;
  },

  async UntagUser(call) {
    const name = p.name(call.params, 'UserName');
    const keys = p.memberList(call.params, 'TagKeys').map((key) => key.toLowerCase());
    const state = call.store.read();
    call.authorize('UntagUser', arnOfUser(state, findUser(state, name)));
    await call.store.update((s) => {
      const user = findUser(s, name);
      user.tags = user.tags.filter((tag) => !keys.includes(tag.Key.toLowerCase()));
    });
    return undefined;
  },

  async ListUserTags(call) {
    const name = p.name(call.params, 'UserName');
    const state = call.store.read();
    const user = findUser(state, name);
    call.authorize('ListUserTags', arnOfUser(state, user));
    const page = p.paginate(call.params, user.tags);
    return { Tags: page.items.map((tag) => ({ Key: tag.Key, Value: tag.Value })), IsTruncated: page.isTruncated, Marker: page.marker };
  },
};
