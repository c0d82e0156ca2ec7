// The organization's part of "Who can read?", and the reverse question, in a real VS Code against the standalone
// sandbox: its Organizations API attaches an SCP that denies dynamodb:Scan to the account and an RCP that keeps one
// user away from the key; Who can read? changes accordingly, and Verify (reading as every identity KMS Lab holds, a
// profile each) agrees with AWS before and after. Then "What can the status bar identity read?" opens the reverse
// view, screenshotted (reverse-*), and a window reload brings it back.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AddUserToGroupCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AttachPolicyCommand, CreatePolicyCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsFiles, clients, createCmkTable, createTestUser, openWorkbench, panelFrame, pickQuick, runCommand, screenshots, startStandaloneSandbox, step, UI_TIMEOUT } from './panel-support.mjs';

const TABLE = 'kms-lab-table';
const doc = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The lab table with the test user as a key user, and a group member who reads through IAM (the root statement). */
async function buildAccount(sandbox) {
  const { iam, kms, dynamodb } = clients(sandbox);
  const key = await createCmkTable(sandbox, { tableName: TABLE, alias: 'alias/kms-lab' });
  await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'lab-item' } } }));
  const tester = await createTestUser(sandbox);
  const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }))).Policy);
  policy.Statement.push({ Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: tester.arn }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' });
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
  await iam.send(new CreateGroupCommand({ GroupName: 'decrypters' }));
  await iam.send(
    new PutGroupPolicyCommand({
      GroupName: 'decrypters',
      PolicyName: 'read-and-decrypt',
      PolicyDocument: doc([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable', 'kms:Decrypt'], Resource: '*' }]),
    }),
  );
  const { User: member } = await iam.send(new CreateUserCommand({ UserName: 'group-member' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'decrypters', UserName: 'group-member' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'group-member' }));
  const account = key.keyArn.split(':')[4];
  return {
    account,
    arns: { admin: `arn:aws:iam::${account}:user/admin`, 'kms-lab-test-user': tester.arn, 'group-member': member.Arn },
    profiles: { 'kms-lab-test-user': tester.credentials, 'group-member': { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey } },
  };
}

/** The SCP and the RCP, through the sandbox's Organizations API. */
async function attachOrganizationPolicies(sandbox, fixture) {
  const org = new OrganizationsClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.admin });
  try {
    const rootId = (await org.send(new ListRootsCommand({}))).Roots[0].Id;
    const scp = await org.send(new CreatePolicyCommand({ Name: 'no-scan', Type: 'SERVICE_CONTROL_POLICY', Description: 'no Scan in this account', Content: doc([{ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' }]) }));
    const rcp = await org.send(
      new CreatePolicyCommand({
        Name: 'key-not-for-group-member',
        Type: 'RESOURCE_CONTROL_POLICY',
        Description: 'the key is not for group-member',
        Content: doc([{ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': fixture.arns['group-member'] } } }]),
      }),
    );
    await org.send(new AttachPolicyCommand({ PolicyId: scp.Policy.PolicySummary.Id, TargetId: fixture.account }));
    await org.send(new AttachPolicyCommand({ PolicyId: rcp.Policy.PolicySummary.Id, TargetId: rootId }));
  } finally {
    org.destroy();
  }
}

describe('organization policies, and the reverse question', { timeout: 8 * 60_000 }, () => {
  let sandbox;
  let fixture;
  let workbench;
  let page;

  before(async () => {
    sandbox = await startStandaloneSandbox();
    fixture = await buildAccount(sandbox);
    workbench = await openWorkbench({ name: 'access-organization', files: awsFiles(sandbox, fixture.profiles) });
    page = workbench.page;
  }, { timeout: 4 * 60_000 });

  after(async () => {
    await workbench?.close();
    await sandbox?.stop();
  });

  const row = (frame, name) => frame.locator(`.access-row[data-principal="${fixture.arns[name]}"]`);

  async function verdicts(frame) {
    const out = {};
    for (const name of Object.keys(fixture.arns)) {
      const r = row(frame, name);
      await r.waitFor({ timeout: UI_TIMEOUT });
      out[name] = (await r.locator('.access-verdict').innerText()).trim();
    }
    return out;
  }

  /** Verify reads as the 3 identities KMS Lab holds (the status bar's admin and two profiles): AWS agrees with each. */
  async function verify(frame, expected) {
    await frame.locator('vscode-button[data-action="access-verify"]').click();
    // An earlier verification's summary may still be on the page: wait until every row shows this one's outcome.
    const outcomes = async () => Promise.all(Object.keys(fixture.arns).map((name) => row(frame, name).locator('.verified').innerText().catch(() => '')));
    const until = Date.now() + 2 * UI_TIMEOUT;
    while (!(await outcomes()).every((text) => expected.test(text.trim())) && Date.now() < until) await page.waitForTimeout(250);
    const summary = frame.locator('.access-verification', { hasText: /Verified|DISAGREE|no identity/ });
    await summary.waitFor({ timeout: 2 * UI_TIMEOUT });
    const text = await summary.innerText();
    assert.match(text, /Verified: for all 3 identities KMS Lab could read as, AWS did what was predicted/, text);
    assert.equal(await frame.locator('.access-row.disagree').count(), 0);
    const observed = {};
    for (const name of Object.keys(fixture.arns)) observed[name] = (await row(frame, name).locator('.verified.agrees').innerText({ timeout: UI_TIMEOUT })).trim();
    return observed;
  }

  it('access: organization policies decide, and Verify agrees', { timeout: 6 * 60_000 }, async () => {
    const frame = panelFrame(page);
    await step(page, 'organization-before', async () => {
      await runCommand(page, 'KMS Lab: Who Can Read?');
      await pickQuick(page, TABLE);
      await frame.locator('.access-view h2', { hasText: `Who can read ${TABLE}?` }).waitFor({ timeout: 2 * UI_TIMEOUT });
      assert.deepEqual(await verdicts(frame), { admin: 'can read', 'kms-lab-test-user': 'can read', 'group-member': 'can read' });
      const observed = await verify(frame, /^AWS: allowed/);
      for (const name of Object.keys(fixture.arns)) assert.match(observed[name], /^AWS: allowed/, `${name}: ${observed[name]}`);
    });

    await step(page, 'organization-after', async () => {
      await attachOrganizationPolicies(sandbox, fixture);
      await frame.locator('vscode-button[data-action="access-refresh"]').click();
      await row(frame, 'group-member').locator('.access-verdict', { hasText: /^cannot read$/ }).waitFor({ timeout: 2 * UI_TIMEOUT });
      // The RCP shuts group-member's key lock, and is named; GetItem and Query still open everyone else's table lock.
      assert.deepEqual(await verdicts(frame), { admin: 'can read', 'kms-lab-test-user': 'can read', 'group-member': 'cannot read' });
      const member = row(frame, 'group-member');
      await member.locator('summary').click();
      const keyLock = await member.locator('.lock[data-lock="key"]').innerText();
      assert.match(keyLock, /Key lock .*: shut/);
      assert.match(keyLock, /resource control policy key-not-for-group-member/);
      assert.match(keyLock, /The organization takes part/);
      const admin = row(frame, 'admin');
      await admin.locator('summary').click();
      assert.match(await admin.locator('.lock[data-lock="table"]').innerText(), /GetItem allowed, Query allowed, Scan denied/);
      await frame.locator('.access-notes vscode-collapsible').click();
      assert.match(await frame.locator('.access-notes').innerText(), /service control policies .*no-scan.*resource control policies .*key-not-for-group-member/s);
      // Verify reads with a Scan: refused for everyone now (the SCP), as the Scan's own prediction says.
      const observed = await verify(frame, /^AWS: denied/);
      for (const name of Object.keys(fixture.arns)) assert.match(observed[name], /^AWS: denied/, `${name}: ${observed[name]}`);
      await page.screenshot({ path: path.join(screenshots, 'access-organization-light.png') });
    });

    await step(page, 'reverse-admin', async () => {
      await runCommand(page, 'KMS Lab: What Can the Status Bar Identity Read?');
      const reverse = panelFrame(page);
      await reverse.locator('.reverse-view h2', { hasText: 'What admin can read' }).waitFor({ timeout: 2 * UI_TIMEOUT });
      const lab = reverse.locator(`.access-row[data-table="${TABLE}"]`);
      assert.equal((await lab.locator('.access-verdict').innerText()).trim(), 'can read');
      await lab.locator('summary').click();
      assert.match(await lab.locator('.lock[data-lock="table"]').innerText(), /Scan denied/);
      assert.match(await reverse.locator('.access-meta').innerText(), /1 table in .*: 1 readable/);
      await page.screenshot({ path: path.join(screenshots, 'reverse-admin-light.png') });
      await workbench.setTheme('Dark Modern');
      await page.screenshot({ path: path.join(screenshots, 'reverse-admin-dark.png') });
      await workbench.setTheme('Light Modern');
    });

    await step(page, 'reverse-reload', async () => {
      // As a person reloads: the workbench saves its editors (and each webview's state) before it goes.
      await page.waitForTimeout(1500);
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForLoadState('load');
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: 'What admin can read' }).click({ timeout: 60_000 });
      const reverse = panelFrame(page);
      await reverse.locator('.reverse-view h2', { hasText: 'What admin can read' }).waitFor({ timeout: 2 * UI_TIMEOUT });
      assert.equal((await reverse.locator(`.access-row[data-table="${TABLE}"] .access-verdict`).innerText()).trim(), 'can read');
    });
  });
});
