// Activity beside Who can read?, in a real VS Code against the standalone sandbox: the test user was refused, then
// (a key user) allowed; another key user never read. Who can read? rows carry the last read and the two flags, the
// Activity tab lists the test user's refused and allowed reads; in a wide window Activity sits beside Who can read?
// and follows the principal opened there. Screenshots panel-activity-*.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { awsFiles, clients, createCmkTable, createTestUser, openWorkbench, panelFrame, pickQuick, runCommand, screenshots, startStandaloneSandbox, step, UI_TIMEOUT } from './panel-support.mjs';

const TABLE = 'kms-lab-table';

async function buildAccount(sandbox) {
  const { iam, kms, dynamodb } = clients(sandbox);
  const key = await createCmkTable(sandbox, { tableName: TABLE, alias: 'alias/kms-lab' });
  await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'lab-item' } } }));
  const user = await createTestUser(sandbox);
  const { User: idle } = await iam.send(new CreateUserCommand({ UserName: 'idle-reader' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'idle-reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  const asUser = new DynamoDBClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: user.credentials });
  const read = () => asUser.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'lab-item' } } }));
  await assert.rejects(read(), { name: 'AccessDeniedException' });
  const live = (await kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }))).Policy;
  // Both named key users, as the console's "Allow use of the key" statement names them.
  const policy = JSON.parse(live);
  policy.Statement.push({ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: [user.arn, idle.Arn] }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*' });
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: JSON.stringify(policy, null, 2) }));
  await read();
  asUser.destroy();
  return { user, idleArn: idle.Arn };
}

describe('activity beside who can read, in the table panel', { timeout: 8 * 60_000 }, () => {
  let sandbox;
  let fixture;
  let workbench;
  let page;

  before(async () => {
    sandbox = await startStandaloneSandbox();
    fixture = await buildAccount(sandbox);
    workbench = await openWorkbench({ name: 'panel-activity', files: awsFiles(sandbox) });
    page = workbench.page;
  }, { timeout: 4 * 60_000 });

  after(async () => {
    await workbench?.close();
    await sandbox?.stop();
  });

  it('activity: who did read, beside who can read', { timeout: 5 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await step(page, 'activity-who-can-read', async () => {
      await runCommand(page, 'KMS Lab: Who Can Read?');
      await pickQuick(page, TABLE);
      const userRow = frame.locator(`.access-row[data-principal="${fixture.user.arn}"]`);
      await userRow.locator('.flag.refused', { hasText: 'refused 1 time' }).waitFor({ timeout: 2 * UI_TIMEOUT });
      assert.match(await userRow.locator('.activity-last').innerText(), /^last read /);
      const idleRow = frame.locator(`.access-row[data-principal="${fixture.idleArn}"]`);
      await idleRow.locator('.flag.never', { hasText: 'can read, never did' }).waitFor({ timeout: UI_TIMEOUT });
      await idleRow.locator('vscode-button[data-action="preview-removing"]').click();
      await frame.locator('.access-preview', { hasText: 'would stop idle-reader from reading' }).waitFor({ timeout: UI_TIMEOUT });
      await page.screenshot({ path: path.join(screenshots, 'panel-activity-who-can-read.png') });
    });
    await step(page, 'activity-timeline', async () => {
      await frame.locator('.tab[data-tab="activity"]').click();
      const user = frame.locator(`.activity-principal[data-principal="${fixture.user.arn}"]`);
      await user.waitFor({ timeout: 2 * UI_TIMEOUT });
      await user.locator('summary').click();
      const kinds = await user.locator('.activity-entry').evaluateAll((entries) => entries.map((e) => e.getAttribute('data-kind')));
      assert.deepEqual(kinds.filter((k) => k === 'read' || k === 'read-refused'), ['read', 'read-refused'], 'newest first: allowed, then the refused one');
      assert.match(await user.innerText(), /asked by dynamodb\.amazonaws\.com/);
      await page.screenshot({ path: path.join(screenshots, 'panel-activity-timeline.png') });
    });
    await step(page, 'activity-beside-who-can-read', async () => {
      // A wide window: Activity moves beside Who can read? and its tab goes away.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await runCommand(page, 'View: Close Primary Side Bar');
      const pane = frame.locator('.who-pane.beside');
      await pane.waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('.tab[data-tab="activity"]').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
      await frame.locator('.tab[data-tab="access"]').click();
      const access = pane.locator(':scope > .access-view:not(.activity-view)');
      const activity = pane.locator(':scope > .activity-view');
      await access.locator(`.access-row[data-principal="${fixture.user.arn}"]`).waitFor({ timeout: UI_TIMEOUT });
      await activity.locator('.activity-principal').first().waitFor({ timeout: UI_TIMEOUT });
      const [a, b] = [await access.boundingBox(), await activity.boundingBox()];
      assert.ok(a && b && a.width > 300 && b.width > 280, `both columns have room: ${JSON.stringify({ a, b })}`);
      assert.ok(b.x >= a.x + a.width - 1, 'Activity is to the right of Who can read?');
      assert.ok(b.y < a.y + a.height && a.y < b.y + b.height, 'and level with it');
      const everyone = await activity.locator('.activity-principal').count();
      assert.ok(everyone >= 2, `the test user and the admin who changed the key policy: ${everyone}`);

      // Opening a principal's row shows just that principal's activity, opened (click the name: the middle of a
      // row's summary may be its Preview removing button).
      const userRow = access.locator(`.access-row[data-principal="${fixture.user.arn}"]`);
      await userRow.locator('.access-name').click();
      await activity.locator('.activity-focus', { hasText: 'Only kms-lab-test-user’s events' }).waitFor({ timeout: UI_TIMEOUT });
      const only = activity.locator('.activity-principal');
      assert.deepEqual(await only.evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-principal'), p.open])), [[fixture.user.arn, true]]);
      const kinds = await only.locator('.activity-entry').evaluateAll((entries) => entries.map((e) => e.getAttribute('data-kind')));
      assert.deepEqual(kinds.filter((k) => k === 'read' || k === 'read-refused'), ['read', 'read-refused']);
      assert.ok(await only.locator('.activity-entry').first().isVisible(), 'the filtered activity is in view');
      await page.screenshot({ path: path.join(screenshots, 'panel-activity-beside-who-can-read.png') });
      await workbench.setTheme('Dark Modern');
      await page.screenshot({ path: path.join(screenshots, 'panel-activity-beside-who-can-read-dark.png') });
      await workbench.setTheme('Light Modern');

      // A principal who never read: the Activity says so.
      await access.locator(`.access-row[data-principal="${fixture.idleArn}"] .access-name`).click();
      await activity.locator('.activity-focus', { hasText: /^idle-reader: no event in the last 7 days/ }).waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await only.count(), 0);

      // Closing that row shows everyone again; opening a principal in Activity marks its Who can read? row.
      await access.locator(`.access-row[data-principal="${fixture.idleArn}"] .access-name`).click();
      await activity.locator('.activity-focus').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
      assert.equal(await only.count(), everyone);
      const userActivity = activity.locator(`.activity-principal[data-principal="${fixture.user.arn}"]`);
      await userActivity.locator(':scope > summary').click();
      if (await userActivity.evaluate((d) => !d.open)) await userActivity.locator(':scope > summary').click();
      await access.locator(`.access-row.marked[aria-current="true"][data-principal="${fixture.user.arn}"]`).waitFor({ timeout: UI_TIMEOUT });
      await userActivity.locator(':scope > summary').click();
      await access.locator('.access-row.marked').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

      // Keyboard: Enter on the row's summary closes it, and opens it again, which shows just its activity.
      await userRow.locator(':scope > summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await userRow.evaluate((d) => d.open), false);
      await page.keyboard.press('Enter');
      await activity.locator('.activity-focus', { hasText: 'Only kms-lab-test-user’s events' }).waitFor({ timeout: UI_TIMEOUT });

      // Narrow again: the Activity tab comes back, and Who can read? is shown alone.
      await page.setViewportSize({ width: 1200, height: 950 });
      await frame.locator('.tab[data-tab="activity"]').waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('.who-pane:not(.beside)').waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await frame.locator('.who-pane > .activity-view').isVisible(), false);
      assert.ok(await frame.locator('.who-pane > .access-view:not(.activity-view)').isVisible());
    });
  });
});
