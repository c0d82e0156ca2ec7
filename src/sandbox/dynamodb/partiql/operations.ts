// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: each statement is parsed, translated into the item
// request it stands for, and run through the same checks as that request (dynalite's validation, IAM for the
// dynamodb:PartiQL* action with the fine-grained access keys, kms:Decrypt on the table's key).
import { createHash } from 'node:crypto';
import { AwsError } from '../../contracts';
import type { DynamoCall } from '../call';
import type { TableRecord } from '../engine';
import { RESOURCE_NOT_FOUND, dynamoError } from '../errors';
import { fineGrainedConditions, keySchemaFacts } from '../fine-grained';
import { type GetEntry, type WriteEntry, commonParameters, runGetTransaction, runWriteTransaction, transactItems } from '../transactions';
import { invalid } from './errors';
import { type ParsedStatement, parseStatement } from './parser';
import { type PartiqlPlan, type TableKeys, translate } from './translate';

const PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const MAX_STATEMENT_LENGTH = 8192;
export const MAX_BATCH_STATEMENTS = 25;
const DUPLICATE_ITEM = { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' };

function duplicateItem(): AwsError {
  return new AwsError(`${PREFIX}DuplicateItemException`, DUPLICATE_ITEM.Message);
}

function statementText(value: unknown, member = 'statement'): string {
  if (typeof value !== 'string') throw invalid(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (value.length < 1 || value.length > MAX_STATEMENT_LENGTH) {
    throw invalid(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length between 1 and ${MAX_STATEMENT_LENGTH}`);
  }
  return value;
}

function parameterList(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw dynamoError.serialization('Unexpected value type in payload');
  if (value.length === 0) throw invalid("1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1");
  return value;
}

function tableKeysOf(table: TableRecord): TableKeys {
  const keysOf = (schema: { AttributeName: string; KeyType: string }[]) => ({
    hashKey: schema.find((key) => key.KeyType === 'HASH')!.AttributeName,
    rangeKey: schema.find((key) => key.KeyType === 'RANGE')?.AttributeName,
  });
  const indexes = new Map<string, { hashKey: string; rangeKey?: string }>();
  for (const index of [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]) indexes.set(index.IndexName, keysOf(index.KeySchema));
  return { ...keysOf(table.KeySchema), indexes };
}

interface Prepared {
  plan: PartiqlPlan;
  table: TableRecord;
}

/** Parses a statement and translates it against its table. */
async function prepare(call: DynamoCall, text: string, parameters: unknown[] | undefined): Promise<Prepared> {
  const parsed: ParsedStatement = parseStatement(text);
  const table = await call.engine.getTable(parsed.statement.table);
  if (!table || table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING') throw new AwsError(RESOURCE_NOT_FOUND, 'Requested resource not found');
  return { plan: translate(parsed, parameters, tableKeysOf(table)), table };
}

function iamActionOf(plan: PartiqlPlan): string {
  return plan.kind === 'read' ? 'PartiQLSelect' : `PartiQL${plan.verb}`;
}

/** IAM for the PartiQL action (with the keys of the item request it stands for), then the table's key. */
async function authorize(call: DynamoCall, prepared: Prepared, data: Record<string, unknown>): Promise<void> {
  const { plan, table } = prepared;
  const conditions = fineGrainedConditions(plan.operation, plan.table, keySchemaFacts(table), data);
  let resource = call.access.tableArn(plan.table);
  if (plan.kind === 'read') {
    conditions['dynamodb:FullTableScan'] = plan.operation === 'Scan' ? 'true' : 'false';
    if (plan.index !== undefined) resource = call.access.indexArn(plan.table, plan.index);
  }
  await call.access.authorizeAction(call.ctx, iamActionOf(plan), resource, conditions);
  call.access.authorizeData(call.ctx, plan.table, await call.keyCache.keyArnOf(plan.table));
}

/** Opaque paging token: where the last page stopped, bound to the statement it came from. */
function nextToken(statement: string, lastKey: unknown): string {
  return Buffer.from(JSON.stringify({ s: createHash('sha256').update(statement).digest('hex').slice(0, 16), k: lastKey })).toString('base64');
}

function startKey(statement: string, token: unknown): unknown {
  if (token === undefined || token === null) return undefined;
  let decoded: { s?: string; k?: unknown } | undefined;
  try {
    decoded = typeof token === 'string' ? JSON.parse(Buffer.from(token, 'base64').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded.s !== createHash('sha256').update(statement).digest('hex').slice(0, 16) || !decoded.k) {
    throw invalid('Invalid NextToken: it does not belong to this statement.');
  }
  return decoded.k;
}

async function runPlan(call: DynamoCall, prepared: Prepared, extra: Record<string, unknown>): Promise<any> {
  const { plan } = prepared;
  const data = call.engine.validate(plan.operation, { ...plan.request, ...extra });
  await authorize(call, prepared, data);
  try {
    return await call.engine.run(plan.operation, data);
  } catch (error) {
    if (plan.kind === 'write' && plan.verb === 'Insert' && error instanceof AwsError && error.code.endsWith('#ConditionalCheckFailedException')) throw duplicateItem();
    throw error;
  }
}

export async function executeStatement(call: DynamoCall): Promise<Record<string, unknown>> {
  const text = statementText(call.input.Statement);
  const parameters = parameterList(call.input.Parameters);
  const { returnConsumedCapacity } = commonParameters(call.input);
  const prepared = await prepare(call, text, parameters);
  const extra: Record<string, unknown> = {};
  if (returnConsumedCapacity !== undefined) extra.ReturnConsumedCapacity = returnConsumedCapacity;
  if (prepared.plan.kind === 'read') {
    if (call.input.ConsistentRead !== undefined) extra.ConsistentRead = call.input.ConsistentRead;
    if (call.input.Limit !== undefined) extra.Limit = call.input.Limit;
    const start = startKey(text, call.input.NextToken);
    if (start !== undefined) extra.ExclusiveStartKey = start;
    const result = await runPlan(call, prepared, extra);
    const response: Record<string, unknown> = { Items: result.Items ?? [] };
    if (result.LastEvaluatedKey) {
      response.NextToken = nextToken(text, result.LastEvaluatedKey);
      response.LastEvaluatedKey = result.LastEvaluatedKey;
    }
    if (result.ConsumedCapacity) response.ConsumedCapacity = result.ConsumedCapacity;
    return response;
  }
  const result = await runPlan(call, prepared, extra);
  const response: Record<string, unknown> = { Items: prepared.plan.returning && result.Attributes ? [result.Attributes] : [] };
  if (result.ConsumedCapacity) response.ConsumedCapacity = result.ConsumedCapacity;
  return response;
}

const BATCH_ERROR_CODES: Record<string, string> = {
  ConditionalCheckFailedException: 'ConditionalCheckFailed',
  DuplicateItemException: 'DuplicateItem',
  ValidationException: 'ValidationError',
  ResourceNotFoundException: 'ResourceNotFound',
  AccessDeniedException: 'AccessDenied',
  ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceeded',
  TransactionConflictException: 'TransactionConflict',
};

function batchError(error: unknown): { Code: string; Message: string } {
  if (!(error instanceof AwsError)) throw error;
  const name = error.code.slice(error.code.lastIndexOf('#') + 1);
  return { Code: BATCH_ERROR_CODES[name] ?? 'InternalServerError', Message: error.message };
}

export async function batchExecuteStatement(call: DynamoCall): Promise<Record<string, unknown>> {
  const statements = call.input.Statements;
  if (!Array.isArray(statements)) throw invalid("1 validation error detected: Value null at 'statements' failed to satisfy constraint: Member must not be null");
  if (statements.length < 1 || statements.length > MAX_BATCH_STATEMENTS) {
    throw invalid(`1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_STATEMENTS}`);
  }
  const { returnConsumedCapacity } = commonParameters(call.input);
  const requests = statements.map((entry: any) => ({ text: statementText(entry?.Statement, 'statements.member.statement'), parameters: parameterList(entry?.Parameters), consistent: entry?.ConsistentRead }));
  const kinds = new Set(requests.map((request) => (/^\s*select\b/i.test(request.text) ? 'read' : 'write')));
  if (kinds.size > 1) throw invalid('Batch must consist of either all read statements or all write statements.');

  const responses: Record<string, unknown>[] = [];
  for (const request of requests) {
    let tableName: string | undefined;
    try {
      const prepared = await prepare(call, request.text, request.parameters);
      tableName = prepared.plan.table;
      const extra: Record<string, unknown> = {};
      if (returnConsumedCapacity !== undefined) extra.ReturnConsumedCapacity = returnConsumedCapacity;
      if (prepared.plan.kind === 'read') {
        if (!prepared.plan.singleItem) throw invalid('Select statements within BatchExecuteStatement must specify the primary key in the where clause.');
        if (request.consistent !== undefined) extra.ConsistentRead = request.consistent;
        const result = await runPlan(call, prepared, extra);
        responses.push(result.Items?.[0] ? { TableName: tableName, Item: result.Items[0] } : { TableName: tableName });
      } else {
        await runPlan(call, prepared, extra);
        responses.push({ TableName: tableName });
      }
    } catch (error) {
      responses.push(tableName === undefined ? { Error: batchError(error) } : { TableName: tableName, Error: batchError(error) });
    }
  }
  return { Responses: responses };
}

export async function executeTransaction(call: DynamoCall): Promise<Record<string, unknown>> {
  const items = transactItems(call.input, 'TransactStatements');
  const { returnConsumedCapacity, token } = commonParameters(call.input);
  const prepared: Prepared[] = [];
  for (const entry of items) {
    prepared.push(await prepare(call, statementText(entry.Statement, 'transactStatements.member.statement'), parameterList(entry.Parameters)));
  }
  const reads = prepared.filter((p) => p.plan.kind === 'read').length;
  if (reads > 0 && reads < prepared.length) throw invalid('Transaction must consist of either all read statements or all write statements.');
  const options = { returnConsumedCapacity, token, request: call.input };
  if (reads > 0) {
    const gets: GetEntry[] = prepared.map(({ plan }) => {
      if (plan.kind !== 'read' || !plan.singleItem || plan.singleItem.filtered || plan.index !== undefined) {
        throw invalid('Select statements within ExecuteTransaction must specify an equality condition on all key attributes, and nothing else.');
      }
      const { ProjectionExpression, ExpressionAttributeNames } = plan.request as Record<string, unknown>;
      const get: Record<string, unknown> = { TableName: plan.table, Key: plan.singleItem.Key };
      if (ProjectionExpression !== undefined) {
        get.ProjectionExpression = ProjectionExpression;
        get.ExpressionAttributeNames = onlyNamesIn(String(ProjectionExpression), ExpressionAttributeNames as Record<string, string>);
      }
      return { get, iamAction: 'PartiQLSelect' };
    });
    return runGetTransaction(call, gets, options);
  }
  const writes: WriteEntry[] = prepared.map(({ plan }, index) => {
    if (plan.kind !== 'write') throw new Error('unreachable');
    const action: Record<string, unknown> = { ...plan.request };
    delete action.ReturnValues;
    const failure = items[index]!.ReturnValuesOnConditionCheckFailure;
    if (failure !== undefined) action.ReturnValuesOnConditionCheckFailure = failure;
    const kind = plan.verb === 'Insert' ? 'Put' : plan.verb;
    return { kind, action, iamAction: `PartiQL${plan.verb}`, conditionFailure: plan.verb === 'Insert' ? DUPLICATE_ITEM : undefined };
  });
  // Write statements answer nothing each, but DynamoDB still lists the (empty) Responses.
  return { Responses: [], ...(await runWriteTransaction(call, writes, options)) };
}

/** The #names a projection uses (the key conditions' names are not part of a Get). */
function onlyNamesIn(expression: string, names: Record<string, string>): Record<string, string> {
  const used: Record<string, string> = {};
  for (const placeholder of expression.match(/#n\d+/g) ?? []) used[placeholder] = names[placeholder]!;
  return used;
}
