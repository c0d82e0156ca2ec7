// Reading a table's items, one page at a time, as DynamoDB JSON ({"S": "x"}, {"N": "1"}, binary as base64).
import type { AttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { ServiceCaller } from './call';
import { keepRawJson } from './raw-json-body';
import type { AttributeValueJson, ItemJson, ItemJsonPage, ItemRead } from './types';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** An SDK attribute value as DynamoDB JSON, the way the AWS CLI prints it. */
export function toAttributeJson(value: AttributeValue): AttributeValueJson {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toItemJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toAttributeJson) };
  throw new Error(`Unsupported DynamoDB attribute value with fields ${Object.keys(value).join(', ') || 'none'}`);
}

// Object.fromEntries defines own properties, so an attribute named __proto__ stays an attribute.
export function toItemJson(item: Record<string, AttributeValue>): ItemJson {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toAttributeJson(value)]));
}

export function fromAttributeJson(value: AttributeValueJson): AttributeValue {
  if ('S' in value) return { S: value.S };
  if ('N' in value) return { N: value.N };
  if ('B' in value) return { B: bytes(value.B) };
  if ('BOOL' in value) return { BOOL: value.BOOL };
  if ('NULL' in value) return { NULL: true };
  if ('SS' in value) return { SS: value.SS };
  if ('NS' in value) return { NS: value.NS };
  if ('BS' in value) return { BS: value.BS.map(bytes) };
  if ('M' in value) return { M: fromItemJson(value.M) };
  return { L: value.L.map(fromAttributeJson) };
}

export function fromItemJson(item: ItemJson): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromAttributeJson(value)]));
}

/** A key value typed by a person, as the attribute type the table's key schema declares. */
function keyValue(type: 'S' | 'N' | 'B', text: string): AttributeValue {
  if (type === 'N') {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw new Error(`"${text}" is not a number, and the key attribute is of type N`);
    return { N: text.trim() };
  }
  if (type === 'B') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error(`"${text}" is not base64, and the key attribute is of type B`);
    return { B: bytes(text) };
  }
  return { S: text };
}

const SORT_OPERATORS = { '=': '=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

/** The Scan or Query input for one page. Names and values always go through placeholders. */
export function readInput(tableName: string, read: ItemRead): { kind: 'scan'; input: ScanCommandInput } | { kind: 'query'; input: QueryCommandInput } {
  const common = {
    TableName: tableName,
    Limit: read.limit,
    ExclusiveStartKey: read.startKey ? fromItemJson(read.startKey) : undefined,
  };
  if (read.kind === 'scan') return { kind: 'scan', input: common };
  const names: Record<string, string> = { '#pk': read.partitionKey.name };
  const values: Record<string, AttributeValue> = { ':pk': keyValue(read.partitionKey.type, read.partitionKey.value) };
  let condition = '#pk = :pk';
  const sort = read.sortKey;
  if (sort) {
    names['#sk'] = sort.name;
    values[':sk'] = keyValue(sort.type, sort.value);
    if (sort.operator === 'begins_with') condition += ' AND begins_with(#sk, :sk)';
    else if (sort.operator === 'between') {
      if (sort.value2 === undefined) throw new Error('A "between" condition needs a second value');
      values[':sk2'] = keyValue(sort.type, sort.value2);
      condition += ' AND #sk BETWEEN :sk AND :sk2';
    } else condition += ` AND #sk ${SORT_OPERATORS[sort.operator]} :sk`;
  }
  return { kind: 'query', input: { ...common, KeyConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
}

/** One page of a Scan or Query. */
export async function readItems(caller: ServiceCaller<'dynamodb'>, tableName: string, read: ItemRead): Promise<ItemJsonPage> {
  const built = readInput(tableName, read);
  let wire: () => unknown = () => undefined;
  const out =
    built.kind === 'scan'
      ? await caller.send('dynamodb:Scan', (c, sdk) => {
          const kept = keepRawJson(new sdk.dynamodb.ScanCommand(built.input));
          wire = kept.json;
          return c.send(kept.command);
        })
      : await caller.send('dynamodb:Query', (c, sdk) => {
          const kept = keepRawJson(new sdk.dynamodb.QueryCommand(built.input));
          wire = kept.json;
          return c.send(kept.command);
        });
  const sdkItems = out.Items ?? [];
  return {
    items: wireItems(wire(), sdkItems.length) ?? sdkItems.map(toItemJson),
    lastEvaluatedKey: out.LastEvaluatedKey ? toItemJson(out.LastEvaluatedKey) : undefined,
    scannedCount: out.ScannedCount ?? out.Count ?? 0,
  };
}

/** The page's items as DynamoDB sent them (already DynamoDB JSON), when the wire's answer is the SDK's page. */
function wireItems(json: unknown, count: number): ItemJson[] | undefined {
  const items = (json as { Items?: unknown } | undefined)?.Items;
  if (!Array.isArray(items) || items.length !== count) return undefined;
  const isRecord = (v: unknown): v is ItemJson => typeof v === 'object' && v !== null && !Array.isArray(v);
  return items.every(isRecord) ? items : undefined;
}
