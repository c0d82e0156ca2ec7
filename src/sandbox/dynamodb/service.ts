// The sandbox's DynamoDB endpoint (awsJson1_0, DynamoDB_20120810.<Op>).
import type { IdentityDirectory, JsonService, RequestContext } from '../contracts';
import type { TableKeyAccess } from '../kms/table-key-access';
import { DynamoAccess } from './access';
import type { DynamoOperation } from './call';
import type { DynaliteEngine } from './engine';
import { dynamoError } from './errors';
import { itemOperation } from './item-operations';
import * as resourcePolicies from './resource-policies';
import { batchExecuteStatement, executeStatement, executeTransaction } from './partiql/operations';
import { transactGetItems, transactWriteItems } from './transactions';
import * as tables from './table-operations';
import { TableArns } from './table-arns';
import { TableKeyCache } from './table-key-cache';

const OPERATIONS: Record<string, DynamoOperation> = {
  CreateTable: tables.createTable,
  UpdateTable: tables.updateTable,
  DeleteTable: tables.deleteTable,
  DescribeTable: tables.describeTable,
  ListTables: tables.listTables,
  DescribeTimeToLive: tables.describeTimeToLive,
  TagResource: tables.resourceTagOperation,
  UntagResource: tables.resourceTagOperation,
  ListTagsOfResource: tables.resourceTagOperation,
  GetItem: itemOperation,
  PutItem: itemOperation,
  UpdateItem: itemOperation,
  DeleteItem: itemOperation,
  Query: itemOperation,
  Scan: itemOperation,
  BatchGetItem: itemOperation,
  BatchWriteItem: itemOperation,
  PutResourcePolicy: resourcePolicies.putResourcePolicy,
  GetResourcePolicy: resourcePolicies.getResourcePolicy,
  DeleteResourcePolicy: resourcePolicies.deleteResourcePolicy,
  TransactWriteItems: transactWriteItems,
  TransactGetItems: transactGetItems,
  ExecuteStatement: executeStatement,
  BatchExecuteStatement: batchExecuteStatement,
  ExecuteTransaction: executeTransaction,
};

export const DYNAMODB_OPERATIONS = Object.keys(OPERATIONS);

export interface DynamoServiceOptions {
  engine: DynaliteEngine;
  tableKeys: TableKeyAccess;
  directory: IdentityDirectory;
  region: string;
  accountId: string;
}

export class DynamoService implements JsonService {
  private readonly access: DynamoAccess;
  private readonly keyCache: TableKeyCache;
  private readonly policies: resourcePolicies.TablePolicies;
  private readonly tableArns: TableArns;

  constructor(private readonly options: DynamoServiceOptions) {
    this.policies = new resourcePolicies.TablePolicies(options.engine);
    this.access = new DynamoAccess(options.directory, options.tableKeys, this.policies, options.region, options.accountId);
    this.keyCache = new TableKeyCache(options.engine, options.engine.cipher, options.tableKeys, options.accountId);
    this.tableArns = new TableArns(options.region, options.accountId);
  }

  async handle(operation: string, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) throw dynamoError.unknownOperation();
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw dynamoError.serialization('Start of structure or map found where not expected');
    return handler({
      operation,
      input: this.tableArns.toNames(input),
      ctx,
      engine: this.options.engine,
      access: this.access,
      tableKeys: this.options.tableKeys,
      keyCache: this.keyCache,
      policies: this.policies,
    });
  }
}
