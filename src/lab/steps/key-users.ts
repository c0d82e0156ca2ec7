// Steps 6 and 8: add the test user to the key policy as the console adds a key user (both statements), and remove
// it again. The change is shown as a diff and confirmed, and saved through the key policy store: lockout pre-check,
// conflict detection, history.
import { addKeyUser, keyUsersAndAdministrators, removeKeyUser } from '../../policy';
import { describeProblem, samePolicy } from '../../keypolicy/policy-text';
import { CancelledError } from '../../cancellation';
import type { LabContext } from '../context';
import { done, todo, type StepDefinition, type StepStatus } from '../step';
import { labKeyChange } from './changes';
import { readBeforeRevoke, readStep, readStepStatus } from './reads';
import { labKey, requireLabKey } from './shared';
import { jittered, labWaits } from '../timing';

/** Whether the lab key's policy names the test user as a key user; undefined when there is no user or no key yet. */
async function namesUser(ctx: LabContext): Promise<boolean | undefined> {
  const key = ctx.record.userArn ? await labKey(ctx) : undefined;
  if (!key) return undefined;
  const policy = await ctx.admin.kms.getKeyPolicy(key.keyId);
  return keyUsersAndAdministrators(policy.text).users.includes(ctx.userArn());
}

async function changeKeyUser(ctx: LabContext, change: 'add' | 'remove'): Promise<'changed' | 'unchanged'> {
  const key = await requireLabKey(ctx);
  const record = ctx.record;
  const user = ctx.userArn();
  const document = await ctx.services.keyPolicies.load(ctx.admin, key.arn);
  const next = change === 'add' ? addKeyUser(document.text, user) : removeKeyUser(document.text, user);
  if (samePolicy(next, document.text)) return 'unchanged';
  const verb = change === 'add' ? 'Add' : 'Remove';
  await ctx.ui.showPolicyDiff(`${record.keyAlias} key policy: ${verb.toLowerCase()} ${record.testUserName} as a key user`, document.text, next);
  const confirmed = await ctx.ui.confirm(
    change === 'add' ? `Add ${record.testUserName} as a key user of ${record.keyAlias}?` : `Remove ${record.testUserName} from the key users of ${record.keyAlias}?`,
    `As the KMS console does, ${record.testUserName} is ${change === 'add' ? 'added to' : 'removed from'} the statements "Allow use of the key" and ` +
      '"Allow attachment of persistent resources". The diff shows the change; nothing else in the policy changes.',
    'Update Key Policy',
  );
  if (!confirmed) throw new CancelledError();
  const saved = await saveOnceKmsKnowsUser(ctx, () => ctx.services.keyPolicies.save(ctx.admin, document, next));
  switch (saved.kind) {
    case 'saved':
      return 'changed';
    case 'lockout':
      throw new Error(`KMS Lab did not change the key policy: ${saved.message}`);
    case 'conflict':
      throw new Error('The key policy changed while the lab was updating it (someone else edited it). Nothing was written; run the step again to work on the current policy.');
    case 'invalid':
      throw new Error(`The changed key policy is not valid: ${saved.problems.map(describeProblem).join('; ')}`);
    case 'failed':
      throw new Error(saved.message);
  }
}

type SaveResult = Awaited<ReturnType<LabContext['services']['keyPolicies']['save']>>;

const namesUnknownPrincipal = (saved: SaveResult) => saved.kind === 'failed' && saved.reason === 'invalid-principal';

/**
 * KMS refuses a key policy naming a principal IAM has not shown it yet (MalformedPolicyDocumentException, "Policy
 * contains a statement with one or more invalid principals."): a user made seconds ago. Saved again, bounded.
 */
async function saveOnceKmsKnowsUser(ctx: LabContext, save: () => Promise<SaveResult>): Promise<SaveResult> {
  const first = await save();
  if (!namesUnknownPrincipal(first)) return first;
  const user = ctx.record.testUserName;
  const budget = labWaits(ctx.backend).newAccessKeyMs;
  const started = Date.now();
  return ctx.ui.progress(`Waiting for IAM to show ${user} to KMS`, async (report) => {
    let saved = first;
    for (let attempt = 1; namesUnknownPrincipal(saved) && Date.now() - started < budget; attempt++) {
      report(`KMS does not know ${user} yet: a new user takes a few seconds to reach KMS (attempt ${attempt}, at most ${Math.round(budget / 1000)} s)`);
      await new Promise((resolve) => setTimeout(resolve, jittered(Math.min(1000 * attempt, 5000))));
      saved = await save();
    }
    return saved;
  });
}

export const grantStep: StepDefinition = {
  id: 'grant',
  number: 6,
  title: 'Grant the test user',
  prerequisites: ['createKey', 'createTestUser'],
  async check(ctx) {
    return (await namesUser(ctx)) ? done(`The key policy of ${ctx.record.keyAlias} names ${ctx.record.testUserName} as a key user`) : todo();
  },
  async run(ctx): Promise<StepStatus> {
    const outcome = await changeKeyUser(ctx, 'add');
    return done(`${outcome === 'changed' ? 'Added' : 'Already'} ${ctx.record.testUserName} as a key user of ${ctx.record.keyAlias} (statements "Allow use of the key" and "Allow attachment of persistent resources")`);
  },
  changes: (_before, after) => labKeyChange(after, ['policy']),
};

export const revokeStep: StepDefinition = {
  id: 'revoke',
  number: 8,
  title: 'Revoke (extra)',
  prerequisites: ['createKey', 'createTestUser', 'addItem'],
  async check(ctx) {
    const named = await namesUser(ctx);
    if (named !== false) return todo();
    return readStepStatus(ctx, ctx.record.reads.afterRevoke);
  },
  async run(ctx) {
    const cachedSince = await readBeforeRevoke(ctx);
    await changeKeyUser(ctx, 'remove');
    return readStep(ctx, 'afterRevoke', 'denied', { cachedSince });
  },
  changes: (_before, after) => labKeyChange(after, ['policy']),
};
