// Attach, detach and list managed policies on users, groups and roles.
import { arnOfGroup, arnOfRole, arnOfUser, findGroup, findRole, findUser } from '../entities';
import { iamError } from '../errors';
import type { IamState } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { boundaryContext } from './permissions-boundaries';
import { checkPolicyArn, findManagedPolicy } from '../policies';

export const MAX_ATTACHED_POLICIES = 10;

interface HolderKind {
  label: 'User' | 'Group' | 'Role';
  nameParam: string;
  nameLength: number;
  find(state: IamState, name: string): { name: string; attachedPolicies: string[]; permissionsBoundary?: string };
  arn(state: IamState, name: string): string;
}

const KINDS: HolderKind[] = [
  { label: 'User', nameParam: 'UserName', nameLength: 64, find: findUser, arn: (s, n) => arnOfUser(s, findUser(s, n)) },
  { label: 'Group', nameParam: 'GroupName', nameLength: 128, find: findGroup, arn: (s, n) => arnOfGroup(s, findGroup(s, n)) },
  { label: 'Role', nameParam: 'RoleName', nameLength: 64, find: findRole, arn: (s, n) => arnOfRole(s, findRole(s, n)) },
];

function handlersFor(kind: HolderKind): IamHandlers {
  return {
    async [`Attach${kind.label}Policy`](call: IamCall) {
      const holder = p.name(call.params, kind.nameParam, kind.nameLength);
      const arn = p.required(call.params, 'PolicyArn');
      checkPolicyArn(arn);
      call.authorize(`Attach${kind.label}Policy`, kind.arn(call.store.read(), holder), boundaryContext(kind.find(call.store.read(), holder).permissionsBoundary));
      await call.store.update((s) => {
        const entity = kind.find(s, holder);
        findManagedPolicy(s, arn);
        if (entity.attachedPolicies.includes(arn)) return;
        if (entity.attachedPolicies.length >= MAX_ATTACHED_POLICIES) {
          throw iamError.limitExceeded(`Cannot exceed quota for PoliciesPer${kind.label}: ${MAX_ATTACHED_POLICIES}`);
        }
        entity.attachedPolicies.push(arn);
      });
      return undefined;
    },

    async [`Detach${kind.label}Policy`](call: IamCall) {
      const holder = p.name(call.params, kind.nameParam, kind.nameLength);
      const arn = p.required(call.params, 'PolicyArn');
      checkPolicyArn(arn);
      call.authorize(`Detach${kind.label}Policy`, kind.arn(call.store.read(), holder), boundaryContext(kind.find(call.store.read(), holder).permissionsBoundary));
      await call.store.update((s) => {
        const entity = kind.find(s, holder);
        const at = entity.attachedPolicies.indexOf(arn);
        if (at < 0) throw iamError.noSuchEntity(`Policy ${arn} was not found.`);
        entity.attachedPolicies.splice(at, 1);
      });
      return undefined;
    },

    async [`ListAttached${kind.label}Policies`](call: IamCall) {
      const holder = p.name(call.params, kind.nameParam, kind.nameLength);
      const prefix = p.path(call.params, 'PathPrefix');
      const state = call.store.read();
      call.authorize(`ListAttached${kind.label}Policies`, kind.arn(state, holder));
      const attached = kind
        .find(state, holder)
        .attachedPolicies.map((arn) => {
          try {
            return findManagedPolicy(state, arn);
          } catch {
            return undefined;
          }
        })
        .filter((found) => found !== undefined && found.policy.path.startsWith(prefix))
        .map((found) => found!);
      const page = p.paginate(call.params, attached);
      return {
        AttachedPolicies: page.items.map((found) => ({
          PolicyName: found.policy.name,
          PolicyArn: found.kind === 'aws' ? found.policy.arn : `arn:aws:iam::${state.accountId}:policy${found.policy.path}${found.policy.name}`,
        })),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      };
    },
  };
}

export const attachmentHandlers: IamHandlers = Object.assign({}, ...KINDS.map(handlersFor));
