// "Who can read?" in the table panel, in a real VS Code against the standalone sandbox, on an account built with the
// SDK: the admin; the lab's test user; a group member whose group policy allows kms:Decrypt (the key policy delegates
// to IAM); a role named in a grant; a user with an explicit deny; a user whose permissions boundary leaves out
// DynamoDB; a role allowed only by the table's resource policy; and a user whose access depends on aws:SourceIp.
// Every row is checked before and after the lab's grant (adding the test user as a key user, in the panel), and Verify
// reads as every principal KMS Lab holds credentials for (a profile each) and must agree with the prediction.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand, PutResourcePolicyCommand } from '@aws-sdk/client-dynamodb';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateGrantCommand } from '@aws-sdk/client-kms';
import { awsFiles, clients, createCmkTable, openWorkbench, panelFrame, pickQuick, runCommand, screenshots, startStandaloneSandbox, step, UI_TIMEOUT } from './panel-support.mjs';

const TABLE = 'kms-lab-table';
const READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
const doc = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** Builds the account; returns each principal's ARN and the profiles Verify can read as. */
async function buildAccount(sandbox) {
  const { iam, kms, dynamodb } = clients(sandbox);
  const key = await createCmkTable(sandbox, { tableName: TABLE, alias: 'alias/kms-lab' });
  const account = key.keyArn.split(':')[4];
  const tableArn = `arn:aws:dynamodb:${sandbox.region}:${account}:table/${TABLE}`;
  await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'lab-item' }, note: { S: 'the lab item' } } }));
  const profiles = {};
  const arns = { admin: `arn:aws:iam::${account}:user/admin` };

  const user = async (name, setup) => {
    const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
    await setup?.(name);
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    profiles[name] = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    arns[name] = User.Arn;
  };
  const trustAccount = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]);
  const role = async (name, policy) => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustAccount }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: `${name}-policy`, PolicyDocument: policy }));
    arns[name] = Role.Arn;
    return Role.Arn;
  };

  await user('kms-lab-test-user', (name) => iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' })));
  await iam.send(new CreateGroupCommand({ GroupName: 'decrypters' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'decrypters', PolicyName: 'read-and-decrypt', PolicyDocument: doc([{ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*' }]) }));
  await user('group-member', (name) => iam.send(new AddUserToGroupCommand({ GroupName: 'decrypters', UserName: name })));
  await user('denied-user', async (name) => {
    await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'decrypt', PolicyDocument: doc([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]) }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'no-table', PolicyDocument: doc([{ Effect: 'Deny', Action: 'dynamodb:*', Resource: tableArn }]) }));
  });
  const { Policy: boundary } = await iam.send(new CreatePolicyCommand({ PolicyName: 'kms-only-boundary', PolicyDocument: doc([{ Effect: 'Allow', Action: ['kms:*', 'sts:GetCallerIdentity'], Resource: '*' }]) }));
  await user('bounded-user', async (name) => {
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'everything', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: boundary.Arn }));
  });
  await user('office-user', (name) =>
    iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'from-the-office',
        PolicyDocument: doc([{ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }]),
      }),
    ),
  );
  const grantRole = await role('grant-role', doc([{ Effect: 'Allow', Action: READ, Resource: tableArn }]));
  await kms.send(new CreateGrantCommand({ KeyId: key.keyId, GranteePrincipal: grantRole, Operations: ['Decrypt', 'DescribeKey'], Name: 'grant-role-decrypt' }));
  const tableRole = await role('table-policy-role', doc([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.keyArn }]));
  await dynamodb.send(
    new PutResourcePolicyCommand({
      ResourceArn: tableArn,
      Policy: doc([{ Sid: 'ReadForTheRole', Effect: 'Allow', Principal: { AWS: tableRole }, Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: tableArn }]),
    }),
  );
  return { key, account, tableArn, arns, profiles };
}

/** AWS files: a profile per user, and per role one that assumes it with the admin's keys. */
function files(sandbox, fixture) {
  const base = awsFiles(sandbox, fixture.profiles);
  const roles = ['grant-role', 'table-policy-role']
    .map((name) => `[profile ${name}]\nregion = ${sandbox.region}\nendpoint_url = ${sandbox.endpoint}\nrole_arn = ${fixture.arns[name]}\nsource_profile = admin\n`)
    .join('\n');
  return { config: `${base.config}\n${roles}`, credentials: base.credentials };
}

describe('who can read, in the table panel', { timeout: 8 * 60_000 }, () => {
  let sandbox;
  let fixture;
  let workbench;
  let page;

  before(async () => {
    sandbox = await startStandaloneSandbox();
    fixture = await buildAccount(sandbox);
    workbench = await openWorkbench({ name: 'panel-access', files: files(sandbox, fixture) });
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

  async function verify(frame) {
    await frame.locator('vscode-button[data-action="access-verify"]').click();
    const summary = frame.locator('.access-verification', { hasText: /Verified|DISAGREE|no identity/ });
    await summary.waitFor({ timeout: 2 * UI_TIMEOUT });
    const text = await summary.innerText();
    assert.match(text, /Verified: for all 8 identities KMS Lab could read as, AWS did what was predicted/, text);
    assert.equal(await frame.locator('.access-row.disagree').count(), 0);
    for (const name of Object.keys(fixture.arns)) {
      await row(frame, name).locator('.verified.agrees').waitFor({ timeout: UI_TIMEOUT });
    }
  }

  it('access: who can read the lab table, before and after the grant', { timeout: 5 * 60_000 }, async () => {
    const frame = panelFrame(page);
    const before = {
      admin: 'can read',
      'kms-lab-test-user': 'cannot read',
      'group-member': 'can read',
      'denied-user': 'cannot read',
      'bounded-user': 'cannot read',
      'office-user': 'only under a condition',
      'grant-role': 'can read',
      'table-policy-role': 'can read',
    };

    await step(page, 'access-before', async () => {
      await runCommand(page, 'KMS Lab: Who Can Read?');
      await pickQuick(page, TABLE);
      await frame.locator('.access-view h2', { hasText: `Who can read ${TABLE}?` }).waitFor({ timeout: 2 * UI_TIMEOUT });
      assert.deepEqual(await verdicts(frame), before);
      // The test user's row opens into both locks, the key lock naming the missing kms:Decrypt.
      const testUser = row(frame, 'kms-lab-test-user');
      await testUser.locator('summary').click();
      assert.match(await testUser.locator('.lock').nth(1).innerText(), /Key lock \(kms:Decrypt on the table's key, asked by DynamoDB on your behalf\): shut/);
      const office = row(frame, 'office-user');
      await office.locator('summary').click();
      assert.match(await office.locator('.access-body').innerText(), /aws:SourceIp/);
      await verify(frame);
      await page.screenshot({ path: path.join(screenshots, 'panel-access-before-light.png') });
    });

    await step(page, 'access-statement', async () => {
      // The group member reads through the key policy's root statement: selecting it highlights it in the editor.
      const member = row(frame, 'group-member');
      await member.locator('summary').click();
      await member.locator('.statement-link', { hasText: 'Enable IAM User Permissions' }).first().click();
      await frame.locator('.cm-statementHighlight', { hasText: 'Enable IAM User Permissions' }).first().waitFor({ timeout: UI_TIMEOUT });
    });

    await step(page, 'access-preview-and-grant', async () => {
      await frame.locator('vscode-textfield.role-arn input').fill(fixture.arns['kms-lab-test-user']);
      await frame.locator('vscode-button[data-action="add-key-user"]').click();
      await frame.locator('.access-preview', { hasText: 'would let kms-lab-test-user read' }).waitFor({ timeout: UI_TIMEOUT });
      await row(frame, 'kms-lab-test-user').locator('.change.gains').waitFor({ timeout: UI_TIMEOUT });
      await frame.locator('vscode-button[data-action="save-policy"]').click();
      await frame.locator('.banner-success', { hasText: 'Saved' }).waitFor({ timeout: UI_TIMEOUT });
      await row(frame, 'kms-lab-test-user').locator('.access-verdict', { hasText: /^can read$/ }).waitFor({ timeout: 2 * UI_TIMEOUT });
      assert.deepEqual(await verdicts(frame), { ...before, 'kms-lab-test-user': 'can read' });
      await verify(frame);
      await workbench.setTheme('Dark Modern');
      await page.screenshot({ path: path.join(screenshots, 'panel-access-after-dark.png') });
      await workbench.setTheme('Light Modern');
    });
  });
});
