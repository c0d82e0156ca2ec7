// Step 1: a symmetric customer managed key with the lab's alias and tag, administered by the current caller.
import type { KmsKey } from '../../aws/types';
import { consoleKeyPolicy } from '../../policy';
import type { LabContext } from '../context';
import { KEY_DESCRIPTION, LAB_TAG } from '../defaults';
import { aliasProblem } from '../names';
import { done, failed, todo, type StepDefinition, type StepStatus } from '../step';
import { adminPrincipalArn, chooseAnotherName, ensureCostConfirmed, keyIsTagged, labKey } from './shared';
import { labKeyChange } from './changes';

function keyStatus(key: KmsKey, alias: string): StepStatus {
  if (key.keyManager !== 'CUSTOMER') return failed(`${alias} names an AWS managed key; the lab needs a customer managed key. Choose another alias.`);
  if (key.keySpec && key.keySpec !== 'SYMMETRIC_DEFAULT') return failed(`${alias} names a ${key.keySpec} key; the lab needs a symmetric key.`);
  switch (key.state) {
    case 'Enabled':
      return done(`${alias} → key ${key.keyId}, symmetric, customer managed`);
    case 'PendingDeletion':
      return failed(`${alias} names key ${key.keyId}, which is pending deletion. Cancel its deletion in KMS, or run this step to choose another alias.`);
    default:
      return failed(`${alias} names key ${key.keyId}, which is ${key.state}. Enable it, or run this step to choose another alias.`);
  }
}

async function check(ctx: LabContext): Promise<StepStatus> {
  const record = ctx.record;
  const key = await labKey(ctx);
  if (key) return keyStatus(key, record.keyAlias);
  if (record.keyId) {
    const made = await ctx.admin.kmsLifecycle.describeFresh(record.keyId);
    if (made?.state === 'Enabled') return todo(`Key ${made.keyId} was created, but alias ${record.keyAlias} is missing: run this step to finish.`);
  }
  return todo();
}

async function run(ctx: LabContext): Promise<StepStatus> {
  await ensureCostConfirmed(ctx);
  const record = ctx.record;
  const alias = record.keyAlias;
  const existing = await labKey(ctx);
  if (existing) {
    const ours = existing.keyId === record.keyId || (await keyIsTagged(ctx, existing.keyId));
    const status = keyStatus(existing, alias);
    if (ours && status.state === 'done') {
      await ctx.update((r) => {
        r.keyId = existing.keyId;
        r.keyArn = existing.arn;
      });
      return status;
    }
    await chooseAnotherName(
      ctx,
      {
        message: ours ? (status.detail ?? `${alias} cannot be used`) : `The alias ${alias} already names key ${existing.keyId}, which KMS Lab did not create.`,
        detail: 'The lab uses its own key, so that changing its policy cannot affect anything else. Choose another alias for the lab key.',
        title: 'Step 1: alias of the lab key',
        prompt: 'An alias for the new key, starting with "alias/".',
        suggestion: `${alias}-2`,
        validate: aliasProblem,
      },
      (r, name) => {
        r.keyAlias = name;
      },
    );
    return run(ctx);
  }

  // A run that stopped after CreateKey left a tagged key without its alias: finish that one instead of making another.
  if (record.keyId) {
    const made = await ctx.admin.kmsLifecycle.describeFresh(record.keyId);
    if (made?.state === 'Enabled' && made.keyManager === 'CUSTOMER') {
      await ctx.admin.kms.createAlias(alias, made.keyId);
      return done(`${alias} → key ${made.keyId}, symmetric, customer managed`);
    }
  }

  const administrator = adminPrincipalArn(ctx.identity.arn, ctx.identity.account);
  const policy = consoleKeyPolicy(ctx.identity.account, { administrators: [administrator] });
  const key = await ctx.admin.kms.createKey({ description: KEY_DESCRIPTION, policy: JSON.stringify(policy, null, 2), tags: { [LAB_TAG.key]: LAB_TAG.value } });
  await ctx.update((r) => {
    r.keyId = key.keyId;
    r.keyArn = key.arn;
    r.created.key = true;
  });
  await ctx.admin.kms.createAlias(alias, key.keyId);
  return done(`${alias} → key ${key.keyId}, symmetric, customer managed; key administrator: ${administrator}`);
}

export const createKeyStep: StepDefinition = {
  id: 'createKey',
  number: 1,
  title: 'Create the key',
  prerequisites: [],
  check,
  run,
  changes: (_before, after) => labKeyChange(after, ['created', 'alias']),
};
