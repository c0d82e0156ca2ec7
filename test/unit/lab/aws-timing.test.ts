// The lab, steps 1–9, against the sandbox keeping AWS's timing at 0.02 and throttling one request in ten: the same
// outcomes as the instant run, step 8 observing the cached read before the denial, no step failing on a throttle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LabBackend } from '../../../src/lab/backend';
import { predictReadWithPolicies } from '../../../src/lab/predict';
import type { StepId } from '../../../src/lab/step';
import { stepById } from '../../../src/lab/steps';
import { labHarness, type LabHarness } from './support';

const FACTOR = 0.02;
const BACKEND: LabBackend = { kind: 'sandbox', label: 'the local sandbox', scopePart: 'sandbox', awsTiming: FACTOR };

let h: LabHarness;
before(async () => {
  h = await labHarness(predictReadWithPolicies, { awsTiming: FACTOR, throttleRate: 0.1 });
});
after(() => h.close());

async function run(id: StepId) {
  return stepById(id).run(await h.context(BACKEND));
}

describe("the lab against AWS's timing and throttling (factor 0.02, throttle rate 0.1)", () => {
  it('completes steps 1–9 with the instant run\'s outcomes; step 8 sees the cached read, then the denial', async () => {
    const states: Record<string, string> = {};
    const note = async (id: StepId) => {
      const status = await run(id);
      states[id] = status.state;
      assert.doesNotMatch(status.detail ?? '', /throttl/i, `${id} failed on a throttle: ${status.detail}`);
      return status;
    };
    await note('createKey');
    await note('createTable');
    h.ui.answer((request) => request.value);
    await note('addItem');
    await note('createTestUser');
    const before = await note('readAsTestUser');
    assert.match(before.detail ?? '', /refused, as predicted/);
    h.ui.answer('Update Key Policy');
    await note('grant');
    const again = await note('readAgain');
    assert.match(again.detail ?? '', /reads kms-lab-table now, as predicted/);
    h.ui.reports.length = 0;
    h.ui.answer('Update Key Policy');
    const revoked = await note('revoke');
    assert.match(revoked.detail ?? '', /Revoked\. kms-lab-test-user is refused again, as predicted\. Until then .* DynamoDB served kms-lab-test-user with its cached table key: observed allowed, predicted denied\./);
    assert.ok(
      h.ui.reports.some((line) => /^predicted denied, observed allowed: DynamoDB's cached table key; expires in about \d+ s$/.test(line)),
      `a countdown was shown: ${h.ui.reports.join(' | ')}`,
    );
    const record = (await h.context(BACKEND)).record;
    assert.equal(record.reads.afterRevoke?.observed.outcome, 'denied');
    assert.equal(record.reads.afterRevoke?.observed.before?.outcome, 'allowed');
    h.ui.answer('Clean Up', 'Schedule Deletion');
    await note('cleanUp');
    assert.deepEqual(states, {
      createKey: 'done',
      createTable: 'done',
      addItem: 'done',
      createTestUser: 'done',
      readAsTestUser: 'done',
      grant: 'done',
      readAgain: 'done',
      revoke: 'done',
      cleanUp: 'done',
    });
  });
});
