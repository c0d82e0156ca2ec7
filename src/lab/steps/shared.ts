// What several steps need: the cost confirmation on real AWS, the lab's key, and choosing another name.
import { AwsLayerError } from '../../aws/errors';
import type { KmsKey } from '../../aws/types';
import { describeCaller } from '../../policy/caller';
import { CancelledError } from '../../cancellation';
import type { LabContext } from '../context';
import { LAB_TAG } from '../defaults';
import type { LabRecord } from '../record';

/** Before the first step that creates anything in a real AWS account: once per account. */
export async function ensureCostConfirmed(ctx: LabContext): Promise<void> {
  if (ctx.backend.kind !== 'aws' || ctx.services.records.costConfirmed(ctx.identity.account)) return;
  const ok = await ctx.ui.confirm(
    `Create the lab's resources in AWS account ${ctx.identity.account}?`,
    'The lab creates a customer managed KMS key, which AWS bills monthly (about US$1, prorated) until it is deleted, ' +
      'an on-demand DynamoDB table (billed per request and per GB stored), an IAM user and its access key. ' +
      'Step 9 (Clean up) removes them and schedules the key for deletion after 7 days. ' +
      'You are asked once per account.',
    'Create in This Account',
  );
  if (!ok) throw new CancelledError('The cost confirmation was declined');
  await ctx.services.records.confirmCost(ctx.identity.account);
}

/** The principal a console-style key policy names for the caller: a session becomes its role. */
export function adminPrincipalArn(callerArn: string, accountId: string): string {
  const caller = describeCaller(callerArn);
  if (caller.kind === 'assumed-role' && caller.roleArn) return caller.roleArn;
  if (caller.kind === 'user' || caller.kind === 'role' || caller.kind === 'root') return caller.arn;
  return `arn:aws:iam::${accountId}:root`;
}

/** The key behind the lab's alias, as KMS describes it now; undefined when the alias does not exist. */
export function labKey(ctx: LabContext, record: LabRecord = ctx.record): Promise<KmsKey | undefined> {
  return ctx.admin.kmsLifecycle.describeFresh(record.keyAlias);
}

/** The lab's key, or an error that says to run step 1. */
export async function requireLabKey(ctx: LabContext): Promise<KmsKey> {
  const key = await labKey(ctx);
  if (!key) throw new Error(`The lab key ${ctx.record.keyAlias} does not exist yet: run step 1 (Create the key) first.`);
  return key;
}

export async function keyIsTagged(ctx: LabContext, keyId: string): Promise<boolean> {
  try {
    const tags = await ctx.admin.kmsLifecycle.tags(keyId);
    return tags[LAB_TAG.key] === LAB_TAG.value;
  } catch (err) {
    if (err instanceof AwsLayerError && (err.kind === 'access-denied' || err.kind === 'not-found')) return false;
    throw err;
  }
}

/** A key ARN as DescribeTable reports it may also be an id or an alias on emulators. */
export function isSameKey(reported: string | undefined, key: KmsKey, alias: string): boolean {
  if (!reported) return false;
  return reported === key.arn || reported === key.keyId || reported.endsWith(`:key/${key.keyId}`) || reported === alias || reported.endsWith(`:${alias}`);
}

/**
 * The name is taken by something the lab did not make: offer to choose another, and remember the choice.
 * Throws CancelledError when the person declines.
 */
export async function chooseAnotherName(
  ctx: LabContext,
  question: { message: string; detail: string; title: string; prompt: string; suggestion: string; validate(value: string): string | undefined },
  remember: (record: LabRecord, name: string) => void,
): Promise<string> {
  const choice = await ctx.ui.choose(question.message, question.detail, ['Choose Another Name'] as const);
  if (choice !== 'Choose Another Name') throw new CancelledError();
  const name = await ctx.ui.input({ title: question.title, prompt: question.prompt, value: question.suggestion, validate: question.validate });
  if (name === undefined) throw new CancelledError();
  await ctx.update((record) => remember(record, name.trim()));
  return name.trim();
}
