// What every DynamoDB operation handler receives.
import type { RequestContext } from '../contracts';
import type { TableKeyAccess } from '../kms/table-key-access';
import type { DynamoAccess } from './access';
import type { DynaliteEngine } from './engine';
import type { TablePolicies } from './resource-policies';
import type { TableKeyCache } from './table-key-cache';

export interface DynamoCall {
  operation: string;
  input: Record<string, unknown>;
  ctx: RequestContext;
  engine: DynaliteEngine;
  access: DynamoAccess;
  tableKeys: TableKeyAccess;
  keyCache: TableKeyCache;
  policies: TablePolicies;
}

export type DynamoOperation = (call: DynamoCall) => Promise<Record<string, unknown>>;
