// Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy.
import { arnOfGroup, arnOfRole, arnOfUser, findGroup, findRole, findUser } from '../entities';
import { iamError } from '../errors';
import type { IamState } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { boundaryContext } from './permissions-boundaries';
import { checkPolicyDocument, encodePolicyDocument, policySize } from '../policy-documents';

interface HolderKind {
  /** "User", "Group" or "Role", as in the action names. */
  label: 'User' | 'Group' | 'Role';
  nameParam: string;
  nameLength: number;
  /** Aggregate size limit of the holder's inline policies. */
  sizeLimit: number;
  find(state: IamState, name: string): { name: string; inlinePolicies: Record<string, string>; permissionsBoundary?: string };
  arn(state: IamState, name: string): string;
}

const KINDS: HolderKind[] = [
  { label: 'User', nameParam: 'UserName', nameLength: 64, sizeLimit: 2048, find: findUser, arn: (s, n) => arnOfUser(s, findUser(s, n)) },
  { label: 'Group', nameParam: 'GroupName', nameLength: 128, sizeLimit: 5120, find: findGroup, arn: (s, n) => arnOfGroup(s, findGroup(s, n)) },
  { label: 'Role', nameParam: 'RoleName', nameLength: 64, sizeLimit: 10240, find: findRole, arn: (s, n) => arnOfRole(s, findRole(s, n)) },
];

function holderName(call: IamCall, kind: HolderKind): string {
  return p.name(call.params, kind.nameParam, kind.nameLength);
}

function policyName(call: IamCall): string {
  return p.name(call.params, 'PolicyName', 128);
}

function noSuchPolicy(kind: HolderKind, policy: string): Error {
  return iamError.noSuchEntity(`The ${kind.label.toLowerCase()} policy with name ${policy} cannot be found.`);
}

function handlersFor(kind: HolderKind): IamHandlers {
  return {
    async [`Put${kind.label}Policy`](call: IamCall) {
      const holder = holderName(call, kind);
      const name = policyName(call);
      const document = p.required(call.params, 'PolicyDocument');
      checkPolicyDocument(document, 'identity');
      call.authorize(`Put${kind.label}Policy`, kind.arn(call.store.read(), holder), boundaryContext(kind.find(call.store.read(), holder).permissionsBoundary));
      await call.store.update((s) => {
        const entity = kind.find(s, holder);
        const others = Object.entries(entity.inlinePolicies).filter(([existing]) => existing !== name);
        const total = others.reduce((sum, [, text]) => sum + policySize(text), policySize(document));
        if (total > kind.sizeLimit) {
          throw iamError.limitExceeded(`Maximum policy size of ${kind.sizeLimit} bytes exceeded for ${kind.label.toLowerCase()} ${entity.name}`);
        }
        entity.inlinePolicies[name] = document;
      });
      return undefined;
    },

    async [`Get${kind.label}Policy`](call: IamCall) {
      const holder = holderName(call, kind);
      const name = policyName(call);
      const state = call.store.read();
      call.authorize(`Get${kind.label}Policy`, kind.arn(state, holder));
      const entity = kind.find(state, holder);
      const document = Object.hasOwn(entity.inlinePolicies, name) ? entity.inlinePolicies[name] : undefined;
      if (document === undefined) throw noSuchPolicy(kind, name);
      return { [kind.nameParam]: entity.name, PolicyName: name, PolicyDocument: encodePolicyDocument(document) };
    },

    async [`List${kind.label}Policies`](call: IamCall) {
      const holder = holderName(call, kind);
      const state = call.store.read();
      call.authorize(`List${kind.label}Policies`, kind.arn(state, holder));
      const names = Object.keys(kind.find(state, holder).inlinePolicies).sort();
      const page = p.paginate(call.params, names);
      return { PolicyNames: page.items, IsTruncated: page.isTruncated, Marker: page.marker };
    },

    async [`Delete${kind.label}Policy`](call: IamCall) {
      const holder = holderName(call, kind);
      const name = policyName(call);
      call.authorize(`Delete${kind.label}Policy`, kind.arn(call.store.read(), holder), boundaryContext(kind.find(call.store.read(), holder).permissionsBoundary));
      await call.store.update((s) => {
        const entity = kind.find(s, holder);
        if (!Object.hasOwn(entity.inlinePolicies, name)) throw noSuchPolicy(kind, name);
        delete entity.inlinePolicies[name];
      });
      return undefined;
    },
  };
}

export const inlinePolicyHandlers: IamHandlers = Object.assign({}, ...KINDS.map(handlersFor));
