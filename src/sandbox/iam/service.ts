// IAM over awsQuery (2010-05-08): dispatches each action to its handler, authorizing with the policy engine.
import type { RequestContext } from '../contracts';
import { unknownOperation } from '../server/front-errors';
import type { QueryParams, QueryService } from '../server/query-protocol';
import type { XmlObject } from '../server/xml';
import type { JsonStore } from '../storage/json-store';
import { authorize } from './authorize';
import type { IamDirectory } from './directory';
import type { IamState } from './model';
import type { IamHandlers, RoleUsage } from './operation';
import { accessKeyHandlers } from './operations/access-keys';
import { authorizationDetailsHandlers } from './operations/authorization-details';
import { attachmentHandlers } from './operations/attachments';
import { groupHandlers } from './operations/groups';
import { inlinePolicyHandlers } from './operations/inline-policies';
import { managedPolicyHandlers } from './operations/managed-policies';
import { permissionsBoundaryHandlers } from './operations/permissions-boundaries';
import { roleHandlers } from './operations/roles';
import { simulateHandlers } from './operations/simulate';
import { userHandlers } from './operations/users';

const HANDLERS: IamHandlers = {
  ...userHandlers,
  ...accessKeyHandlers,
  ...groupHandlers,
  ...roleHandlers,
  ...inlinePolicyHandlers,
  ...managedPolicyHandlers,
  ...attachmentHandlers,
  ...simulateHandlers,
  ...authorizationDetailsHandlers,
  ...permissionsBoundaryHandlers,
};

export const IAM_ACTIONS = Object.keys(HANDLERS);

export class IamService implements QueryService {
  readonly namespace = 'https://iam.amazonaws.com/doc/2010-05-08/';
  readonly version = '2010-05-08';

  constructor(
    private readonly store: JsonStore<IamState>,
    private readonly directory: IamDirectory,
    private readonly roleUsage: (roleId: string) => RoleUsage | undefined = () => undefined,
  ) {}

  handle(action: string, params: QueryParams, ctx: RequestContext): Promise<XmlObject | undefined> {
    const handler = Object.hasOwn(HANDLERS, action) ? HANDLERS[action] : undefined;
    if (!handler) throw unknownOperation('query', action, this.version);
    return handler({
      params,
      ctx,
      store: this.store,
      directory: this.directory,
      authorize: (iamAction, resource, context) => authorize(this.directory, ctx, `iam:${iamAction}`, resource, { context }),
      roleLastUsed: this.roleUsage,
    });
  }
}
