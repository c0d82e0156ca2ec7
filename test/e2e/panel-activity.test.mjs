// Activity beside Who can read?, in a real VS Code against the standalone sandbox: the test user was refused, then
// (a key user) allowed; another key user never read. Who can read? rows carry the last read and the two flags, the
// Activity tab lists the test user's refused and allowed reads. Screenshots panel-activity-*.
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
  });
});
