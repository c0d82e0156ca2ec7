// A read the webview asks for (Scan, or Query on the table's keys), as the AWS layer takes it.
import type { DynamoTable, ItemRead } from '../aws/types';
import type { ReadRequest } from './items-protocol';

/** Throws with a sentence for the pane when the request cannot be made against this table. */
export function itemRead(table: DynamoTable | undefined, why: { tableName: string; problem?: string }, request: ReadRequest, startKey: ItemRead['startKey'], limit: number | undefined): ItemRead {
  if (request.kind === 'scan') return { kind: 'scan', startKey, limit };
  if (!table) throw new Error(`The key schema of ${why.tableName} is unknown (${why.problem ?? 'the table could not be described'}), so it cannot be queried; Scan still works.`);
  const hash = table.keySchema.find((k) => k.type === 'HASH');
  const range = table.keySchema.find((k) => k.type === 'RANGE');
  if (!hash) throw new Error(`Table ${table.name} has no partition key in its schema`);
  if (request.partitionValue === '') throw new Error(`Enter a value of the partition key ${hash.name} to query`);
  const types = table.keyTypes ?? {};
  if (request.sort && !range) throw new Error(`Table ${table.name} has no sort key: leave the sort key condition empty`);
  return {
    kind: 'query',
    startKey,
    limit,
    partitionKey: { name: hash.name, type: types[hash.name] ?? 'S', value: request.partitionValue },
    sortKey: request.sort && range ? { name: range.name, type: types[range.name] ?? 'S', ...request.sort } : undefined,
  };
}
