// TransactWriteItems and TransactGetItems: all-or-nothing over up to 100 items of one or more tables.
// Each action is checked as the item operation it stands for (dynamodb:PutItem, UpdateItem, DeleteItem,
// ConditionCheckItem, GetItem, with dynamodb:EnclosingOperation) and every table's key through KMS, like GetItem and
// PutItem. The items are locked together, dynalite's own logic computes each action against what is stored, and
// all writes (with the idempotency token) go to disk in one batch, so a crash keeps all of them or none.
import * as dynaliteDb from 'dynalite/db';
import { AwsError } from '../contracts';
import type { DynamoCall } from './call';
import type { TableRecord } from './engine';
import { RESOURCE_NOT_FOUND, dynamoError } from './errors';
import { fineGrainedConditions, keySchemaFacts } from './fine-grained';
import type { BatchOperation, Item, ItemRef } from './item-store';
import { registerFor, requestHash } from './idempotency';
import { returnOnFailure } from './return-values';

const PREFIX = 'com.amazonaws.dynamodb.v20120810#';
export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Where a completed transaction's client request token is kept, beside the items (never sealed: no item data). */

type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
const ENGINE_OPERATION: Record<WriteKind, 'PutItem' | 'UpdateItem' | 'DeleteItem'> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'DeleteItem' };
const IAM_ACTION: Record<WriteKind, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
const MEMBERS: Record<WriteKind, string[]> = {
  Put: ['TableName', 'Item', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
  Update: ['TableName', 'Key', 'UpdateExpression', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
  Delete: ['TableName', 'Key', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
  ConditionCheck: ['TableName', 'Key', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
};

interface PlannedAction {
  kind: WriteKind | 'Get';
  /** Validated request of the item operation the action stands for. */
  data: Record<string, any>;
  table: TableRecord;
  ref: ItemRef;
  returnOnFailure: boolean;
  /** The IAM action checked for it, without the dynamodb: prefix. */
  iamAction: string;
  /** The cancellation reason when its condition fails (PartiQL's INSERT reports DuplicateItem). */
  conditionFailure: CancellationReason;
}

/** One action of a write transaction, as TransactWriteItems or PartiQL's ExecuteTransaction gives it. */
export interface WriteEntry {
  kind: WriteKind;
  action: Record<string, unknown>;
  iamAction?: string;
  conditionFailure?: CancellationReason;
}

/** One read of a read transaction. */
export interface GetEntry {
  get: Record<string, unknown>;
  iamAction?: string;
}

export interface TransactionOptions {
  returnConsumedCapacity?: string;
  token?: string;
  /** dynamodb:EnclosingOperation of the actions; PartiQL's ExecuteTransaction sets none. */
  enclosing?: string;
  /** The request the idempotency token stands for. */
  request: Record<string, unknown>;
}

const CONDITIONAL_CHECK_FAILED: CancellationReason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

export function transactionCanceled(reasons: CancellationReason[]): AwsError {
  return new AwsError(
    `${PREFIX}TransactionCanceledException`,
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    400,
    'Sender',
    { CancellationReasons: reasons },
  );
}

function pick(source: Record<string, unknown>, members: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const member of members) if (source[member] !== undefined) picked[member] = source[member];
  return picked;
}

export function transactItems(input: Record<string, unknown>, member = 'TransactItems'): Record<string, unknown>[] {
  const items = input[member];
  const shown = member.charAt(0).toLowerCase() + member.slice(1);
  if (items === undefined || items === null) {
    throw dynamoError.validation(`1 validation error detected: Value null at '${shown}' failed to satisfy constraint: Member must not be null`);
  }
  if (!Array.isArray(items)) throw dynamoError.serialization('Unexpected value type in payload');
  if (items.length === 0) {
    throw dynamoError.validation(`1 validation error detected: Value '[]' at '${shown}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  }
  if (items.length > MAX_TRANSACTION_ACTIONS) {
    throw dynamoError.validation(
      `1 validation error detected: Value '[…${items.length} items…]' at '${shown}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ACTIONS}`,
    );
  }
  for (const item of items) if (!item || typeof item !== 'object' || Array.isArray(item)) throw dynamoError.serialization('Unexpected value type in payload');
  return items as Record<string, unknown>[];
}

export function commonParameters(input: Record<string, unknown>): { returnConsumedCapacity?: string; token?: string } {
  const returnConsumedCapacity = input.ReturnConsumedCapacity;
  if (returnConsumedCapacity !== undefined && !['INDEXES', 'TOTAL', 'NONE'].includes(returnConsumedCapacity as string)) {
    throw dynamoError.validation(
      `1 validation error detected: Value '${String(returnConsumedCapacity)}' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]`,
    );
  }
  const token = input.ClientRequestToken;
  if (token !== undefined && (typeof token !== 'string' || token.length < 1 || token.length > 36)) {
    throw dynamoError.validation(`1 validation error detected: Value '${String(token)}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36`);
  }
  return { returnConsumedCapacity: returnConsumedCapacity as string | undefined, token: token as string | undefined };
}

async function tableOf(call: DynamoCall, tables: Map<string, TableRecord>, name: unknown): Promise<TableRecord> {
  if (typeof name !== 'string') throw dynamoError.validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  let table = tables.get(name);
  if (!table) {
    table = await call.engine.getTable(name);
    if (!table || table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING') throw new AwsError(RESOURCE_NOT_FOUND, 'Requested resource not found');
    tables.set(name, table);
  }
  return table;
}

function dynaliteCheck(error: unknown): void {
  if (error) throw new AwsError('com.amazon.coral.validate#ValidationException', (error as { body?: { message?: string } }).body?.message ?? String(error));
}

/** The entries of a TransactWriteItems request: exactly one of ConditionCheck, Put, Delete, Update each. */
function writeEntries(items: Record<string, unknown>[]): WriteEntry[] {
  return items.map((entry) => {
    const kinds = (['ConditionCheck', 'Put', 'Delete', 'Update'] as const).filter((kind) => entry[kind] !== undefined && entry[kind] !== null);
    if (kinds.length !== 1) throw dynamoError.validation('TransactItems can only contain one of Check, Put, Update or Delete');
    const kind = kinds[0]!;
    const action = entry[kind] as Record<string, unknown>;
    if (!action || typeof action !== 'object' || Array.isArray(action)) throw dynamoError.serialization('Unexpected value type in payload');
    return { kind, action };
  });
}

/** Validates every action, resolves its table and item, and refuses two actions on one item. */
async function planWrites(call: DynamoCall, entries: WriteEntry[]): Promise<PlannedAction[]> {
  const tables = new Map<string, TableRecord>();
  const seen = new Set<string>();
  const planned: PlannedAction[] = [];
  for (const { kind, action, iamAction, conditionFailure } of entries) {
    if (kind === 'ConditionCheck' && typeof action.ConditionExpression !== 'string') {
      throw dynamoError.validation("1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
    }
    if (kind === 'Update' && typeof action.UpdateExpression !== 'string') {
      throw dynamoError.validation("1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null");
    }
    const data = call.engine.validate(ENGINE_OPERATION[kind], pick(action, MEMBERS[kind]));
    const table = await tableOf(call, tables, data.TableName);
    const keyItem = kind === 'Put' ? (data.Item as Item) : (data.Key as Item);
    dynaliteCheck(kind === 'Put' ? dynaliteDb.validateItem(keyItem, table) : dynaliteDb.validateKey(keyItem, table));
    const key = dynaliteDb.createKey(keyItem, table);
    const identity = `${table.TableName}\u0000${key}`;
    if (seen.has(identity)) throw dynamoError.validation('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
    planned.push({
      kind,
      data,
      table,
      ref: { tableName: table.TableName, key },
      returnOnFailure: returnOnFailure(action),
      iamAction: iamAction ?? IAM_ACTION[kind],
      conditionFailure: conditionFailure ?? CONDITIONAL_CHECK_FAILED,
    });
  }
  return planned;
}

function requestBytes(actions: PlannedAction[]): number {
  let total = 0;
  for (const action of actions) {
    total += dynaliteDb.itemSize((action.data.Item ?? action.data.Key) as Item);
    for (const value of Object.values((action.data.ExpressionAttributeValues ?? {}) as Item)) total += dynaliteDb.itemSize({ v: value });
  }
  return total;
}

/** IAM for every action (as the item operation it is, inside the transaction), then KMS for every table. */
async function authorize(call: DynamoCall, actions: PlannedAction[], enclosing: string | undefined): Promise<void> {
  for (const action of actions) {
    const itemOperation = action.kind === 'Get' ? 'GetItem' : IAM_ACTION[action.kind];
    const conditions = fineGrainedConditions(itemOperation, action.ref.tableName, keySchemaFacts(action.table), action.data, enclosing);
    await call.access.authorizeAction(call.ctx, action.iamAction, call.access.tableArn(action.ref.tableName), conditions);
  }
  for (const tableName of new Set(actions.map((action) => action.ref.tableName))) {
    call.access.authorizeData(call.ctx, tableName, await call.keyCache.keyArnOf(tableName));
  }
}

function capacity(actions: PlannedAction[], mode: string | undefined, field: 'WriteCapacityUnits' | 'ReadCapacityUnits', unitsOf: (action: PlannedAction) => number): unknown[] | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  const byTable = new Map<string, number>();
  for (const action of actions) byTable.set(action.ref.tableName, (byTable.get(action.ref.tableName) ?? 0) + unitsOf(action));
  return [...byTable].map(([TableName, units]) => ({
    TableName,
    CapacityUnits: units,
    [field]: units,
    ...(mode === 'INDEXES' ? { Table: { CapacityUnits: units, [field]: units } } : {}),
  }));
}

export async function transactWriteItems(call: DynamoCall): Promise<Record<string, unknown>> {
  const entries = writeEntries(transactItems(call.input));
  const { returnConsumedCapacity, token } = commonParameters(call.input);
  return runWriteTransaction(call, entries, { returnConsumedCapacity, token, enclosing: 'TransactWriteItems', request: call.input });
}

/** All or nothing: plan, check the limits, authorize, honour the idempotency token, commit. */
export async function runWriteTransaction(call: DynamoCall, entries: WriteEntry[], options: TransactionOptions): Promise<Record<string, unknown>> {
  const { returnConsumedCapacity, token } = options;
  const actions = await planWrites(call, entries);
  if (requestBytes(actions) > MAX_TRANSACTION_BYTES) throw dynamoError.validation('Transaction request cannot be larger than 4 MB');
  await authorize(call, actions, options.enclosing);

  const register = registerFor(call);
  const now = call.ctx.now.getTime();
  const hash = token === undefined ? '' : requestHash(options.request);
  if (token !== undefined) {
    register.begin(token);
  }
  try {
    if (token !== undefined) {
      const previous = await register.previous(token, now);
      if (previous) {
        if (previous.hash !== hash) {
          throw new AwsError(`${PREFIX}IdempotentParameterMismatchException`, 'The request uses the same client token as a previous, but non-identical request.');
        }
        // Already applied: nothing is written again; reading the items is what it costs.
        return pruneUndefined({ ConsumedCapacity: capacity(actions, returnConsumedCapacity, 'ReadCapacityUnits', () => 1) });
      }
    }
    const sizes = await commitWrites(call, actions, token === undefined ? [] : register.record(token, hash, now));
    return pruneUndefined({ ConsumedCapacity: capacity(actions, returnConsumedCapacity, 'WriteCapacityUnits', (action) => 2 * Math.max(1, Math.ceil((sizes.get(action) ?? 0) / 1024))) });
  } finally {
    if (token !== undefined) register.end(token);
  }
}

/** Locks, reads, computes every action, and writes all or nothing. Returns each action's item size (for capacity). */
async function commitWrites(call: DynamoCall, actions: PlannedAction[], extra: BatchOperation[]): Promise<Map<PlannedAction, number>> {
  const store = call.engine.items;
  const release = await store.lock(actions.map((action) => action.ref));
  try {
    const reasons: CancellationReason[] = [];
    const writes: BatchOperation[] = [];
    const sizes = new Map<PlannedAction, number>();
    let cancelled = false;
    for (const action of actions) {
      const existing = await store.read(action.ref);
      try {
        if (action.kind === 'ConditionCheck') {
          const failed = dynaliteDb.checkConditional(action.data, existing);
          if (failed) throw new AwsError(`${PREFIX}ConditionalCheckFailedException`, 'The conditional request failed');
        } else {
          const simulated = await store.simulate(ENGINE_OPERATION[action.kind as WriteKind], action.table, action.data, existing);
          writes.push(...simulated.writes);
          const written = simulated.writes.find((write) => write.type === 'put' && write.key.startsWith('item-'))?.value as Item | undefined;
          sizes.set(action, Math.max(existing ? dynaliteDb.itemSize(existing) : 0, written ? dynaliteDb.itemSize(written) : 0));
        }
        reasons.push({ Code: 'None' });
      } catch (error) {
        cancelled = true;
        reasons.push(cancellationReason(error, action, existing));
      }
    }
    if (cancelled) throw transactionCanceled(reasons);
    await store.write([...writes, ...extra]);
    return sizes;
  } finally {
    release();
  }
}

function cancellationReason(error: unknown, action: PlannedAction, existing: Item | undefined): CancellationReason {
  if (!(error instanceof AwsError)) throw error;
  if (error.code.endsWith('#ConditionalCheckFailedException')) {
    const reason: CancellationReason = { ...action.conditionFailure };
    if (action.returnOnFailure && existing) reason.Item = existing;
    return reason;
  }
  if (error.code.endsWith('#ValidationException')) return { Code: 'ValidationError', Message: error.message };
  throw error;
}

function pruneUndefined(result: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(result)) if (result[key] === undefined) delete result[key];
  return result;
}

export async function transactGetItems(call: DynamoCall): Promise<Record<string, unknown>> {
  const entries = transactItems(call.input).map((entry): GetEntry => {
    const get = entry.Get as Record<string, unknown> | undefined;
    if (!get || typeof get !== 'object' || Array.isArray(get)) {
      throw dynamoError.validation("1 validation error detected: Value null at 'transactItems.1.member.get' failed to satisfy constraint: Member must not be null");
    }
    return { get };
  });
  const { returnConsumedCapacity } = commonParameters(call.input);
  return runGetTransaction(call, entries, { returnConsumedCapacity, enclosing: 'TransactGetItems', request: call.input });
}

/** Reads every item under one set of locks, so the answer is one consistent moment. */
export async function runGetTransaction(call: DynamoCall, entries: GetEntry[], options: TransactionOptions): Promise<Record<string, unknown>> {
  const tables = new Map<string, TableRecord>();
  const seen = new Set<string>();
  const actions: PlannedAction[] = [];
  for (const { get, iamAction } of entries) {
    const data = call.engine.validate('GetItem', pick(get, ['TableName', 'Key', 'ProjectionExpression', 'ExpressionAttributeNames']));
    const table = await tableOf(call, tables, data.TableName);
    dynaliteCheck(dynaliteDb.validateKey(data.Key as Item, table));
    const key = dynaliteDb.createKey(data.Key as Item, table);
    const identity = `${table.TableName}\u0000${key}`;
    if (seen.has(identity)) throw dynamoError.validation('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
    actions.push({ kind: 'Get', data, table, ref: { tableName: table.TableName, key }, returnOnFailure: false, iamAction: iamAction ?? 'GetItem', conditionFailure: CONDITIONAL_CHECK_FAILED });
  }
  await authorize(call, actions, options.enclosing);

  const store = call.engine.items;
  const release = await store.lock(actions.map((action) => action.ref));
  const responses: Record<string, unknown>[] = [];
  const sizes = new Map<PlannedAction, number>();
  try {
    for (const action of actions) {
      const existing = await store.read(action.ref);
      const { result } = await store.simulate('GetItem', action.table, action.data, existing);
      responses.push(result.Item ? { Item: result.Item } : {});
      sizes.set(action, existing ? dynaliteDb.itemSize(existing) : 0);
    }
  } finally {
    release();
  }
  return pruneUndefined({
    Responses: responses,
    ConsumedCapacity: capacity(actions, options.returnConsumedCapacity, 'ReadCapacityUnits', (action) => 2 * Math.max(1, Math.ceil((sizes.get(action) ?? 0) / 4096))),
  });
}
