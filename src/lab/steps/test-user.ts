// Step 4: the test user, with full DynamoDB access and no KMS permissions. Its access key goes to SecretStorage only.
import { AwsLayerError } from '../../aws/errors';
import type { IamUser } from '../../aws/iam-users';
import type { StaticCredentials } from '../../aws/types';
import type { LabContext } from '../context';
import { DYNAMODB_FULL_ACCESS_ARN, LAB_TAG } from '../defaults';
import { jittered, labWaits } from '../timing';
import { userNameProblem } from '../names';
import { done, failed, todo, type StepDefinition, type StepStatus } from '../step';
import { chooseAnotherName, ensureCostConfirmed } from './shared';
import { testUserChange } from './changes';

const isLabUser = (user: IamUser, ctx: LabContext) => user.tags[LAB_TAG.key] === LAB_TAG.value || (ctx.record.created.user === true && user.arn === ctx.record.userArn);

async function hasFullDynamoAccess(ctx: LabContext, userName: string): Promise<boolean> {
  return (await ctx.admin.iam.attachedUserPolicies(userName)).some((policy) => policy.arn === DYNAMODB_FULL_ACCESS_ARN);
}

const masked = (accessKeyId: string) => `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;

/** The stored key, when it is one of the user's active keys. */
async function heldKey(ctx: LabContext, userName: string): Promise<StaticCredentials | undefined> {
  const stored = await ctx.services.secrets.get(ctx.scope, userName);
  if (!stored) return undefined;
  const keys = await ctx.admin.iamUsers.accessKeys(userName);
  return keys.some((k) => k.accessKeyId === stored.accessKeyId && k.status === 'Active') ? stored : undefined;
}

function doneDetail(userName: string, credentials: StaticCredentials): string {
  return `${userName}: AmazonDynamoDBFullAccess, no KMS permissions; access key ${masked(credentials.accessKeyId)} is kept in VS Code's secret storage`;
}

async function check(ctx: LabContext): Promise<StepStatus> {
  const name = ctx.record.testUserName;
  const user = await ctx.admin.iamUsers.getUser(name);
  if (!user) return todo();
  if (!isLabUser(user, ctx)) return failed(`A user named ${name} exists and KMS Lab did not create it (no ${LAB_TAG.key}=${LAB_TAG.value} tag). Run this step to choose another name.`);
  if (!(await hasFullDynamoAccess(ctx, name))) {
    return todo(`${name} exists but AmazonDynamoDBFullAccess is not attached yet: run this step to finish.`);
  }
  const credentials = await heldKey(ctx, name);
  if (!credentials) return todo(`${name} exists, but KMS Lab holds no working access key for it: run this step to make one.`);
  return done(doneDetail(name, credentials));
}

/** New access keys take a few seconds to work on real AWS: retry while they are refused as unknown. */
export async function waitUntilKeyWorks(ctx: LabContext, userName: string, credentials: StaticCredentials): Promise<void> {
  const budget = labWaits(ctx.backend).newAccessKeyMs;
  const session = ctx.services.sessionAs(userName, credentials);
  try {
    await ctx.ui.progress(`Waiting for the access key of ${userName} to work`, async (report) => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          await session.sts.getCallerIdentity();
          return;
        } catch (err) {
          const fresh = err instanceof AwsLayerError && err.kind === 'invalid-credentials';
          if (!fresh || Date.now() - started > budget) throw err;
          report(`Waiting for the new access key to be accepted (attempt ${attempt}, at most ${Math.round(budget / 1000)} s); new keys take a few seconds`);
          await new Promise((resolve) => setTimeout(resolve, jittered(Math.min(1000 * attempt, 5000))));
          session.invalidate();
        }
      }
    });
  } finally {
    session.dispose();
  }
}

async function run(ctx: LabContext): Promise<StepStatus> {
  await ensureCostConfirmed(ctx);
  const name = ctx.record.testUserName;
  let user = await ctx.admin.iamUsers.getUser(name);
  if (user && !isLabUser(user, ctx)) {
    await chooseAnotherName(
      ctx,
      {
        message: `A user named ${name} already exists, and KMS Lab did not create it.`,
        detail: 'The lab needs a user of its own, which it gives an access key and removes at the end. Choose another name.',
        title: 'Step 4: name of the test user',
        prompt: 'A name for the new IAM user.',
        suggestion: `${name}-2`,
        validate: userNameProblem,
      },
      (r, chosen) => {
        r.testUserName = chosen;
        r.userArn = undefined;
      },
    );
    return run(ctx);
  }
  if (!user) {
    user = await ctx.admin.iamUsers.createUser(name, { [LAB_TAG.key]: LAB_TAG.value });
    const created = user;
    await ctx.update((r) => {
      r.created.user = true;
      r.userArn = created.arn;
    });
  } else if (ctx.record.userArn !== user.arn) {
    const existing = user;
    await ctx.update((r) => {
      r.userArn = existing.arn;
    });
  }
  if (!(await hasFullDynamoAccess(ctx, name))) {
    await ctx.admin.iamUsers.attachPolicy(name, DYNAMODB_FULL_ACCESS_ARN);
  }
  let credentials = await heldKey(ctx, name);
  if (!credentials) {
    // This user is the lab's own: a key whose secret KMS Lab no longer holds is useless, and IAM allows only two.
    for (const stale of await ctx.admin.iamUsers.accessKeys(name)) await ctx.admin.iamUsers.deleteAccessKey(name, stale.accessKeyId);
    credentials = await ctx.admin.iamUsers.createAccessKey(name);
    await ctx.services.secrets.store(ctx.scope, name, credentials);
    const accessKeyId = credentials.accessKeyId;
    await ctx.update((r) => {
      r.accessKeyId = accessKeyId;
    });
  }
  await waitUntilKeyWorks(ctx, name, credentials);
  return done(doneDetail(name, credentials));
}

export const createTestUserStep: StepDefinition = {
  id: 'createTestUser',
  number: 4,
  title: 'Create the test user',
  prerequisites: [],
  check,
  run,
  changes: (_before, after) => testUserChange(after, ['created', 'policies', 'credentials']),
};
