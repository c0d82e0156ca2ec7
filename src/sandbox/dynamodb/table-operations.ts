// Table operations, with what dynalite lacks: SSESpecification / SSEDescription, DynamoDB's grant on the key,
// the table status a disabled key causes, deletion protection and warm throughput.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../contracts';
import type { DynamoCall } from './call';
import type { KeyRecord } from '../kms/model';
import { RESOURCE_NOT_FOUND, dynamoError } from './errors';
import type { TableRecord } from './engine';
import { RESOURCE_POLICY_FIELD, resourcePolicyForNewTable } from './resource-policies';
import { WARM_THROUGHPUT_FIELD, deletedTableDescription, describeTable as tableDescription } from './table-description';
import {
  DATA_KEY_FIELD,
  SSE_CHANGES_FIELD,
  keyForNewEncryption,
  nextEncryptionChanges,
  readSseSpecification,
  sseDescriptionFor,
  tableKeyArn,
} from './table-encryption';
import { readDeletionProtection, readWarmThroughput } from './table-settings';

function present(call: DynamoCall, table: TableRecord): TableRecord {
  return tableDescription(table, call.tableKeys, call.ctx.now);
}

function tableNotFound(name: string): AwsError {
  return new AwsError(RESOURCE_NOT_FOUND, `Requested resource not found: Table: ${name} not found`);
}

export async function createTable(call: DynamoCall): Promise<Record<string, unknown>> {
  const { input, ctx, engine, access, tableKeys } = call;
  const sse = readSseSpecification(input.SSESpecification);
  const deletionProtection = readDeletionProtection(input.DeletionProtectionEnabled);
  const warmThroughput = readWarmThroughput(input.WarmThroughput);
  const tags = input.Tags;
  const resourcePolicy = resourcePolicyForNewTable(input.ResourcePolicy);
  const data = call.engine.validate('CreateTable', input);
  const tableName = data.TableName as string;
  const tableArn = access.tableArn(tableName);
  if (tags !== undefined && tags !== null) engine.validate('TagResource', { ResourceArn: tableArn, Tags: tags });
  await access.authorizeAction(ctx, 'CreateTable', tableArn);
  if (resourcePolicy) await access.authorizeAction(ctx, 'PutResourcePolicy', tableArn);
  const key = sse ? await keyForNewEncryption(sse, ctx, tableName, tableKeys) : undefined;
  if (key) data.SSEDescription = sseDescriptionFor(key);
  const dataKey = randomBytes(32);
  data[DATA_KEY_FIELD] = await tableKeys.wrapTableKey(dataKey, key, tableName, ctx.accountId);
  if (resourcePolicy) data[RESOURCE_POLICY_FIELD] = resourcePolicy;
  if (deletionProtection !== undefined) data.DeletionProtectionEnabled = deletionProtection;
  if (warmThroughput) data[WARM_THROUGHPUT_FIELD] = warmThroughput;

  const created = await engine.run('CreateTable', data).catch((error: unknown) => {
    // dynalite says nothing more; DynamoDB names the table.
    if (error instanceof AwsError && error.code.endsWith('#ResourceInUseException') && !error.message) {
      throw new AwsError(error.code, `Table already exists: ${tableName}`);
    }
    throw error;
  });
  call.policies.forget(tableName);
  // dynalite keeps mutating its record (CREATING → ACTIVE); answer with the state at creation, as AWS does.
  const description = structuredClone(created.TableDescription) as TableRecord;
  call.keyCache.forgetTable(tableName);
  engine.cipher.setTableKey(tableName, dataKey);
  if (key) await tableKeys.addTableGrant(ctx, key, tableName);
  if (Array.isArray(tags) && tags.length > 0) await engine.run('TagResource', engine.validate('TagResource', { ResourceArn: tableArn, Tags: tags }));
  // With no creation window the table is ACTIVE before CreateTable answers; otherwise dynalite ends the window.
  if (engine.tableCreationMs === 0) await engine.settle(tableName, (table) => table?.TableStatus === 'ACTIVE');
  return { TableDescription: present(call, description) };
}

/** The updates dynalite makes; the sandbox makes SSESpecification, DeletionProtectionEnabled and WarmThroughput itself. */
const ENGINE_UPDATES = ['ProvisionedThroughput', 'BillingMode', 'GlobalSecondaryIndexUpdates', 'StreamSpecification', 'UpdateStreamEnabled'];

export async function updateTable(call: DynamoCall): Promise<Record<string, unknown>> {
  const { input, ctx, engine, access, tableKeys } = call;
  const sse = readSseSpecification(input.SSESpecification);
  const deletionProtection = readDeletionProtection(input.DeletionProtectionEnabled);
  const warmThroughput = readWarmThroughput(input.WarmThroughput);
  const ownUpdates = sse !== undefined || deletionProtection !== undefined || warmThroughput !== undefined;
  const otherUpdates = ENGINE_UPDATES.some((member) => input[member] !== undefined && input[member] !== null);
  const data = engine.validate('UpdateTable', input, { skipCustom: ownUpdates && !otherUpdates });
  const tableName = data.TableName as string;
  await access.authorizeAction(ctx, 'UpdateTable', access.tableArn(tableName));
  let table = await engine.getTable(tableName);
  if (!table) throw tableNotFound(tableName);
  if (table.TableStatus === 'CREATING') throw dynamoError.beingCreated(tableName);
  /** While the encryption changes, UpdateTable answers SSEDescription UPDATING (with the old key when SSE is turned off). */
  let changingEncryption: Record<string, unknown> | undefined;

  if (deletionProtection !== undefined || warmThroughput !== undefined) {
    table = await engine.updateTable(tableName, (stored) => {
      if (deletionProtection !== undefined) stored.DeletionProtectionEnabled = deletionProtection;
      if (warmThroughput) stored[WARM_THROUGHPUT_FIELD] = { ...(stored[WARM_THROUGHPUT_FIELD] as object | undefined), ...warmThroughput };
      return stored;
    });
  }
  if (sse) {
    const key = await keyForNewEncryption(sse, ctx, tableName, tableKeys);
    const previousArn = tableKeyArn(table);
    if (key?.arn !== previousArn) {
      changingEncryption = { Status: 'UPDATING', SSEType: 'KMS', KMSMasterKeyArn: key?.arn ?? previousArn };
      nextEncryptionChanges(table, ctx.now.getTime());
      const rewrapped = await rewrapDataKey(call, table, key);
      table = await engine.updateTable(tableName, (stored) => {
        stored[SSE_CHANGES_FIELD] = nextEncryptionChanges(stored, ctx.now.getTime());
        if (key) stored.SSEDescription = sseDescriptionFor(key);
        else delete stored.SSEDescription;
        if (rewrapped !== undefined) stored[DATA_KEY_FIELD] = rewrapped;
        return stored;
      });
      call.keyCache.forget(tableName);
      if (previousArn) await tableKeys.retireTableGrants(tableName, ctx.accountId, previousArn);
      if (key) await tableKeys.addTableGrant(ctx, key, tableName);
    }
  }
  if (otherUpdates) {
    const updated = await engine.run('UpdateTable', data);
    table = structuredClone(updated.TableDescription) as TableRecord;
    await engine.settle(tableName, (stored) => stored?.TableStatus === 'ACTIVE');
    call.keyCache.forget(tableName);
  }
  const description = present(call, table);
  if (changingEncryption) description.SSEDescription = changingEncryption;
  return { TableDescription: description };
}

/** The table's data key wrapped under its new KMS key; undefined for a table whose items were never sealed. */
async function rewrapDataKey(call: DynamoCall, table: TableRecord, key: KeyRecord | undefined): Promise<string | undefined> {
  const wrapped = table[DATA_KEY_FIELD] as string | undefined;
  if (wrapped === undefined) return undefined;
  const dataKey = await call.tableKeys.unwrapTableKey(wrapped, table.TableName, call.ctx.accountId);
  if (!dataKey) throw dynamoError.kmsKeyAccessDenied();
  return call.tableKeys.wrapTableKey(dataKey, key, table.TableName, call.ctx.accountId);
}

export async function deleteTable(call: DynamoCall): Promise<Record<string, unknown>> {
  const { input, ctx, engine, access, tableKeys } = call;
  const data = engine.validate('DeleteTable', input);
  const tableName = data.TableName as string;
  await access.authorizeAction(ctx, 'DeleteTable', access.tableArn(tableName));
  if ((await engine.getTable(tableName))?.DeletionProtectionEnabled === true) {
    throw dynamoError.validation('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  }
  const deleted = await engine.run('DeleteTable', data);
  const description = structuredClone(deleted.TableDescription) as TableRecord;
  if (tableKeyArn(description)) await tableKeys.retireTableGrants(tableName, ctx.accountId);
  if (engine.tableDeletionMs === 0) await engine.settle(tableName, (table) => table === undefined);
  call.keyCache.forgetTable(tableName);
  call.policies.forget(tableName);
  return { TableDescription: deletedTableDescription(description) };
}

export async function describeTable(call: DynamoCall): Promise<Record<string, unknown>> {
  const data = call.engine.validate('DescribeTable', call.input);
  const tableName = data.TableName as string;
  await call.access.authorizeAction(call.ctx, 'DescribeTable', call.access.tableArn(tableName));
  const table = await call.engine.getTable(tableName);
  if (!table) throw tableNotFound(tableName);
  return { Table: present(call, table) };
}

export async function listTables(call: DynamoCall): Promise<Record<string, unknown>> {
  const data = call.engine.validate('ListTables', call.input);
  await call.access.authorizeAction(call.ctx, 'ListTables', call.access.allTablesArn());
  const limit = (data.Limit as number | undefined) ?? 100;
  const start = data.ExclusiveStartTableName as string | undefined;
  const names = (await call.engine.tableNames()).filter((name) => start === undefined || name > start);
  const result: Record<string, unknown> = { TableNames: names.slice(0, limit) };
  if (names.length > limit) result.LastEvaluatedTableName = names[limit - 1];
  return result;
}

/**
 * dynalite refuses a malformed ResourceArn as a denial of its placeholder user (arn:aws:iam::<acct>:dynalite);
 * DynamoDB names the caller.
 */
function deniedToCaller(error: unknown, call: DynamoCall): unknown {
  if (!(error instanceof AwsError) || !/^User: arn:aws:iam::\d{12}:dynalite is not authorized/.test(error.message)) return error;
  return dynamoError.accessDenied(error.message.replace(/^User: \S+/, `User: ${call.ctx.caller.arn}`));
}

/** TagResource, UntagResource, ListTagsOfResource: IAM on the ResourceArn, then dynalite. */
export async function resourceTagOperation(call: DynamoCall): Promise<Record<string, unknown>> {
  let data: Record<string, any>;
  try {
    data = call.engine.validate(call.operation, call.input);
  } catch (error) {
    throw deniedToCaller(error, call);
  }
  await call.access.authorizeAction(call.ctx, call.operation, data.ResourceArn as string);
  const result = await call.engine.run(call.operation, data);
  return result && typeof result === 'object' ? result : {};
}

export async function describeTimeToLive(call: DynamoCall): Promise<Record<string, unknown>> {
  const data = call.engine.validate('DescribeTimeToLive', call.input);
  await call.access.authorizeAction(call.ctx, 'DescribeTimeToLive', call.access.tableArn(data.TableName as string));
  return call.engine.run('DescribeTimeToLive', data);
}
