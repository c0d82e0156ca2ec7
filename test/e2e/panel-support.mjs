// What the table panel's Playwright tests and its bench share: the standalone local sandbox (the real one, on loopback),
// AWS files whose profiles reach it, code-server with KMS Lab, and ways to reach the panel's webview.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { repoRoot, stopProcessGroup } from '../harness/code-server.mjs';
import { launchWorkbench, logDir, runCommand, screenshots } from './workbench.mjs';

export { screenshots, logDir, runCommand };
export const UI_TIMEOUT = 30_000;

/** `npm run sandbox`'s bundle on a free loopback port, with its own data folder. */
export async function startStandaloneSandbox() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kms-lab-panel-sandbox-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/sandbox-cli.js'), '--port', '0', '--data', dataDir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-4000)));
  const values = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start: ${err}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${err}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const lines = Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      if (lines.AWS_REGION) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
  });
  return {
    endpoint: values.AWS_ENDPOINT_URL,
    region: values.AWS_REGION,
    admin: { accessKeyId: values.AWS_ACCESS_KEY_ID, secretAccessKey: values.AWS_SECRET_ACCESS_KEY },
    async stop() {
      await stopProcessGroup(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function clients(sandbox, credentials = sandbox.admin) {
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials };
  return { kms: new KMSClient(config), dynamodb: new DynamoDBClient(config), iam: new IAMClient(config) };
}

/** A customer managed key with an alias, and a table it encrypts, made by the admin through the SDK. */
export async function createCmkTable(sandbox, { tableName, alias }) {
  const { kms, dynamodb } = clients(sandbox);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: `${tableName} key` }));
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata.KeyId }));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KeyMetadata.KeyId },
    }),
  );
  await waitForTable(sandbox, tableName);
  return { keyId: KeyMetadata.KeyId, keyArn: KeyMetadata.Arn };
}

/** A new table is CREATING for a moment, as on AWS: resolves once it is ACTIVE. */
export async function waitForTable(sandbox, tableName) {
  const { dynamodb } = clients(sandbox);
  for (let i = 0; i < 200 && (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The lab's test user: full DynamoDB access and no use of the key, with an access key of its own. */
export async function createTestUser(sandbox, userName = 'kms-lab-test-user') {
  const { iam } = clients(sandbox);
  const { User } = await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { arn: User.Arn, credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey } };
}

/** AWS files with an "admin" profile (the default) and any other profiles, all reaching the sandbox. */
export function awsFiles(sandbox, others = {}) {
  const profiles = { admin: sandbox.admin, ...others };
  const config = Object.keys(profiles)
    .map((name) => `[profile ${name}]\nregion = ${sandbox.region}\nendpoint_url = ${sandbox.endpoint}\n`)
    .join('\n');
  const credentials = Object.entries(profiles)
    .map(([name, c]) => `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`)
    .join('\n');
  return { config, credentials };
}

/** code-server with KMS Lab, opened in Chromium, with the `admin` profile selected. */
export async function openWorkbench({ name, files, env = {} }) {
  const workbench = await launchWorkbench({ name, files, env: { AWS_PROFILE: 'admin', ...env }, settings: { 'workbench.editor.enablePreview': false } });
  const { page } = workbench;
  await page.locator('.part.statusbar .statusbar-item[aria-label*="KMS Lab"]').filter({ hasText: 'admin' }).waitFor({ timeout: 60_000 });
  return {
    ...workbench,
    /** Switches the colour theme through the palette, as a person would ("Dark Modern", "Light Modern", …). */
    async setTheme(label) {
      await runCommand(page, 'Preferences: Color Theme');
      await pickQuick(page, label);
      const wanted = /high contrast/i.test(label) ? (/light/i.test(label) ? 'hc-light' : 'hc-black') : /dark/i.test(label) ? 'vs-dark' : 'vs';
      await page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls), wanted, { timeout: UI_TIMEOUT });
    },
  };
}

/** Answers the open quick pick with the row whose label is `label`. */
export async function pickQuick(page, label) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await widget.locator('input').fill(label);
  await widget.locator('.monaco-list-row').filter({ hasText: label }).first().click({ timeout: UI_TIMEOUT });
}

/** The panel's page: an iframe inside VS Code's webview iframe. */
export function panelFrame(page) {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
}

/** The grid rows one pane shows. */
export function paneRows(frame, pane = 'primary') {
  return frame.locator(`[data-pane="${pane}"] .grid-row`);
}

/** Replaces the key policy editor's text, as typing would. */
export async function setEditorText(page, frame, text) {
  const content = frame.locator('.editor-host .cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Runs a step; on failure keeps a screenshot of what was on screen. */
export async function step(page, name, fn) {
  try {
    await fn();
  } catch (error) {
    await page?.screenshot({ path: path.join(screenshots, `failed-${name}.png`) }).catch(() => {});
    throw error;
  }
}
