// Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
import { arnOfUser, findUser } from '../entities';
import { iamError } from '../errors';
import { newAccessKeyId, newSecretAccessKey } from '../ids';
import { nameKey, type AccessKeyRecord } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';

export const MAX_ACCESS_KEYS_PER_USER = 2;

function targetUserName(call: IamCall): string {
  const name = p.optionalName(call.params, 'UserName');
  if (name !== undefined) return name;
  if (call.ctx.caller.kind !== 'user') throw iamError.validation('Must specify userName when calling with non-User credentials');
  return call.ctx.caller.name;
}

function keyId(call: IamCall): string {
  const id = p.required(call.params, 'AccessKeyId');
  if (!/^[\w]{16,128}$/.test(id)) {
    throw iamError.validation(`1 validation error detected: Value '${id.slice(0, 128)}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+`);
  }
  return id;
}

function ownKey(keys: Record<string, AccessKeyRecord>, id: string, userName: string): AccessKeyRecord {
  const key = keys[id];
  if (!key || key.userKey !== nameKey(userName)) throw iamError.noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

export function createAccessKeyRecord(userName: string): AccessKeyRecord {
  return {
    accessKeyId: newAccessKeyId('AKIA'),
    secretAccessKey: newSecretAccessKey(),
    userKey: nameKey(userName),
    status: 'Active',
    createDate: new Date().toISOString(),
  };
}

export const accessKeyHandlers: IamHandlers = {
  async CreateAccessKey(call) {
    const userName = targetUserName(call);
    const state = call.store.read();
    call.authorize('CreateAccessKey', arnOfUser(state, findUser(state, userName)));
    const { key, user } = await call.store.update((s) => {
      const owner = findUser(s, userName);
      const count = Object.values(s.accessKeys).filter((k) => k.userKey === nameKey(userName)).length;
      if (count >= MAX_ACCESS_KEYS_PER_USER) throw iamError.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`);
      const record = createAccessKeyRecord(owner.name);
      s.accessKeys[record.accessKeyId] = record;
      return { key: record, user: owner };
    });
    return {
      AccessKey: {
        UserName: user.name,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        SecretAccessKey: key.secretAccessKey,
        CreateDate: new Date(key.createDate),
      },
    };
  },

  async ListAccessKeys(call) {
    const userName = targetUserName(call);
    const state = call.store.read();
    const user = findUser(state, userName);
    call.authorize('ListAccessKeys', arnOfUser(state, user));
    const keys = Object.values(state.accessKeys).filter((k) => k.userKey === nameKey(userName));
    const page = p.paginate(call.params, keys);
    return {
      AccessKeyMetadata: page.items.map((k) => ({ UserName: user.name, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: new Date(k.createDate) })),
      IsTruncated: page.isTruncated,
      Marker: page.marker,
    };
  },

  async UpdateAccessKey(call) {
    const id = keyId(call);
    const status = p.oneOf(call.params, 'Status', ['Active', 'Inactive'] as const);
    if (!status) p.required(call.params, 'Status');
    const userName = targetUserName(call);
    const state = call.store.read();
    call.authorize('UpdateAccessKey', arnOfUser(state, findUser(state, userName)));
    await call.store.update((s) => {
      ownKey(s.accessKeys, id, userName).status = status!;
    });
    return undefined;
  },

  async DeleteAccessKey(call) {
    const id = keyId(call);
    const userName = targetUserName(call);
    const state = call.store.read();
    call.authorize('DeleteAccessKey', arnOfUser(state, findUser(state, userName)));
    await call.store.update((s) => {
      ownKey(s.accessKeys, id, userName);
      delete s.accessKeys[id];
    });
    return undefined;
  },
};
