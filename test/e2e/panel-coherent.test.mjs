// The table panel never shows two answers that disagree: with the test user as "Read as", a grant saved from the
// panel's key policy editor makes the test user's pane readable beside a policy that names it, and the revoke makes
// it denied again beside "Key users: None", each without a Scan. Screenshots: test-results/screenshots/*coherent*.
//   node --test test/e2e/panel-coherent.test.mjs   (after `node esbuild.mjs`; the harness runs it with the other UI tests)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { awsFiles, clients, createCmkTable, createTestUser, openWorkbench, panelFrame, pickQuick, runCommand, screenshots, startStandaloneSandbox, step, UI_TIMEOUT } from './panel-support.mjs';

const TABLE = 'kms-lab-coherent-table';

describe('the table panel follows the key policy', { timeout: 6 * 60_000 }, () => {
  let sandbox;
  let workbench;
  let page;
  let testUser;

  before(async () => {
    sandbox = await startStandaloneSandbox();
    await createCmkTable(sandbox, { tableName: TABLE, alias: 'alias/kms-lab-coherent' });
    await clients(sandbox).dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'item-01' }, message: { S: 'hello' } } }));
    testUser = await createTestUser(sandbox);
    workbench = await openWorkbench({ name: 'panel-coherent', files: awsFiles(sandbox, { 'test-user': testUser.credentials }) });
    page = workbench.page;
  }, { timeout: 4 * 60_000 });

  after(async () => {
    await workbench?.close();
    await sandbox?.stop();
  });

  it('panel: coherent after the grant and after the revoke, without a Scan', { timeout: 4 * 60_000 }, async () => {
    const frame = panelFrame(page);
    const denial = frame.locator('[data-pane="secondary"] .failure');
    const keyUsers = frame.locator('.role-list', { hasText: 'Key users' });

    await step(page, 'coherent-open', async () => {
      await runCommand(page, 'KMS Lab: Open Items and Key Policy…');
      await pickQuick(page, TABLE);
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-single-select.read-as').click();
      await frame.getByRole('option', { name: /^test-user/ }).click();
      await denial.locator('.explanation .locks li').nth(1).waitFor({ timeout: UI_TIMEOUT });
      await keyUsers.locator('p', { hasText: 'None named in the policy.' }).waitFor({ timeout: UI_TIMEOUT });
    });

    await step(page, 'coherent-grant', async () => {
      await frame.locator('vscode-textfield.role-arn input').fill(testUser.arn);
      await frame.locator('vscode-button[data-action="add-key-user"]').click();
      await keyUsers.locator('.arn', { hasText: testUser.arn }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-button[data-action="save-policy"]').click();
      await frame.locator('.banner-success', { hasText: 'Saved' }).waitFor({ timeout: UI_TIMEOUT });
      // No Scan: the panel reads both panes again because the key policy changed.
      await frame.locator('[data-pane="secondary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await denial.isVisible(), false);
      assert.equal(await keyUsers.locator('.arn', { hasText: testUser.arn }).count(), 1);
      await page.screenshot({ path: path.join(screenshots, 'panel-coherent-granted-light.png') });
    });

    await step(page, 'coherent-revoke', async () => {
      await keyUsers.locator('li', { hasText: testUser.arn }).locator('vscode-icon').click();
      await keyUsers.locator('p', { hasText: 'None named in the policy.' }).waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-button[data-action="save-policy"]').click();
      await frame.locator('.banner-success', { hasText: 'Saved' }).waitFor({ timeout: UI_TIMEOUT });
      const keyLock = denial.locator('.explanation .locks li').nth(1);
      await keyLock.waitFor({ timeout: UI_TIMEOUT });
      assert.match(await keyLock.innerText(), /^Key lock \(kms:Decrypt on the table's key, asked by DynamoDB on your behalf\): shut\./);
      assert.equal(await frame.locator('[data-pane="secondary"] .grid-row').count(), 0);
      await frame.locator('[data-pane="primary"] .grid-row', { hasText: 'item-01' }).waitFor({ timeout: UI_TIMEOUT });
      await page.screenshot({ path: path.join(screenshots, 'panel-coherent-revoked-light.png') });
    });
  });
});
