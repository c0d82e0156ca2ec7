// The key policy feature on the real sandbox: the panel's editor as a thin adapter of the editing core. It shows the
// table's key policy, saves through the core, and follows a save made elsewhere: reloading a clean editor, keeping a
// person's draft, and ignoring its own save.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/aws/log';
import { KeyPolicyEdit } from '../../../src/keypolicy/editing';
import { KeyPolicyStore } from '../../../src/keypolicy/store';
import { PolicyController } from '../../../src/panel/policy-controller';
import { addKeyUser, keyUsersAndAdministrators } from '../../../src/policy';
import { keyPolicyChange, livePolicy, readAsTestUser, RecordingPage, ScriptedPanelUi, scopeOf, setKeyUser, startFixture, waitUntil, type Fixture } from './support';

let fixture: Fixture;
let store: KeyPolicyStore;
let historyDir: string;

before(async () => {
  fixture = await startFixture(1);
  historyDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-policy-history-'));
  store = new KeyPolicyStore({ historyDir });
});

after(async () => {
  await fixture?.stop();
  rmSync(historyDir, { recursive: true, force: true });
});

async function open(ui = new ScriptedPanelUi(), recheckAfterMs?: number) {
  const page = new RecordingPage();
  page.ready = true;
  const scope = scopeOf(fixture, readAsTestUser(fixture), { readAs: undefined });
  const policy = new PolicyController(page, scope, { log: silentLogger, store, ui, readAs: readAsTestUser(fixture), recheckAfterMs });
  scope.connect();
  await policy.start();
  await policy.onReady(undefined);
  return { page, scope, policy, ui };
}

const loadedView = (page: RecordingPage) => {
  const view = page.last('policy')?.policy;
  return view?.state === 'loaded' ? view : undefined;
};

describe('policy controller', () => {
  it("shows the table's key policy, and saves an edit through the core", async () => {
    const { page, scope, policy } = await open();
    try {
      const view = loadedView(page);
      assert.ok(view, JSON.stringify(page.last('policy')));
      assert.equal(view.keyArn, fixture.keyArn);
      assert.equal(view.keyManager, 'CUSTOMER');
      assert.equal(policy.state.state, 'loaded');
      const text = addKeyUser(view.text, fixture.userArn);
      await policy.handle({ type: 'checkPolicy', version: 1, text });
      assert.deepEqual(page.last('policyChecked')?.roles?.users, [fixture.userArn]);
      await policy.handle({ type: 'savePolicy', text });
      assert.equal(page.last('saveOutcome')?.outcome.kind, 'saved', JSON.stringify(page.last('saveOutcome')));
      assert.deepEqual(keyUsersAndAdministrators(await livePolicy(fixture)).users, [fixture.userArn]);
      assert.equal(loadedView(page)?.liveText, loadedView(page)?.text);
    } finally {
      policy.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it('follows a save made elsewhere: a clean editor shows the new policy, and says so', async () => {
    const { page, scope, policy } = await open();
    try {
      // A kmslab: tab saves through its own edit of the same key: the panel hears of it on the change signal.
      const tab = new KeyPolicyEdit(store, new ScriptedPanelUi(), { source: 'key policy tab' });
      const { text } = await tab.load(fixture.admin, fixture.keyArn);
      assert.equal((await tab.save(fixture.admin, addKeyUser(text, fixture.userArn))).kind, 'saved');
      await policy.onAccountChange(keyPolicyChange(fixture, 'key policy tab'));
      await waitUntil(() => loadedView(page)?.text.includes(fixture.userArn));
      assert.match(page.last('notice')?.message ?? '', /saved elsewhere \(key policy tab\); this is the new live policy/);
    } finally {
      policy.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it("keeps a person's unsaved edit when the policy is saved elsewhere, and Save then shows the conflict", async () => {
    const { page, scope, policy } = await open();
    try {
      const mine = loadedView(page)!.text.replace('"Enable IAM User Permissions"', '"Enable IAM User Permissions, mine"');
      assert.notEqual(mine, loadedView(page)!.text);
      await policy.handle({ type: 'checkPolicy', version: 1, text: mine });
      await setKeyUser(fixture, true);
      const policies = page.of('policy').length;
      await policy.onAccountChange(keyPolicyChange(fixture, 'lab step 6'));
      assert.equal(page.of('policy').length, policies, 'the editor was not reloaded over the edit');
      assert.match(page.last('notice')?.message ?? '', /Your unsaved edit is kept/);
      await policy.handle({ type: 'savePolicy', text: mine });
      const outcome = page.last('saveOutcome')?.outcome;
      assert.equal(outcome?.kind, 'conflict');
      assert.ok(outcome?.kind === 'conflict' && outcome.theirs.includes(fixture.userArn));
    } finally {
      policy.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it('shown again after a while, reads a policy changed outside KMS Lab again', async () => {
    const { page, scope, policy } = await open(new ScriptedPanelUi(), -1);
    try {
      await setKeyUser(fixture, true);
      policy.onVisible();
      await waitUntil(() => loadedView(page)?.text.includes(fixture.userArn));
    } finally {
      policy.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it('ignores the announcement of its own save', async () => {
    const { page, scope, policy } = await open();
    try {
      let notices = -1;
      const subscription = store.onDidSave(() => {
        void policy.onAccountChange(keyPolicyChange(fixture, 'table panel'));
        notices = page.of('notice').length;
      });
      await policy.handle({ type: 'savePolicy', text: addKeyUser(loadedView(page)!.text, fixture.userArn) });
      subscription.dispose();
      assert.equal(page.last('saveOutcome')?.outcome.kind, 'saved');
      assert.equal(notices, 0);
      assert.equal(page.of('notice').length, 0);
    } finally {
      policy.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it('adds a key user picked from the identities KMS Lab knows', async () => {
    const ui = new ScriptedPanelUi().answer(fixture.userArn);
    const { page, scope, policy } = await open(ui);
    try {
      await policy.handle({ type: 'editKeyRoles', edit: 'addUser', text: loadedView(page)!.text });
      assert.match(ui.asked[0], /add a key user: kms-lab-test-user/);
      assert.match(page.last('policyText')?.note ?? '', /Added .*kms-lab-test-user as key user\. Not saved yet\./);
      assert.deepEqual(keyUsersAndAdministrators(page.last('policyText')!.text).users, [fixture.userArn]);
    } finally {
      policy.dispose();
      scope.dispose();
    }
  });
});
