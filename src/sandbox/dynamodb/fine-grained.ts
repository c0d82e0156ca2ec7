// DynamoDB's fine-grained access control condition keys, computed from an item request (after dynalite's validation,
// which resolves expression attribute names into paths):
//   dynamodb:LeadingKeys      partition key values of the items touched (absent for Scan)
//   dynamodb:Attributes       top-level attribute names the request reads (its projection) or writes
//   dynamodb:Select           Select of Query/Scan; for reads without one: SPECIFIC_ATTRIBUTES with a projection,
//                             else ALL_ATTRIBUTES (ALL_PROJECTED_ATTRIBUTES on an index), so that a policy limited to
//                             some attributes cannot be bypassed by asking for whole items
//   dynamodb:ReturnValues, dynamodb:ReturnConsumedCapacity   those parameters, when given
//   dynamodb:EnclosingOperation   TransactWriteItems / TransactGetItems for the actions inside a transaction
// ("Using IAM policy conditions for fine-grained access control", Amazon DynamoDB Developer Guide.)
import type { ConditionContext } from '../../policy/types';

export interface KeySchemaFacts {
  /** The table's partition key attribute. */
  hashKey: string;
  /** Partition key attribute of each secondary index. */
  indexHashKeys: Map<string, string>;
}

type AttributeValue = Record<string, unknown>;
type Data = Record<string, any>;

export function keySchemaFacts(table: Record<string, any>): KeySchemaFacts {
  const hashOf = (schema: { AttributeName: string; KeyType: string }[]) => schema.find((key) => key.KeyType === 'HASH')?.AttributeName ?? schema[0]!.AttributeName;
  if (!Array.isArray(table.KeySchema)) throw new Error(`Table record ${String(table.TableName)} has no KeySchema`);
  const indexHashKeys = new Map<string, string>();
  for (const index of [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]) indexHashKeys.set(index.IndexName, hashOf(index.KeySchema));
  return { hashKey: hashOf(table.KeySchema), indexHashKeys };
}

/** A key value as policies compare it: S and N as written, B as base64. */
function keyText(value: AttributeValue | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.S ?? value.N ?? value.B;
  return typeof text === 'string' ? text : undefined;
}

function topLevel(paths: unknown[][] | undefined): string[] {
  return [...new Set((paths ?? []).map((path) => String(path[0])))];
}

function projectionOf(data: Data): string[] | undefined {
  if (data._projection?.paths) return topLevel(data._projection.paths);
  if (Array.isArray(data.AttributesToGet)) return [...new Set<string>(data.AttributesToGet)];
  return undefined;
}

function readConditions(data: Data, onIndex: boolean, select?: string): ConditionContext {
  const projection = projectionOf(data);
  const conditions: ConditionContext = {};
  if (projection) conditions['dynamodb:Attributes'] = projection;
  conditions['dynamodb:Select'] = select ?? (projection ? 'SPECIFIC_ATTRIBUTES' : onIndex ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES');
  return conditions;
}

function updatedAttributes(data: Data): string[] {
  if (data._updates?.paths) return topLevel(data._updates.paths);
  return Object.keys(data.AttributeUpdates ?? {});
}

function addCommon(conditions: ConditionContext, data: Data, enclosing: string | undefined): ConditionContext {
  if (typeof data.ReturnValues === 'string') conditions['dynamodb:ReturnValues'] = data.ReturnValues;
  if (typeof data.ReturnConsumedCapacity === 'string') conditions['dynamodb:ReturnConsumedCapacity'] = data.ReturnConsumedCapacity;
  if (enclosing) conditions['dynamodb:EnclosingOperation'] = enclosing;
  return conditions;
}

function union(lists: (string[] | undefined)[]): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const value of list ?? []) all.add(value);
  return [...all];
}

/**
 * The condition keys of one item action on one table. `data` is the validated request of that action (for BatchGetItem
 * and BatchWriteItem: the whole request, of which this table's part is used).
 */
export function fineGrainedConditions(operation: string, tableName: string, schema: KeySchemaFacts, data: Data, enclosing?: string): ConditionContext {
  const key = schema.hashKey;
  switch (operation) {
    case 'GetItem': {
      const conditions = readConditions(data, false);
      conditions['dynamodb:LeadingKeys'] = [keyText(data.Key?.[key])].filter((v): v is string => v !== undefined);
      return addCommon(conditions, data, enclosing);
    }
    case 'Query': {
      const onIndex = typeof data.IndexName === 'string';
      const hash = onIndex ? (schema.indexHashKeys.get(data.IndexName) ?? key) : key;
      const conditions = readConditions(data, onIndex, data.Select);
      const value = keyText(data.KeyConditions?.[hash]?.AttributeValueList?.[0]);
      if (value !== undefined) conditions['dynamodb:LeadingKeys'] = [value];
      return addCommon(conditions, data, enclosing);
    }
    case 'Scan':
      return addCommon(readConditions(data, typeof data.IndexName === 'string', data.Select), data, enclosing);
    case 'PutItem': {
      const conditions: ConditionContext = { 'dynamodb:Attributes': Object.keys(data.Item ?? {}) };
      const value = keyText(data.Item?.[key]);
      if (value !== undefined) conditions['dynamodb:LeadingKeys'] = [value];
      return addCommon(conditions, data, enclosing);
    }
    case 'UpdateItem':
    case 'DeleteItem':
    case 'ConditionCheckItem': {
      const written = operation === 'UpdateItem' ? updatedAttributes(data) : [];
      const conditions: ConditionContext = { 'dynamodb:Attributes': union([Object.keys(data.Key ?? {}), written]) };
      const value = keyText(data.Key?.[key]);
      if (value !== undefined) conditions['dynamodb:LeadingKeys'] = [value];
      return addCommon(conditions, data, enclosing);
    }
    case 'BatchGetItem': {
      const request = data.RequestItems?.[tableName] ?? {};
      const conditions = readConditions(request, false);
      conditions['dynamodb:LeadingKeys'] = union([(request.Keys ?? []).map((k: Data) => keyText(k[key])).filter(Boolean)]);
      return addCommon(conditions, data, enclosing);
    }
    case 'BatchWriteItem': {
      const writes: Data[] = data.RequestItems?.[tableName] ?? [];
      const items = writes.map((write) => write.PutRequest?.Item ?? write.DeleteRequest?.Key ?? {});
      return addCommon(
        {
          'dynamodb:Attributes': union(items.map((item) => Object.keys(item))),
          'dynamodb:LeadingKeys': union([items.map((item) => keyText(item[key])).filter((v): v is string => v !== undefined)]),
        },
        data,
        enclosing,
      );
    }
    default:
      return addCommon({}, data, enclosing);
  }
}
