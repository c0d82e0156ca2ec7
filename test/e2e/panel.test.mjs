// The table panel in a real VS Code (code-server) driven by Chromium, against the real local sandbox (its standalone
// server, on loopback): items beside the key policy, the policy edited and saved safely, hostile items kept inert,
// and the lab's lesson on one screen (the admin's items beside the test user's denial). Screenshots of the panel in
// dark and light themes go to test-results/screenshots/.
//   node --test test/e2e/panel.test.mjs   (after `node esbuild.mjs`; the harness runs it with the other UI tests)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  awsFiles,
  clients,
  createCmkTable,
  createTestUser,
  openWorkbench,
  paneRows,
  panelFrame,
  pickQuick,
  runCommand,
  screenshots,
  setEditorText,
  startStandaloneSandbox,
  step,
  UI_TIMEOUT,
} from './panel-support.mjs';

const TABLE = 'kms-lab-panel-table';
const OPEN = 'KMS Lab: Open Items and Key Policy…';

describe('the table panel', { timeout: 8 * 60_000 }, () => {
  let sandbox;
  let workbench;
  let page;
  let key;
  let testUser;

  before(async () => {
    sandbox = await startStandaloneSandbox();
    key = await createCmkTable(sandbox, { tableName: TABLE, alias: 'alias/kms-lab-panel' });
    const { dynamodb } = clients(sandbox);
    for (let i = 1; i <= 30; i++) {
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: `item-${String(i).padStart(2, '0')}` }, owner: { S: 'admin' }, n: { N: String(i) } } }));
    }
    testUser = await createTestUser(sandbox);
    // May read key policies (the root statement lets IAM count), though not change them: for the denied-save case.
    await clients(sandbox).iam.send(
      new PutUserPolicyCommand({ UserName: 'kms-lab-test-user', PolicyName: 'read-key-policies', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:GetKeyPolicy', 'kms:DescribeKey', 'kms:ListAliases'], Resource: '*' }] }) }),
    );
    workbench = await openWorkbench({ name: 'panel', files: awsFiles(sandbox, { 'test-user': testUser.credentials }) });
    page = workbench.page;
  }, { timeout: 4 * 60_000 });

  after(async () => {
    await workbench?.close();
    await sandbox?.stop();
  });

  /** The default key policy, pretty-printed, with the comma after "Effect" left out: a syntax error on line 8. */
  const invalidPolicy = (account) =>
    [
      '{',
      '  "Version": "2012-10-17",',
      '  "Id": "key-default-1",',
      '  "Statement": [',
      '    {',
      '      "Sid": "Enable IAM User Permissions",',
      '      "Effect": "Allow"',
      '      "Principal": {',
      `        "AWS": "arn:aws:iam::${account}:root"`,
      '      },',
      '      "Action": "kms:*",',
      '      "Resource": "*"',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');

  async function livePolicy() {
    const { kms } = clients(sandbox);
    const out = await kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    return JSON.parse(out.Policy);
  }

  const principalsOf = (policy, sid) => {
    const statement = policy.Statement.find((s) => s.Sid === sid);
    const aws = statement?.Principal?.AWS;
    return aws === undefined ? [] : [aws].flat();
  };

  /** Opens the panel from the palette with a table pick, as a person would, unless it is open already. */
  async function openPanel() {
    const frame = panelFrame(page);
    if ((await page.locator('.tabs-container .tab', { hasText: TABLE }).count()) > 0) return;
    await step(page, 'panel-open', async () => {
      await runCommand(page, OPEN);
      await pickQuick(page, TABLE);
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      const tab = page.locator('.tabs-container .tab', { hasText: TABLE });
      assert.match(await tab.innerText(), new RegExp(`${TABLE} as admin`));
      assert.equal(await frame.locator('[data-pane="primary"] .pane-count').innerText(), '30 items, all loaded');
      await frame.locator('.cm-content', { hasText: 'Enable IAM User Permissions' }).waitFor({ timeout: UI_TIMEOUT });
    });
  }

  it("panel: read as the test user shows the denial beside the admin's items", { timeout: 3 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await openPanel();
    await step(page, 'panel-read-as', async () => {
      await frame.locator('vscode-single-select.read-as').click();
      await frame.getByRole('option', { name: /^test-user/ }).click();
      const denial = frame.locator('[data-pane="secondary"] .failure');
      await denial.waitFor({ timeout: UI_TIMEOUT });
      assert.match(await denial.locator('.failure-title').innerText(), /kms-lab-test-user may not read kms-lab-panel-table/);
      assert.match(await denial.locator('.aws-error').innerText(), /AccessDeniedException: KMS key access denied error/);
      const explanation = denial.locator('.explanation .locks li').first();
      await explanation.waitFor({ timeout: UI_TIMEOUT });
      // The lesson: the table lock, then the key lock, each open or shut; AWS's own words after them.
      const locks = await denial.locator('.explanation .locks li').allInnerTexts();
      assert.equal(locks.length, 2, JSON.stringify(locks));
      assert.match(locks[0], /^Table lock \(DynamoDB permissions\): open\./);
      assert.match(locks[1], /^Key lock \(kms:Decrypt on the table's key, asked by DynamoDB on your behalf\): shut\./);
      assert.match(await denial.innerText(), /Key lock[\s\S]*AWS said: AccessDeniedException/);
      // Beside it, the admin still sees the items: the lesson on one screen.
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('[data-pane="secondary"] .grid-row').count(), 0);
      const tab = page.locator('.tabs-container .tab', { hasText: TABLE });
      assert.match(await tab.innerText(), /as admin and kms-lab-test-user/);
      // Each theme's screenshot once the webview itself has taken the theme (its body's class).
      for (const [theme, bodyClass, file] of [
        ['Light Modern', 'vscode-light', 'panel-read-as-light.png'],
        ['Dark Modern', 'vscode-dark', 'panel-read-as-dark.png'],
        ['Dark High Contrast', 'vscode-high-contrast', 'panel-read-as-high-contrast.png'],
      ]) {
        await workbench.setTheme(theme);
        await frame.locator(`body.${bodyClass}`).waitFor({ state: 'attached', timeout: UI_TIMEOUT });
        await frame.locator('[data-pane="secondary"] .explanation .locks li').first().waitFor({ timeout: UI_TIMEOUT });
        await page.screenshot({ path: path.join(screenshots, file) });
      }
      await workbench.setTheme('Light Modern');
    });
  });
  it('panel: edit policy round trip', { timeout: 4 * 60_000 }, async () => {
    const frame = panelFrame(page);
    const account = key.keyArn.split(':')[4];

    await openPanel();

    await step(page, 'panel-invalid-json', async () => {
      await setEditorText(page, frame, invalidPolicy(account));
      const problem = frame.locator('.problems li.problem-error').first();
      await problem.waitFor({ timeout: UI_TIMEOUT });
      assert.match(await problem.innerText(), /Line 8\s+Expected ','/);
      // The marker sits on line 8 of the editor, not on line 1.
      await frame.locator('.cm-line').nth(7).locator('.cm-lintRange-error').waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('.cm-line').nth(0).locator('.cm-lintRange-error').count(), 0);
    });

    await step(page, 'panel-add-key-user', async () => {
      await setEditorText(page, frame, invalidPolicy(account).replace('"Effect": "Allow"\n', '"Effect": "Allow",\n'));
      await frame.locator('.problems li', { hasText: 'No problems found.' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-textfield.role-arn input').fill(testUser.arn);
      await frame.locator('vscode-button[data-action="add-key-user"]').click();
      await frame.locator('.role-list', { hasText: 'Key users' }).locator('.arn', { hasText: testUser.arn }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('.cm-content', { hasText: 'Allow use of the key' }).waitFor({ timeout: UI_TIMEOUT });
      // Removing one, as the console does, takes it out of both statements.
      const other = `arn:aws:iam::${account}:user/admin`;
      await frame.locator('vscode-textfield.role-arn input').fill(other);
      await frame.locator('vscode-button[data-action="add-key-user"]').click();
      const listed = frame.locator('.role-list', { hasText: 'Key users' }).locator('li', { hasText: other });
      await listed.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('.cm-content', { hasText: other }).count(), 1);
      await listed.locator('vscode-icon').click();
      await listed.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('.cm-content', { hasText: other }).count(), 0);
    });

    await step(page, 'panel-save', async () => {
      await frame.locator('vscode-button[data-action="save-policy"]').click();
      await frame.locator('.banner-success', { hasText: 'Saved' }).waitFor({ timeout: UI_TIMEOUT });
      const live = await livePolicy();
      assert.deepEqual(principalsOf(live, 'Allow use of the key'), [testUser.arn]);
      assert.deepEqual(principalsOf(live, 'Allow attachment of persistent resources'), [testUser.arn]);
      // The lab's step 7: read again, and the test user now sees the items beside the admin.
      await frame.locator('vscode-button[data-action="scan"]').click();
      await frame.locator('[data-pane="secondary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('[data-pane="secondary"] .failure').isVisible(), false);
      await page.screenshot({ path: path.join(screenshots, 'panel-saved-light.png') });
    });

    await step(page, 'panel-history', async () => {
      await frame.locator('vscode-button[data-action="history"]').click();
      const entry = frame.locator('.history-list li').first();
      await entry.waitFor({ timeout: UI_TIMEOUT });
      // The replaced version is the default policy: compared with it, the key user's statements are new.
      await entry.locator('vscode-button', { hasText: 'Diff' }).click();
      await frame.locator('.cm-changedLine', { hasText: 'Allow use of the key' }).first().waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('.banner[data-banner="diff"] vscode-button', { hasText: 'Hide Diff' }).click();
    });

    await step(page, 'panel-conflict', async () => {
      const { kms } = clients(sandbox);
      const outside = await livePolicy();
      outside.Statement.push({ Sid: 'Outside change', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:DescribeKey', Resource: '*' });
      await kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: JSON.stringify(outside) }));
      const adminArn = `arn:aws:iam::${account}:user/admin`;
      await frame.locator('vscode-textfield.role-arn input').fill(adminArn);
      await frame.locator('vscode-button[data-action="add-key-administrator"]').click();
      await frame.locator('.cm-content', { hasText: 'Allow access for Key Administrators' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-button[data-action="save-policy"]').click();
      await frame.locator('.banner-warning', { hasText: 'changed outside this panel' }).waitFor({ timeout: UI_TIMEOUT });
      const live = await livePolicy();
      assert.ok(live.Statement.some((s) => s.Sid === 'Outside change'), 'the outside change was overwritten');
      assert.ok(!live.Statement.some((s) => s.Sid === 'Allow access for Key Administrators'), 'the panel saved over a conflict');
      // Nothing of the person's text is lost.
      await frame.locator('.cm-content', { hasText: 'Allow access for Key Administrators' }).waitFor({ timeout: UI_TIMEOUT });
      await page.screenshot({ path: path.join(screenshots, 'panel-conflict-light.png') });
    });
  });

  it('panel: hostile item stays inert', { timeout: 2 * 60_000 }, async () => {
    const frame = panelFrame(page);
    const hostile = {
      img: '<img src=x onerror="window.__kmsLabPwned=1">',
      script: '<script>window.__kmsLabPwned=2</script>',
      link: '<a href="javascript:window.__kmsLabPwned=3">click me</a>',
      bare: 'javascript:window.__kmsLabPwned=4',
    };
    await step(page, 'panel-hostile', async () => {
      const { dynamodb } = clients(sandbox);
      await dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { id: { S: '000-hostile' }, owner: { S: hostile.img }, n: { N: '0' }, note: { S: hostile.script }, link: { S: hostile.link }, '<b onmouseover="window.__kmsLabPwned=5">name</b>': { S: hostile.bare } },
        }),
      );
      await frame.locator('vscode-button[data-action="scan"]').click();
      const row = frame.locator('[data-pane="primary"] .grid-row', { hasText: '000-hostile' });
      await row.waitFor({ timeout: UI_TIMEOUT });
      const texts = await row.locator('.grid-cell').allTextContents();
      for (const value of Object.values(hostile)) assert.ok(texts.includes(value), `"${value}" is not shown as text: ${JSON.stringify(texts)}`);
      const header = frame.locator('[data-pane="primary"] .grid-header');
      assert.ok((await header.innerText()).includes('<b onmouseover="window.__kmsLabPwned=5">name</b>'));
      await row.locator('.grid-cell', { hasText: 'click me' }).click();
      await header.locator('.grid-cell', { hasText: 'onmouseover' }).hover();
      const detail = frame.locator('[data-pane="primary"] .detail-text');
      await detail.waitFor({ timeout: UI_TIMEOUT });
      assert.ok((await detail.textContent()).includes(hostile.script));
      const inPage = await frame.locator('body').evaluate(() => ({
        pwned: window.__kmsLabPwned,
        elements: document.querySelectorAll('.pane img, .pane script, .pane a, .pane b, .pane [onerror], .pane [onmouseover]').length,
      }));
      assert.deepEqual(inPage, { pwned: undefined, elements: 0 });
      // The page runs under the strict policy, and nothing it did (editor, components, icons) broke it.
      const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'; style-src /);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const violations = workbench.consoleMessages.filter((m) => /Content Security Policy/i.test(m));
      assert.deepEqual(violations, []);
      await page.screenshot({ path: path.join(screenshots, 'panel-hostile-light.png') });
    });
  });
  it('panel: a window reload brings the panel back with the unsaved policy text', { timeout: 3 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await step(page, 'panel-reload', async () => {
      const marker = `Draft kept across a reload ${Date.now()}`;
      const current = await livePolicy();
      current.Statement.push({ Sid: marker, Effect: 'Allow', Principal: { AWS: testUser.arn }, Action: 'kms:DescribeKey', Resource: '*' });
      await setEditorText(page, frame, `${JSON.stringify(current, null, 2)}\n`);
      await frame.locator('.problems li', { hasText: 'No problems found.' }).waitFor({ timeout: UI_TIMEOUT });
      // VS Code saves a webview's state shortly after it changes.
      await page.waitForTimeout(1500);
      await page.reload();
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: TABLE }).click({ timeout: 60_000 });
      await frame.locator('.cm-content', { hasText: marker }).waitFor({ timeout: 60_000 });
      await frame.locator('.banner[data-banner="restored"]').waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
    });
  });

  /** Answers a VS Code modal dialog with one of its buttons. */
  async function answerDialog(button) {
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }

  /** Switches the status bar's profile, as a person would. */
  async function switchProfile(profile) {
    await page.locator('.part.statusbar .statusbar-item[aria-label*="KMS Lab"]').filter({ has: page.locator('.codicon-key') }).click();
    await pickQuick(page, profile);
    await pickQuick(page, sandbox.region);
    await page.locator('.part.statusbar .statusbar-item[aria-label*="KMS Lab"]').filter({ hasText: `${profile} · ${sandbox.region}` }).waitFor({ timeout: UI_TIMEOUT });
  }

  async function saveAndExpect(frame, kind, pattern) {
    await frame.locator('vscode-button[data-action="save-policy"]').click();
    const banner = frame.locator(`.banner-${kind}[data-banner="outcome"]`);
    await banner.waitFor({ timeout: UI_TIMEOUT });
    const text = await banner.innerText();
    assert.match(text, pattern);
    assert.match(text, /Your text is kept/);
  }

  it('panel: bad input gets a clear message where it happened, and the text is kept', { timeout: 4 * 60_000 }, async () => {
    const frame = panelFrame(page);
    const account = key.keyArn.split(':')[4];
    const statement = (sid, principal) => ({ Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' });
    const policy = (...statements) => `${JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)}\n`;
    const root = statement('Enable IAM User Permissions', `arn:aws:iam::${account}:root`);
    const editorHas = (text) => frame.locator('.cm-content', { hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });

    await step(page, 'panel-bad-discard', async () => {
      await frame.locator('vscode-button[data-action="discard"]').click();
      await answerDialog('Discard');
      await editorHas('Outside change');
    });

    await step(page, 'panel-bad-too-large', async () => {
      await setEditorText(page, frame, policy(root, statement('Big' + 'x'.repeat(33_000), `arn:aws:iam::${account}:root`)));
      await frame.locator('.problems li.problem-error', { hasText: 'KMS accepts at most 32768' }).waitFor({ timeout: UI_TIMEOUT });
      await saveAndExpect(frame, 'error', /bytes; KMS accepts at most 32768/);
      await editorHas('Bigxxxx');
    });

    await step(page, 'panel-bad-unknown-principal', async () => {
      await setEditorText(page, frame, policy(root, statement('Nobody', `arn:aws:iam::${account}:user/nobody-by-this-name`)));
      await saveAndExpect(frame, 'error', /invalid principals/i);
      await editorHas('nobody-by-this-name');
    });

    await step(page, 'panel-bad-lockout', async () => {
      await setEditorText(page, frame, policy(statement('Only the test user', testUser.arn)));
      await saveAndExpect(frame, 'error', /lock you out|will not allow you to update the key policy/);
      await editorHas('Only the test user');
      assert.ok((await livePolicy()).Statement.some((s) => s.Sid === 'Enable IAM User Permissions'), 'the lockout policy reached KMS');
    });

    await step(page, 'panel-bad-denied-put', async () => {
      // The panel follows the status bar: as the test user (a key user, not an administrator), Save is refused.
      await switchProfile('test-user');
      await page.locator('.tabs-container .tab', { hasText: `${TABLE} as kms-lab-test-user` }).waitFor({ timeout: UI_TIMEOUT });
      // The pane names the person (the principal), and where its credentials come from (the profile).
      await frame.locator('[data-pane="primary"] .pane-who', { hasText: 'As kms-lab-test-user' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('[data-pane="primary"] .pane-arn', { hasText: 'profile test-user' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      await editorHas('Only the test user');
      await setEditorText(page, frame, policy(root, statement('Also the test user', testUser.arn)));
      await saveAndExpect(frame, 'error', /kms:PutKeyPolicy/);
      await editorHas('Also the test user');
    });

    await step(page, 'panel-bad-credentials', async () => {
      const { iam } = clients(sandbox);
      const { DeleteAccessKeyCommand } = await import('@aws-sdk/client-iam');
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'kms-lab-test-user', AccessKeyId: testUser.credentials.accessKeyId }));
      await frame.locator('vscode-button[data-action="scan"]').click();
      const failure = frame.locator('[data-pane="primary"] .failure');
      await failure.waitFor({ timeout: UI_TIMEOUT });
      assert.match(await failure.innerText(), /rejected[\s\S]*sign in again or pick another profile/);
      await failure.locator('vscode-button', { hasText: 'Switch Profile…' }).waitFor({ timeout: UI_TIMEOUT });
      await switchProfile('admin');
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
    });

    await step(page, 'panel-bad-table-deleted', async () => {
      const { dynamodb } = clients(sandbox);
      const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
      await dynamodb.send(new DeleteTableCommand({ TableName: TABLE }));
      await frame.locator('vscode-button[data-action="scan"]').click();
      const failure = frame.locator('[data-pane="primary"] .failure');
      await failure.waitFor({ timeout: UI_TIMEOUT });
      assert.match(await failure.innerText(), /does not exist \(any more\)[\s\S]*deleted while the panel was open/);
      await editorHas('Also the test user');
      await page.screenshot({ path: path.join(screenshots, 'panel-table-deleted-light.png') });
    });
  });
  it('panel: restore from history puts an older key policy back in one click', { timeout: 2 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await step(page, 'panel-restore', async () => {
      const before = await livePolicy();
      assert.ok(before.Statement.some((s) => s.Sid === 'Allow use of the key'));
      if (!(await frame.locator('.history').isVisible())) await frame.locator('vscode-button[data-action="history"]').click();
      const entries = frame.locator('.history-list li');
      await entries.first().waitFor({ timeout: UI_TIMEOUT });
      // The oldest entry is the key's default policy, from before the lab's grant.
      await entries.last().locator('vscode-button[data-action="restore"]').click();
      // The editor holds an unsaved edit from the last test: restoring asks first, and keeps it as a draft.
      await answerDialog('Restore');
      await frame.locator('.banner-success[data-banner="outcome"]', { hasText: 'Saved' }).waitFor({ timeout: UI_TIMEOUT });
      const after = await livePolicy();
      assert.deepEqual(after.Statement.map((s) => s.Sid), ['Enable IAM User Permissions']);
      await frame.locator('.cm-content', { hasText: 'Enable IAM User Permissions' }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('.cm-content', { hasText: 'Allow use of the key' }).count(), 0);
    });
  });
});
