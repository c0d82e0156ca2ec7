// Step 9: remove only what the lab created (tagged kms-lab=true, or recorded as created by the lab): the test user
// with its keys and attachments, the table, the alias, and the key (deletion scheduled after a confirmation that
// names it), and the stored secret. Reports what was removed, and what was left and why.
import type { IamUser } from '../../aws/iam-users';
import type { KmsKey } from '../../aws/types';
import { CancelledError } from '../../cancellation';
import type { LabContext } from '../context';
import { KEY_DELETION_WINDOW_DAYS, LAB_TAG } from '../defaults';
import type { CleanupReport, LabRecord } from '../record';
import { done, todo, type StepDefinition, type StepStatus } from '../step';
import { isSameKey, keyIsTagged, labKey } from './shared';
import { labKeyChange, labTableChange, testUserChange } from './changes';

interface Outcome {
  removed?: string[];
  left?: CleanupReport['left'];
}

interface Found {
  user?: IamUser;
  userIsLabs: boolean;
  table?: { kmsKeyArn?: string; status: string };
  tableIsLabs: boolean;
  key?: KmsKey;
  keyIsLabs: boolean;
  aliasExists: boolean;
}

async function find(ctx: LabContext, record: LabRecord): Promise<Found> {
  const [keys, user, table] = await Promise.all([
    (async () => {
      const aliasKey = await labKey(ctx, record);
      const key = aliasKey ?? (record.keyId ? await ctx.admin.kmsLifecycle.describeFresh(record.keyId) : undefined);
      const keyIsLabs = !!key && ((record.created.key === true && key.keyId === record.keyId) || (await keyIsTagged(ctx, key.keyId)));
      return { key, keyIsLabs, aliasExists: !!aliasKey };
    })(),
    ctx.admin.iamUsers.getUser(record.testUserName),
    ctx.admin.dynamodbData.tableState(record.tableName),
  ]);
  const { key, keyIsLabs } = keys;
  const userIsLabs = !!user && (user.tags[LAB_TAG.key] === LAB_TAG.value || (record.created.user === true && user.arn === record.userArn));
  const tableIsLabs = !!table && ((!!key && keyIsLabs && isSameKey(table.kmsKeyArn, key, record.keyAlias)) || record.created.table === true);
  return { user, userIsLabs, table, tableIsLabs, ...keys };
}

function plan(found: Found, record: LabRecord): string[] {
  const lines: string[] = [];
  if (found.user && found.userIsLabs) lines.push(`the IAM user ${record.testUserName}, its access keys and policy attachments`);
  if (found.table && found.tableIsLabs) lines.push(`the table ${record.tableName} and its items`);
  if (found.key && found.keyIsLabs) {
    if (found.aliasExists) lines.push(`the alias ${record.keyAlias}`);
    if (found.key.state !== 'PendingDeletion') lines.push(`the key ${found.key.keyId}: its deletion is scheduled in ${KEY_DELETION_WINDOW_DAYS} days (asked separately)`);
  }
  return lines;
}

async function removeUser(ctx: LabContext, name: string): Promise<void> {
  const users = ctx.admin.iamUsers;
  const iam = ctx.admin.iam;
  for (const key of await users.accessKeys(name)) await users.deleteAccessKey(name, key.accessKeyId);
  for (const policy of await iam.attachedUserPolicies(name)) if (policy.arn) await users.detachPolicy(name, policy.arn);
  for (const policy of await iam.inlineUserPolicies(name)) await users.deleteInlinePolicy(name, policy.name);
  for (const group of await iam.groupsOf(name)) await users.removeFromGroup(name, group);
  await users.deleteUser(name);
}

async function run(ctx: LabContext): Promise<StepStatus> {
  const record = ctx.record;
  const found = await find(ctx, record);
  const removed: string[] = [];
  const left: CleanupReport['left'] = [];
  const steps = plan(found, record);
  if (steps.length > 0) {
    const ok = await ctx.ui.confirm(
      `Remove what the lab created in ${ctx.backend.label}?`,
      `KMS Lab removes only what the lab created:\n- ${steps.join('\n- ')}`,
      'Clean Up',
    );
    if (!ok) throw new CancelledError();
  }

  // The user, the stored secret, the table and the alias do not depend on each other: removed side by side.
  const outcomes = await Promise.all([
    (async (): Promise<Outcome> => {
      if (found.user && found.userIsLabs) {
        await removeUser(ctx, record.testUserName);
        return { removed: [`IAM user ${record.testUserName} (access keys, policy attachments)`] };
      }
      return found.user ? { left: [{ what: `IAM user ${record.testUserName}`, why: `KMS Lab did not create it (no ${LAB_TAG.key}=${LAB_TAG.value} tag)` }] } : {};
    })(),
    (async (): Promise<Outcome> => {
      if (!(await ctx.services.secrets.get(ctx.scope, record.testUserName))) return {};
      await ctx.services.secrets.delete(ctx.scope, record.testUserName);
      return { removed: ["the test user's access key in VS Code's secret storage"] };
    })(),
    (async (): Promise<Outcome> => {
      if (found.table && found.tableIsLabs) {
        await ctx.admin.dynamodbData.deleteTable(record.tableName);
        return { removed: [`table ${record.tableName}`] };
      }
      return found.table ? { left: [{ what: `table ${record.tableName}`, why: 'it is not encrypted with the lab key and KMS Lab did not create it' }] } : {};
    })(),
    (async (): Promise<Outcome> => {
      if (!found.key || !found.keyIsLabs || !found.aliasExists) return {};
      await ctx.admin.kmsLifecycle.deleteAlias(record.keyAlias);
      return { removed: [`alias ${record.keyAlias}`] };
    })(),
  ]);
  for (const outcome of outcomes) {
    removed.push(...(outcome.removed ?? []));
    left.push(...(outcome.left ?? []));
  }

  if (found.key && found.keyIsLabs) {
    if (found.key.state === 'PendingDeletion') {
      removed.push(`key ${found.key.keyId} (already pending deletion)`);
    } else {
      const schedule = await ctx.ui.confirm(
        `Schedule the deletion of KMS key ${found.key.keyId}?`,
        `Key ${found.key.arn} (${record.keyAlias}) is deleted after ${KEY_DELETION_WINDOW_DAYS} days, the shortest window KMS allows. ` +
          'Until then it costs nothing more to keep and the deletion can be cancelled; afterwards, anything encrypted with it cannot be decrypted.',
        'Schedule Deletion',
      );
      if (schedule) {
        const when = await ctx.admin.kmsLifecycle.scheduleDeletion(found.key.keyId, KEY_DELETION_WINDOW_DAYS);
        removed.push(`key ${found.key.keyId}: deletion scheduled${when ? ` for ${when.toISOString().slice(0, 10)}` : ` in ${KEY_DELETION_WINDOW_DAYS} days`}`);
      } else {
        left.push({ what: `key ${found.key.keyId}`, why: 'you chose to keep it' });
      }
    }
  } else if (found.key) {
    left.push({ what: `key ${found.key.keyId} (${record.keyAlias})`, why: `KMS Lab did not create it (no ${LAB_TAG.key}=${LAB_TAG.value} tag)` });
  }

  const report: CleanupReport = { at: new Date().toISOString(), removed, left };
  await ctx.update((r) => {
    r.cleanup = report;
    r.created = {};
    r.reads = {};
    r.failures = {};
    r.keyId = undefined;
    r.keyArn = undefined;
    r.userArn = undefined;
    r.accessKeyId = undefined;
    r.itemId = undefined;
  });
  return done(summary(report));
}

export function summary(report: CleanupReport): string {
  const removed = report.removed.length > 0 ? `Removed ${report.removed.length}: ${report.removed.join('; ')}.` : 'Nothing was left to remove.';
  const left = report.left.length > 0 ? ` Left ${report.left.length}: ${report.left.map((l) => `${l.what} (${l.why})`).join('; ')}.` : ' Nothing was left behind.';
  return removed + left;
}

async function check(ctx: LabContext): Promise<StepStatus> {
  const record = ctx.record;
  if (!record.cleanup) return todo();
  const found = await find(ctx, record);
  const remaining = plan(found, record);
  return remaining.length === 0 ? done(summary(record.cleanup)) : todo(`Still there: ${remaining.join('; ')}`);
}

export const cleanUpStep: StepDefinition = {
  id: 'cleanUp',
  number: 9,
  title: 'Clean up',
  prerequisites: [],
  check,
  run,
  // The record forgets the removed resources: what was removed is named by the record from before the run.
  changes: (before) => [
    ...labKeyChange(before, ['alias', 'state', 'deleted']),
    ...labTableChange(before, ['deleted']),
    ...testUserChange(before, ['deleted']),
  ],
};
