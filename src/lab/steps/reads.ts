// Steps 5 and 7: read the table as the test user, before and after the grant, observed next to predicted.
import type { LabContext } from '../context';
import { labWaits } from '../timing';
import { conclude, predictRead, readAsTestUser, recordedStatus } from '../read-check';
import type { ReadResult } from '../record';
import { readTrail } from '../trail';
import { changesNothing, todo, type StepDefinition, type StepStatus } from '../step';

type ReadSlot = 'beforeGrant' | 'afterGrant' | 'afterRevoke';

/** Reads as the test user, predicts, concludes, and records the result in `slot`. */
export async function readStep(ctx: LabContext, slot: ReadSlot, expect: 'allowed' | 'denied', options: { cachedSince?: number } = {}): Promise<StepStatus> {
  const record = ctx.record;
  const credentials = await ctx.services.secrets.get(ctx.scope, record.testUserName);
  if (!credentials) throw new Error(`KMS Lab holds no access key for ${record.testUserName}: run step 4 (Create the test user) first.`);
  const waits = labWaits(ctx.backend);
  // After the revoke, in the sandbox keeping AWS's timing, the lab waits for DynamoDB's cached table key to expire.
  const cacheMs = slot === 'afterRevoke' && waits.scaled ? waits.tableKeyCacheMs : undefined;
  const retryMs = cacheMs !== undefined ? cacheMs + waits.policyChangeMs : expect === 'allowed' ? waits.policyChangeMs : 0;
  const expiresAt = cacheMs !== undefined ? (options.cachedSince ?? cacheExpiry(ctx.record.reads.afterGrant?.at, 0)) + cacheMs : undefined;
  const waitingFor =
    expiresAt === undefined
      ? undefined
      : (outcome: string) => {
          if (outcome !== 'allowed') return undefined;
          const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
          return {
            because: "cached table key",
            detail: `predicted denied, observed allowed: DynamoDB's cached table key; expires in about ${left} s`,
            pauseMs: Math.min(1000, Math.max(200, (expiresAt - Date.now()) / 4)),
          };
        };
  const title = `Reading ${record.tableName} as ${record.testUserName}`;
  const since = new Date();
  // What AWS does and what the policies say are found side by side: neither depends on the other.
  const { live, prediction } = await ctx.ui.progress(title, async (report) => {
    report('Scan and GetItem with the test user\'s credentials, and the prediction from the key policy, the user\'s IAM policies and the key\'s grants');
    const [read, predicted] = await Promise.all([readAsTestUser(ctx, credentials, { expect, retryMs, report, waitingFor }), predictRead(ctx)]);
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

/** When the test user's table key, cached by DynamoDB at the read after the grant, expires (now + the cache when unknown). */
function cacheExpiry(readAt: string | undefined, cacheMs: number): number {
  const at = readAt ? Date.parse(readAt) : NaN;
  return (Number.isFinite(at) ? at : Date.now()) + cacheMs;
}

/**
 * In the sandbox keeping AWS's timing, step 8 reads once as the test user before the revoke, so DynamoDB holds the
 * user's table key from that moment: the countdown after the revoke starts from it. Returns when it read (epoch ms).
 */
export async function readBeforeRevoke(ctx: LabContext): Promise<number | undefined> {
  if (!labWaits(ctx.backend).scaled) return undefined;
  const credentials = await ctx.services.secrets.get(ctx.scope, ctx.record.testUserName);
  if (!credentials) return undefined;
  const started = Date.now();
  const { observed } = await readAsTestUser(ctx, credentials, { expect: 'allowed', retryMs: 0, report: () => undefined });
  return observed.outcome === 'allowed' ? started : undefined;
}
