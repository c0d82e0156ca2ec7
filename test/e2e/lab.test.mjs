// The lab as a newcomer meets it, in a real VS Code (code-server) driven by Chromium: the walkthrough opens on the
// first start, in the local sandbox; the steps run from the tree; step 5 shows the denial, observed next to predicted.
// Saves screenshots to test-results/screenshots/ (lab-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchWorkbench, runCommand, screenshots } from './workbench.mjs';

const UI_TIMEOUT = 30_000;

describe('the lab in the UI', { timeout: 6 * 60_000 }, () => {
  let workbench;
  let page;

  before(async () => {
    // No AWS profile at all: KMS Lab starts the local sandbox. A first start opens the walkthrough, as `npm start` does.
    workbench = await launchWorkbench({ name: 'ui-lab', settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true } });
    page = workbench.page;
  }, { timeout: 3 * 60_000 });

  after(async () => {
    await workbench?.close();
  });

  async function step(name, fn) {
    try {
      await fn();
    } catch (error) {
      await page?.screenshot({ path: path.join(screenshots, `failed-lab-${name}.png`) }).catch(() => {});
      throw error;
    }
  }

  const treeRow = (label) => page.locator('.part.sidebar .monaco-list-row').filter({ hasText: label });

  /** Clicks a lab step in the tree and waits until it says it is done. */
  async function runFromTree(label) {
    await treeRow(label).first().click();
    await page.waitForFunction(
      (text) => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some((r) => (r.textContent ?? '').includes(text) && (r.getAttribute('aria-label') ?? r.textContent ?? '').includes('done')),
      label,
      { timeout: UI_TIMEOUT },
    );
  }

  it('opens the walkthrough on the first start, in the local sandbox', { timeout: 90_000 }, async () => {
    await step('walkthrough', async () => {
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.getByText('Encrypt a DynamoDB table with a customer managed KMS key').first().waitFor({ state: 'visible', timeout: 60_000 });
      for (const title of ['Create a customer managed key', 'See the test user refused by the key', 'Clean up']) {
        await walkthrough.getByText(title).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      }
      const status = page.locator('.part.statusbar .statusbar-item').filter({ has: page.locator('.codicon-key') });
      await page.waitForFunction(() => [...document.querySelectorAll('.part.statusbar .statusbar-item')].some((i) => /Local sandbox · us-east-1/.test(i.textContent ?? '')), undefined, { timeout: UI_TIMEOUT });
      assert.match(await status.first().innerText(), /Local sandbox/);
      await page.screenshot({ path: path.join(screenshots, 'lab-walkthrough.png') });
    });
  });

  it('runs steps 1–5 from the tree; step 5 shows the denial, observed next to predicted', { timeout: 3 * 60_000 }, async () => {
    await step('step5', async () => {
      await page.locator('.part.activitybar a.action-label[aria-label="KMS Lab"]').click({ timeout: UI_TIMEOUT });
      await page.mouse.move(900, 700);
      await treeRow('1. Create the key').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await runFromTree('1. Create the key');
      await runFromTree('2. Create the table');
      // Step 3 asks for the item as JSON: accept the sample.
      await treeRow('3. Add an item').first().click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.match(await input.inputValue(), /"id":"lab-item-1"/);
      // Press Enter in the box itself: the click on the tree row may still hold the keyboard focus.
      await input.press('Enter');
      await page.waitForFunction(() => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some((r) => (r.textContent ?? '').includes('3. Add an item') && (r.getAttribute('aria-label') ?? '').includes('done')), undefined, { timeout: UI_TIMEOUT });
      await runFromTree('4. Create the test user');
      await runFromTree('5. Read as the test user');
      // The lesson: the table lock open, the key lock shut, then what AWS said.
      await treeRow('Table lock: open').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await treeRow('Key lock: shut').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await treeRow('Observed: refused (AccessDeniedException)').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await treeRow('Observed and predicted agree').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      // The tree re-renders once more after the step (its state is read again): hover until the tooltip shows.
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'kms:Decrypt' });
      for (let attempt = 1; ; attempt++) {
        await page.mouse.move(900, 700);
        await treeRow('Key lock: shut').first().hover();
        try {
          await hover.first().waitFor({ state: 'visible', timeout: 5000 });
          break;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
      await page.screenshot({ path: path.join(screenshots, 'lab-step5-result.png') });
    });
  });

  it('the walkthrough follows the steps\' real checks', { timeout: 60_000 }, async () => {
    await step('walkthrough-progress', async () => {
      await runCommand(page, 'KMS Lab: Open the Lab Walkthrough');
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.getByText('See the test user refused by the key').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await page.waitForFunction(() => document.querySelectorAll('.gettingStartedContainer [data-done-step-id].complete').length >= 5, undefined, { timeout: UI_TIMEOUT });
      await page.screenshot({ path: path.join(screenshots, 'lab-walkthrough-progress.png') });
    });
  });
});
