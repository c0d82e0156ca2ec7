// Step 6 (Grant) naming a user made a moment ago, against the sandbox keeping AWS's timing: KMS refuses the key
// policy as naming an invalid principal until IAM has shown the user to it, and the step waits for that, bounded,
// saying what it waits for, instead of failing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LabBackend } from '../../../src/lab/backend';
import { predictReadWithPolicies } from '../../../src/lab/predict';
import { stepById } from '../../../src/lab/steps';
import { keyUsersAndAdministrators } from '../../../src/policy';
import { labHarness, type LabHarness } from './support';

/** IAM's changes reach KMS 3 s late. */
const FACTOR = 0.3;
const BACKEND: LabBackend = { kind: 'sandbox', label: 'the local sandbox', scopePart: 'sandbox', awsTiming: FACTOR };
const USER = 'fresh-lab-user';

let h: LabHarness;
before(async () => {
  h = await labHarness(predictReadWithPolicies, { awsTiming: FACTOR, tableCreationMs: 0 });
});
after(() => h.close());

describe("the lab's grant against AWS's timing", () => {
  it('waits for IAM to show a new user to KMS, then adds it as a key user', async () => {
    assert.equal((await stepById('createKey').run(await h.context(BACKEND))).state, 'done');
    const ctx = await h.context(BACKEND);
    const user = await h.admin.iamUsers.createUser(USER, {});
    const made = Date.now();
    await ctx.update((record) => {
      record.testUserName = USER;
      record.userArn = user.arn;
    });
    h.ui.answer('Update Key Policy');
    const status = await stepById('grant').run(await h.context(BACKEND));
    assert.equal(status.state, 'done', status.detail);
    assert.ok(Date.now() - made >= 3000 * 0.9, `saved only once KMS could see ${USER} (${Date.now() - made} ms)`);
    assert.ok(
      h.ui.reports.some((line) => new RegExp(`^KMS does not know ${USER} yet: a new user takes a few seconds to reach KMS \\(attempt 1, at most \\d+ s\\)$`).test(line)),
      `the wait was named: ${h.ui.reports.join(' | ')}`,
    );
    const keyArn = (await h.context(BACKEND)).record.keyArn!;
    const policy = await h.admin.kms.getKeyPolicy(keyArn);
    assert.ok(keyUsersAndAdministrators(policy.text).users.includes(user.arn), policy.text);
  });
});
