// Step 2: the table, partition key "id", on-demand, encrypted with the lab key; waits until it is ACTIVE.
import type { LabContext } from '../context';
import { LAB_TAG, PARTITION_KEY, WAIT } from '../defaults';
import { tableNameProblem } from '../names';
import { done, failed, todo, type StepDefinition, type StepStatus } from '../step';
import { chooseAnotherName, ensureCostConfirmed, isSameKey, labKey, requireLabKey } from './shared';
import { labTableChange } from './changes';

const INACCESSIBLE = 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';

async function check(ctx: LabContext): Promise<StepStatus> {
  const record = ctx.record;
  const state = await ctx.admin.dynamodbData.tableState(record.tableName);
  if (!state) return todo();
  const key = await labKey(ctx);
  if (!key || !isSameKey(state.kmsKeyArn, key, record.keyAlias)) {
    return failed(`Table ${record.tableName} exists but is not encrypted with ${record.keyAlias}. Run this step to choose another table name.`);
  }
  if (state.status === 'ACTIVE') return done(`${record.tableName}, encrypted with ${record.keyAlias}`);
  if (state.status === INACCESSIBLE) return failed(`${record.tableName} cannot be read or written: its key ${record.keyAlias} is disabled or pending deletion.`);
  return { state: 'waiting', detail: `${record.tableName} is ${state.status}` };
}

async function run(ctx: LabContext): Promise<StepStatus> {
  const key = await requireLabKey(ctx);
  await ensureCostConfirmed(ctx);
  const record = ctx.record;
  const name = record.tableName;
  const state = await ctx.admin.dynamodbData.tableState(name);
  if (state && !isSameKey(state.kmsKeyArn, key, record.keyAlias)) {
    await chooseAnotherName(
      ctx,
      {
        message: `A table named ${name} already exists, and it is not encrypted with ${record.keyAlias}.`,
        detail: 'The lab needs a table of its own, encrypted with the lab key. Choose another table name.',
        title: 'Step 2: name of the lab table',
        prompt: 'A name for the new table.',
        suggestion: `${name}-2`,
        validate: tableNameProblem,
      },
      (r, chosen) => {
        r.tableName = chosen;
      },
    );
    return run(ctx);
  }
  if (!state) {
    await ctx.admin.dynamodbData.createTable({ name, partitionKey: PARTITION_KEY, kmsKeyId: key.arn, tags: { [LAB_TAG.key]: LAB_TAG.value } });
    await ctx.update((r) => {
      r.created.table = true;
    });
  }
  if (state?.status !== 'ACTIVE') {
    await ctx.ui.progress(`Creating table ${name}`, async (report) => {
      report(`waiting until ${name} is ACTIVE`);
      await ctx.admin.dynamodbData.waitFor(name, 'ACTIVE', { timeoutMs: WAIT.tableActiveMs });
    });
  }
  return done(`${name}, encrypted with ${record.keyAlias}`);
}

export const createTableStep: StepDefinition = {
  id: 'createTable',
  number: 2,
  title: 'Create the table',
  prerequisites: ['createKey'],
  check,
  run,
  changes: (_before, after) => labTableChange(after, ['created']),
};
