// What every Playwright test of the UI starts from: a throwaway HOME with the given AWS files, code-server with KMS
// Lab from this checkout, and Chromium on its workbench. Logs go to test-results/integration/<name>-*.log.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../harness/browser.mjs';
import { ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../harness/code-server.mjs';
import { createIsolatedEnv } from '../harness/isolated-env.mjs';

export const screenshots = path.join(repoRoot, 'test-results/screenshots');
export const logDir = path.join(repoRoot, 'test-results/integration');

/** Resolves once the workbench shows its activity bar. `files` = { config, credentials } for the AWS files. */
export async function launchWorkbench({ name, files = {}, env = {}, settings = {}, viewport = { width: 1500, height: 950 } }) {
  mkdirSync(screenshots, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  ensureCodeServer();
  const isolated = createIsolatedEnv({ name, ...files, extraEnv: env });
  const serverLog = createWriteStream(path.join(logDir, `${name}-code-server.log`));
  const server = await startCodeServer({
    env: isolated.env,
    userDataDir: isolated.userDataDir,
    extensionsDir: isolated.extensionsDir,
    folder: isolated.workspace,
    settings,
    onOutput: (text) => serverLog.write(text),
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const consoleLog = createWriteStream(path.join(logDir, `${name}-console.log`));
  const consoleMessages = [];
  page.on('console', (message) => {
    consoleMessages.push(message.text());
    consoleLog.write(`[${message.type()}] ${message.text()}\n`);
  });
  await page.goto(workbenchUrl(server, isolated.workspace, { extensionDevelopmentPath: repoRoot }));
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  return {
    page,
    isolated,
    /** Every console message of the page and its frames, in order. */
    consoleMessages,
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      if (!process.env.KMS_LAB_KEEP_TMP) isolated.cleanup();
    },
  };
}

/** Runs a command from the palette by its title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first().click({ timeout: 30_000 });
}
