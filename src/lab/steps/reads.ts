// Steps 5 and 7: read the table as the test user, before and after the grant, observed next to predicted.
import type { LabContext } from '../context';
import { WAIT } from '../defaults';
import { conclude, predictRead, readAsTestUser, recordedStatus } from '../read-check';
import type { ReadResult } from '../record';
import { readTrail } from '../trail';
import { changesNothing, todo, type StepDefinition, type StepStatus } from '../step';

type ReadSlot = 'beforeGrant' | 'afterGrant' | 'afterRevoke';

/** Reads as the test user, predicts, concludes, and records the result in `slot`. */
export async function readStep(ctx: LabContext, slot: ReadSlot, expect: 'allowed' | 'denied'): Promise<StepStatus> {
  const record = ctx.record;
  const credentials = await ctx.services.secrets.get(ctx.scope, record.testUserName);
  if (!credentials) throw new Error(`KMS Lab holds no access key for ${record.testUserName}: run step 4 (Create the test user) first.`);
  const retryMs = expect === 'allowed' && ctx.backend.kind === 'aws' ? WAIT.policyChangeMs.aws : WAIT.policyChangeMs.other;
  const title = `Reading ${record.tableName} as ${record.testUserName}`;
  const since = new Date();
  // What AWS does and what the policies say are found side by side: neither depends on the other.
  const { live, prediction } = await ctx.ui.progress(title, async (report) => {
    report('Scan and GetItem with the test user\'s credentials, and the prediction from the key policy, the user\'s IAM policies and the key\'s grants');
    const [read, predicted] = await Promise.all([readAsTestUser(ctx, credentials, { expect, retryMs, report }), predictRead(ctx)]);
    return { live: read, prediction: predicted };
  });
  const { result, status } = conclude(ctx, expect, live, prediction, { afterRevoke: slot === 'afterRevoke' });
  // Beside observed and predicted: the kms:Decrypt DynamoDB asked for on the user's behalf, as CloudTrail has it.
  const trail = await readTrail(ctx, since, live.observed.outcome);
  if (trail) {
    result.trail = trail;
    result.summary = status.detail = `${status.detail ?? ''} ${trail.sentence}`.trim();
  }
  await ctx.update((r) => {
    r.reads[slot] = result;
  });
  return { ...status, item: live.item };
}

export function readStepStatus(ctx: LabContext, result: ReadResult | undefined): StepStatus {
  return recordedStatus(ctx, result) ?? todo();
}

export const readAsTestUserStep: StepDefinition = {
  id: 'readAsTestUser',
  number: 5,
  title: 'Read as the test user',
  prerequisites: ['addItem', 'createTestUser'],
  check: async (ctx) => readStepStatus(ctx, ctx.record.reads.beforeGrant),
  run: (ctx) => readStep(ctx, 'beforeGrant', 'denied'),
  changes: changesNothing,
};

export const readAgainStep: StepDefinition = {
  id: 'readAgain',
  number: 7,
  title: 'Read again',
  prerequisites: ['addItem', 'createTestUser', 'grant'],
  check: async (ctx) => readStepStatus(ctx, ctx.record.reads.afterGrant),
  run: (ctx) => readStep(ctx, 'afterGrant', 'allowed'),
  changes: changesNothing,
};
