// What every IAM/STS action handler receives, and the shape it returns.
import type { RequestContext } from '../contracts';
import type { QueryParams } from '../server/query-protocol';
import type { XmlObject } from '../server/xml';
import type { JsonStore } from '../storage/json-store';
import type { IamDirectory } from './directory';
import type { IamState } from './model';

export interface IamCall {
  params: QueryParams;
  ctx: RequestContext;
  store: JsonStore<IamState>;
  directory: IamDirectory;
  /** Throws AccessDenied unless the caller may perform iam:<action> on resource; `context` adds action-specific condition keys. */
  authorize(action: string, resource: string, context?: Record<string, string>): void;
  /** When and where a role (by unique id) was last used, as RoleLastUsed reports it. */
  roleLastUsed(roleId: string): RoleUsage | undefined;
}

export interface RoleUsage {
  date: Date;
  region: string;
}

export type IamHandler = (call: IamCall) => Promise<XmlObject | undefined>;
export type IamHandlers = Record<string, IamHandler>;
