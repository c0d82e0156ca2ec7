// Step 3: one item, edited as JSON before it is written, then read back as the admin: DynamoDB decrypts it
// transparently for a caller who may use the key.
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsLayerError } from '../../aws/errors';
import { CancelledError } from '../../cancellation';
import type { LabContext } from '../context';
import { PARTITION_KEY, SAMPLE_ITEM } from '../defaults';
import { done, failed, todo, type StepDefinition, type StepStatus } from '../step';
import { labTableChange } from './changes';

/** What is wrong with the JSON of an item, or undefined when it can be written. */
export function itemProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'The item is a JSON object, such as {"id": "lab-item-1", "message": "…"}.';
  const id = (value as Record<string, unknown>)[PARTITION_KEY];
  if (typeof id !== 'string' || id === '') return `The item needs "${PARTITION_KEY}", a non-empty string: it is the table's partition key.`;
  if (Buffer.byteLength(text, 'utf8') > 400 * 1024) return 'DynamoDB items are at most 400 KB.';
  return undefined;
}

function itemId(ctx: LabContext): string {
  return ctx.record.itemId ?? SAMPLE_ITEM.id;
}

async function check(ctx: LabContext): Promise<StepStatus> {
  const record = ctx.record;
  if (!(await ctx.admin.dynamodbData.tableState(record.tableName))) return todo();
  try {
    const item = await ctx.admin.dynamodbData.getItem(record.tableName, { [PARTITION_KEY]: { S: itemId(ctx) } });
    if (!item) return todo();
    return done(`Item ${itemId(ctx)} is in ${record.tableName}; the admin reads it, decrypted by DynamoDB`);
  } catch (err) {
    if (err instanceof AwsLayerError && err.kind === 'access-denied') return failed(err.message);
    throw err;
  }
}

async function run(ctx: LabContext): Promise<StepStatus> {
  const table = ctx.record.tableName;
  const key = { [PARTITION_KEY]: { S: itemId(ctx) } };
  const current = await ctx.admin.dynamodbData.getItem(table, key);
  const text = await ctx.ui.input({
    title: `Step 3: the item to write into ${table}`,
    prompt: `The item as JSON. "${PARTITION_KEY}" is the partition key. DynamoDB encrypts it at rest with ${ctx.record.keyAlias}.`,
    value: JSON.stringify(current ? unmarshall(current) : SAMPLE_ITEM),
    validate: itemProblem,
  });
  if (text === undefined) throw new CancelledError();
  const item = JSON.parse(text) as Record<string, unknown>;
  const id = item[PARTITION_KEY] as string;
  await ctx.admin.dynamodbData.putItem(table, marshall(item, { removeUndefinedValues: true }));
  await ctx.update((r) => {
    r.itemId = id;
  });
  const readBack = await ctx.admin.dynamodbData.getItem(table, { [PARTITION_KEY]: { S: id } });
  if (!readBack) return failed(`Item ${id} was written, but reading it back as the admin found nothing.`);
  return { ...done(`Item ${id} is in ${table}; the admin reads it, decrypted by DynamoDB`), item: unmarshall(readBack) };
}

export const addItemStep: StepDefinition = {
  id: 'addItem',
  number: 3,
  title: 'Add an item',
  prerequisites: ['createTable'],
  check,
  run,
  changes: (_before, after) => labTableChange(after, ['items']),
};
