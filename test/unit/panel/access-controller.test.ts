// "Who can read?" on the real sandbox: both locks in the lab's words, and a report that a change in the account makes
// stale is collected again, at once when the panel is visible, else when it is shown again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/aws/log';
import { AccessController } from '../../../src/panel/access-controller';
import type { AccessView } from '../../../src/panel/access-protocol';
import { keyPolicyChange, readAsTestUser, RecordingPage, ScriptedPanelUi, scopeOf, setKeyUser, startFixture, USER, waitUntil, type Fixture } from './support';

let fixture: Fixture;

before(async () => {
  fixture = await startFixture(1);
});

after(async () => {
  await fixture?.stop();
});

type Ready = Extract<AccessView, { state: 'ready' }>;
const userRow = (view: AccessView | undefined) => (view?.state === 'ready' ? view.rows.find((r) => r.name === USER) : undefined);

describe('access controller', () => {
  it('answers who can read the table, each lock in the lab\'s words, and follows a key policy change', async () => {
    const page = new RecordingPage();
    page.ready = true;
    const scope = scopeOf(fixture, readAsTestUser(fixture));
    const ui = new ScriptedPanelUi();
    const access = new AccessController(page, scope, { log: silentLogger, readAs: readAsTestUser(fixture), ui });
    scope.connect();
    try {
      await access.show();
      assert.equal(page.of('showAccess').length, 1);
      const view = access.view as Ready;
      assert.equal(view.state, 'ready');
      const row = userRow(view);
      assert.equal(row?.read, 'denied');
      assert.equal(row?.table.state, 'open');
      assert.equal(row?.key?.state, 'shut');
      assert.equal(row?.verifiable, true, 'KMS Lab holds credentials for the test user');

      // Not visible: marked stale, collected again once shown.
      page.visible = false;
      await setKeyUser(fixture, true);
      await access.onAccountChange(keyPolicyChange(fixture));
      assert.equal((access.view as Ready).stale, true);
      assert.equal(userRow(access.view)?.read, 'denied');
      page.visible = true;
      access.onVisible();
      await waitUntil(() => access.view.state === 'ready' && !(access.view as Ready).stale && userRow(access.view)?.read === 'allowed');
      assert.equal(userRow(access.view)?.key?.state, 'open');
      const key = userRow(access.view)?.key;
      assert.match(`${key?.reason} ${key?.deciding ?? ''}`, /Allow use of the key/);

      // Visible: collected again at once.
      await setKeyUser(fixture, false);
      await access.onAccountChange(keyPolicyChange(fixture));
      assert.equal(userRow(access.view)?.read, 'denied');

      await access.handle({ type: 'exportAccess', format: 'markdown' });
      assert.match(ui.copied[0]?.text ?? '', /kms-lab-test-user/);
    } finally {
      access.dispose();
      scope.dispose();
    }
  });

  it('says what a draft of the key policy would change before it is saved', async () => {
    const page = new RecordingPage();
    page.ready = true;
    const scope = scopeOf(fixture, readAsTestUser(fixture));
    const access = new AccessController(page, scope, { log: silentLogger, readAs: readAsTestUser(fixture), ui: new ScriptedPanelUi() });
    scope.connect();
    try {
      await access.handle({ type: 'previewAccess', version: 1, text: '{}' });
      assert.match(page.last('accessPreview')?.preview.problem ?? '', /Run "Who can read\?" first/);
      await access.handle({ type: 'whoCanRead' });
      const { addKeyUser } = await import('../../../src/policy');
      const { GetKeyPolicyCommand } = await import('@aws-sdk/client-kms');
      const live = (await fixture.kms.send(new GetKeyPolicyCommand({ KeyId: fixture.keyId, PolicyName: 'default' }))).Policy!;
      await access.handle({ type: 'previewAccess', version: 2, text: addKeyUser(live, fixture.userArn) });
      assert.deepEqual(page.last('accessPreview')?.preview.gains.map((g) => g.name), [USER]);
    } finally {
      access.dispose();
      scope.dispose();
    }
  });
});
