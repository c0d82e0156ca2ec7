// Item reads and writes: IAM on the table (or index) with the fine-grained access condition keys, then the table's key
// through KMS, then dynalite.
import type { DynamoCall } from './call';
import { fineGrainedConditions } from './fine-grained';
import { runWithItemOnFailure } from './return-values';

interface Target {
  tableName: string;
  resource: string;
}

function targetsOf(call: DynamoCall, data: Record<string, any>): Target[] {
  if (call.operation === 'BatchGetItem' || call.operation === 'BatchWriteItem') {
    return Object.keys(data.RequestItems ?? {}).map((tableName) => ({ tableName, resource: call.access.tableArn(tableName) }));
  }
  const tableName = data.TableName as string;
  const indexName = (call.operation === 'Query' || call.operation === 'Scan') && typeof data.IndexName === 'string' ? data.IndexName : undefined;
  return [{ tableName, resource: indexName ? call.access.indexArn(tableName, indexName) : call.access.tableArn(tableName) }];
}

export async function itemOperation(call: DynamoCall): Promise<Record<string, unknown>> {
  const data = call.engine.validate(call.operation, call.input);
  const targets = targetsOf(call, data);
  for (const target of targets) {
    const schema = await call.keyCache.schemaOf(target.tableName);
    // A table that does not exist has no keys to speak of; dynalite answers ResourceNotFoundException after the IAM check.
    const conditions = schema ? fineGrainedConditions(call.operation, target.tableName, schema, data) : {};
    await call.access.authorizeAction(call.ctx, call.operation, target.resource, conditions);
  }
  for (const target of targets) call.access.authorizeData(call.ctx, target.tableName, await call.keyCache.keyArnOf(target.tableName));
  return runWithItemOnFailure(call, data);
}
