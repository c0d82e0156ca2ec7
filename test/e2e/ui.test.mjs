// The KMS Lab UI in a real VS Code (code-server) driven by Chromium: the activity-bar view and the
// status bar's profile quick pick, against a real moto server. Saves screenshots to
// test-results/screenshots/. Run by test/harness/run-integration.mjs (or alone with `node --test`,
// after `node esbuild.mjs`).
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { launchChromium } from '../harness/browser.mjs';
import { ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../harness/code-server.mjs';
import { createIsolatedEnv } from '../harness/isolated-env.mjs';
import { startMoto } from '../harness/moto.mjs';

const screenshots = path.join(repoRoot, 'test-results/screenshots');
const logDir = path.join(repoRoot, 'test-results/integration');
const UI_TIMEOUT = 30_000;

/** A key with an alias, a table it protects and a user, created through the real SDK. */
async function createFixture(endpoint) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const kms = new KMSClient(config);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'KMS Lab UI test key' }));
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/kms-lab-ui', TargetKeyId: KeyMetadata.KeyId }));
  await new DynamoDBClient(config).send(
    new CreateTableCommand({
      TableName: 'kms-lab-ui-table',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KeyMetadata.KeyId },
    }),
  );
  await new IAMClient(config).send(new CreateUserCommand({ UserName: 'kms-lab-ui-user' }));
}

function awsFiles(endpoint) {
  return {
    config: `[default]\nregion = us-east-1\nendpoint_url = ${endpoint}\n\n[profile dev]\nregion = eu-west-1\nendpoint_url = ${endpoint}\n`,
    credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
  };
}

describe('KMS Lab UI', { timeout: 5 * 60_000 }, () => {
  let moto;
  let isolated;
  let server;
  let browser;
  let page;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    ensureCodeServer();
    moto = await startMoto();
    await createFixture(moto.endpoint);
    isolated = createIsolatedEnv({ name: 'ui', ...awsFiles(moto.endpoint) });
    const serverLog = createWriteStream(path.join(logDir, 'ui-code-server.log'));
    server = await startCodeServer({
      env: isolated.env,
      userDataDir: isolated.userDataDir,
      extensionsDir: isolated.extensionsDir,
      folder: isolated.workspace,
      onOutput: (text) => serverLog.write(text),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleLog = createWriteStream(path.join(logDir, 'ui-console.log'));
    page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
    await page.goto(workbenchUrl(server, isolated.workspace, { extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  }, { timeout: 3 * 60_000 });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await moto?.stop();
    if (!process.env.KMS_LAB_KEEP_TMP) isolated?.cleanup();
  });

  /** Runs a UI step; on failure keeps a screenshot of what was on screen. */
  async function step(name, fn) {
    try {
      await fn();
    } catch (error) {
      await page?.screenshot({ path: path.join(screenshots, `failed-${name}.png`) }).catch(() => {});
      throw error;
    }
  }

  const treeRows = () => page.locator('.part.sidebar .monaco-list-row');
  const rowLabels = () => treeRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));

  it('opens the KMS Lab view from the activity bar and shows the resources in moto', { timeout: 60_000 }, async () => {
    await step('kms-lab-view', async () => {
      await page.locator('.part.activitybar a.action-label[aria-label="KMS Lab"]').click({ timeout: UI_TIMEOUT });
      await page.mouse.move(700, 600); // off the activity bar before its hover shows, so it hides nothing
      const title = page.locator('.part.sidebar .composite.title');
      await title.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.match(await title.innerText(), /KMS Lab/i);
      await treeRows().first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await page.waitForFunction(
        () => {
          const labels = [...document.querySelectorAll('.part.sidebar .monaco-list-row')].map((r) => r.textContent ?? '');
          return labels.some((l) => l.includes('alias/kms-lab-ui')) && labels.some((l) => l.includes('kms-lab-ui-table'));
        },
        undefined,
        { timeout: UI_TIMEOUT },
      );
      const labels = await rowLabels();
      assert.ok(labels.some((l) => /^KMS keys/.test(l)), `no "KMS keys" section in ${JSON.stringify(labels)}`);
      assert.ok(labels.some((l) => /^DynamoDB tables/.test(l)), `no "DynamoDB tables" section in ${JSON.stringify(labels)}`);
      await page.screenshot({ path: path.join(screenshots, '01-kms-lab-view.png') });
    });
  });

  it('opens the profile quick pick from the status bar, listing the profiles of the AWS files', { timeout: 60_000 }, async () => {
    await step('profile-quick-pick', async () => {
      const item = page.locator('.part.statusbar .statusbar-item[aria-label*="KMS Lab"]').filter({ has: page.locator('.codicon-key') });
      await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.match(await item.innerText(), /^\s*default · us-east-1\s*$/);
      await item.click();
      const quickPick = page.locator('.quick-input-widget');
      await quickPick.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.match(await quickPick.locator('.quick-input-title').innerText(), /KMS Lab: AWS profile/);
      const rows = quickPick.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      const names = await rows.locator('.label-name').allInnerTexts();
      const trimmed = names.map((n) => n.trim());
      for (const profile of ['default', 'dev']) assert.ok(trimmed.includes(profile), `quick pick lacks profile "${profile}": ${JSON.stringify(trimmed)}`);
      await page.screenshot({ path: path.join(screenshots, '02-profile-quick-pick.png') });
      await page.keyboard.press('Escape');
      await quickPick.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    });
  });
});
