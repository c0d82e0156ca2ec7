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
    workbench = await launchWorkbench({ name: 'ui-lab', settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true }, viewport: { width: 1800, height: 1000 } });
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

  /** Answers a VS Code modal dialog with one of its buttons. */
  async function answerDialog(button) {
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }

  /** The walkthrough's ticked steps, as its page shows them. */
  const ticked = () =>
    page.evaluate(() => [...document.querySelectorAll('.gettingStartedContainer [data-done-step-id].complete')].map((e) => (e.getAttribute('data-done-step-id') ?? '').split('#').pop()));

  /** Opens the walkthrough beside the tree, waits until it ticks exactly `steps`, and saves one screenshot of both. */
  async function coherentScreenshot(name, steps) {
    await runCommand(page, 'KMS Lab: Open the Lab Walkthrough');
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.getByText('See the test user refused by the key').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const expected = steps.map((id) => `kmsLab.lab.${id}`).sort();
    await page
      .waitForFunction((want) => {
        const got = [...document.querySelectorAll('.gettingStartedContainer [data-done-step-id].complete')].map((e) => (e.getAttribute('data-done-step-id') ?? '').split('#').pop()).sort();
        return JSON.stringify(got) === JSON.stringify(want);
      }, expected, { timeout: UI_TIMEOUT })
      .catch(async (error) => {
        throw new Error(`the walkthrough ticks ${JSON.stringify(await ticked())}, the lab says ${JSON.stringify(expected)}: ${error.message}`);
      });
    // No hover left over the tree: the mouse rests on the walkthrough's empty margin.
    await page.mouse.move(1300, 160);
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await page.screenshot({ path: path.join(screenshots, `lab-coherent-${name}.png`) });
  }

  /** The tree row of a step says `words` (its state, and the history's note). */
  async function rowSays(label, words) {
    await page.waitForFunction(
      ([text, want]) => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some((r) => (r.textContent ?? '').includes(text) && (r.textContent ?? '').includes(want)),
      [label, words],
      { timeout: UI_TIMEOUT },
    );
  }

  const FIVE = ['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser'];

  it('coherent: the tree and the walkthrough agree after steps 5, 7 and 8', { timeout: 4 * 60_000 }, async () => {
    await step('coherent', async () => {
      // A wider side bar, so that the lock rows can be read in the screenshots.
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + sidebar.height / 2);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 300, sidebar.y + sidebar.height / 2, { steps: 5 });
      await page.mouse.up();
      await rowSays('5. Read as the test user', 'done');
      await coherentScreenshot('step5', FIVE);

      await treeRow('6. Grant the test user').first().click();
      await answerDialog('Update Key Policy');
      await rowSays('6. Grant the test user', 'done');
      await runFromTree('7. Read again');
      await rowSays('Table lock: open', 'DynamoDB permissions');
      await rowSays('Key lock: open', "kms:Decrypt on the table's key");
      await coherentScreenshot('step7', [...FIVE, 'grant', 'readAgain']);

      await treeRow('8. Revoke').first().click();
      await answerDialog('Update Key Policy');
      await rowSays('8. Revoke', 'done');
      // One story: step 6 done, then revoked by step 8; step 7 kept as an earlier result; 8 of 9 done.
      await rowSays('6. Grant the test user', 'then revoked by step 8');
      await rowSays('7. Read again', 'earlier');
      await rowSays('Lab', '8 of 9 steps done');
      await coherentScreenshot('step8', [...FIVE, 'grant', 'readAgain', 'revoke']);
    });
  });
});
