// ReturnValuesOnConditionCheckFailure: a write whose condition fails can answer the item as it stands
// (ConditionalCheckFailedException with Item, or the Item of its transaction's cancellation reason).
import { AwsError } from '../contracts';
import type { DynamoCall } from './call';
import { dynamoError } from './errors';

/** True when the request asks for the item on a failed condition (ALL_OLD); NONE or absent is false. */
export function returnOnFailure(action: Record<string, unknown>): boolean {
  const value = action.ReturnValuesOnConditionCheckFailure;
  if (value === undefined || value === null || value === 'NONE') return false;
  if (value === 'ALL_OLD') return true;
  throw dynamoError.validation(
    `1 validation error detected: Value '${String(value)}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
  );
}

const SINGLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** The key of the item a PutItem, UpdateItem or DeleteItem request writes. */
async function keyOf(call: DynamoCall, data: Record<string, any>): Promise<Record<string, unknown> | undefined> {
  if (call.operation !== 'PutItem') return data.Key;
  const table = await call.engine.getTable(data.TableName);
  const names = ((table?.KeySchema ?? []) as { AttributeName: string }[]).map((key) => key.AttributeName);
  return Object.fromEntries(names.map((name) => [name, data.Item?.[name]]));
}

/**
 * Runs a single-item write; when its condition fails and the request asked for ALL_OLD, the exception carries the
 * item as it stands.
 */
export async function runWithItemOnFailure(call: DynamoCall, data: Record<string, any>): Promise<any> {
  const wanted = SINGLE_WRITES.has(call.operation) && returnOnFailure(call.input);
  try {
    return await call.engine.run(call.operation, data);
  } catch (error) {
    if (!wanted || !(error instanceof AwsError) || !error.code.endsWith('#ConditionalCheckFailedException')) throw error;
    const key = await keyOf(call, data);
    const current = key && (await call.engine.run('GetItem', { TableName: data.TableName, Key: key, ConsistentRead: true }));
    if (!current?.Item) throw error;
    throw new AwsError(error.code, error.message, error.status, error.sender, { ...error.fields, Item: current.Item });
  }
}
