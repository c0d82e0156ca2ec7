// The lab inside VS Code against the embedded sandbox keeping AWS's timing (factor 0.02) and throttling one request in
// ten: the same outcomes as the instant run, step 8 observing DynamoDB's cached read before the denial, and no step
// failing on a throttle. The settings go back to instant afterwards, and the sandbox is restarted for the next tests.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StepStatus } from '../../src/lab/step';
import { getKmsLabApi, restoreInstantTiming, setTiming, stubInputBox, stubMessages, stubQuickPick, waitFor, type KmsLabTestApi } from './support';

const region = 'us-east-1';

async function runStep(id: string): Promise<StepStatus> {
  return (await vscode.commands.executeCommand(`kmsLab.lab.${id}`)) as StepStatus;
}

describe("the lab against AWS's timing", function () {
  this.timeout(240_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
    // Activation may be starting the sandbox in the background: let it finish, so that the restart below is the last.
    await api.whenIdle();
    await setTiming(0.02, 0.1);
  });

  after(async () => {
    await restoreInstantTiming();
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
  });

  it("lab: the lab completes against AWS's timing and throttling", async () => {
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 30_000);
    const messages = stubMessages();
    const states: Record<string, string> = {};
    const step = async (id: string) => {
      const status = await runStep(id);
      states[id] = status.state;
      assert.doesNotMatch(status.detail ?? '', /throttl/i, `step ${id} failed on a throttle: ${status.detail}`);
      assert.equal(status.state, 'done', `step ${id}: ${status.detail}`);
      return status;
    };
    await step('createKey');
    await step('createTable');
    stubInputBox([(options) => options?.value]);
    await step('addItem');
    await step('createTestUser');
    const denied = await step('readAsTestUser');
    assert.match(denied.detail ?? '', /refused, as predicted/);
    messages.restore();
    const grant = stubMessages(['Update Key Policy']);
    await step('grant');
    grant.restore();
    const allowed = await step('readAgain');
    assert.match(allowed.detail ?? '', /reads kms-lab-table now, as predicted/);
    const revoke = stubMessages(['Update Key Policy']);
    const revoked = await step('revoke');
    revoke.restore();
    const read = api.lab.views().find((v) => v.step.id === 'revoke')?.read;
    assert.equal(read?.observed.outcome, 'denied');
    assert.equal(read?.predicted?.decision, 'denied');
    assert.equal(read?.observed.before?.outcome, 'allowed', `step 8 observed the cached read before the denial: ${revoked.detail}`);
    assert.match(revoked.detail ?? '', /DynamoDB served kms-lab-test-user with its cached table key: observed allowed, predicted denied\./);
    const clean = stubMessages(['Clean Up', 'Schedule Deletion']);
    await step('cleanUp');
    clean.restore();
    assert.deepEqual(Object.values(states), Array(9).fill('done'));
  });
});
