// The table panel, measured in the pinned VS Code (code-server) driven by Chromium, against the standalone sandbox:
//   panel_first_page_ms   from the open command (the tree's inline action on a table) to its first rows on screen,
//                         median of 5 opens of a 100-item customer-managed-key table (goal < 300)
//   panel_dom_rows_100k   the most item rows in the DOM while scrolling a 100,000-item table from top to bottom (goal < 300)
//   panel_script_to_first_rows_ms  the part of it from the panel's first line of script to its first rows drawn
//   webview_bundle_bytes  the panel's minified script and styles: webview.js, webview.css and codicon.css (goal < 700,000)
// Needs `node esbuild.mjs` first (npm run bench does it); builds its own minified copy of the webview to measure size.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { repoRoot } from '../harness/code-server.mjs';
import { awsFiles, clients, createCmkTable, openWorkbench, panelFrame, startStandaloneSandbox, waitForTable } from '../e2e/panel-support.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));
const esbuild = require('esbuild');

const BIG = 'bench-100k';
const SMALL = 'bench-first';
const BIG_ITEMS = 100_000;
const OPENS = 5;

async function bundleBytes() {
  const outdir = path.join(repoRoot, 'out/bench/webview');
  await esbuild.build({ entryPoints: { webview: path.join(repoRoot, 'src/webview/main.ts') }, outdir, bundle: true, minify: true, platform: 'browser', format: 'iife', target: 'es2022', legalComments: 'none', logLevel: 'warning' });
  const codicons = path.join(repoRoot, 'node_modules/@vscode/codicons/dist/codicon.css');
  return ['webview.js', 'webview.css'].reduce((sum, f) => sum + statSync(path.join(outdir, f)).size, statSync(codicons).size);
}

async function fill(sandbox, table, count) {
  const { dynamodb } = clients(sandbox);
  const batches = [];
  for (let start = 0; start < count; start += 25) {
    batches.push(Array.from({ length: Math.min(25, count - start) }, (_, i) => ({ PutRequest: { Item: { id: { S: `item-${String(start + i).padStart(6, '0')}` }, n: { N: String(start + i) }, note: { S: 'bench' } } } })));
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let items = { [table]: batches[next++] };
      while (Object.keys(items).length > 0) {
        const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: items }));
        items = out.UnprocessedItems ?? {};
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Clicks the inline "Open Items and Key Policy" action of a table in the KMS Lab tree; resolves once its first rows show. */
async function openFromTree(page, table) {
  const row = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${table}"]`).first();
  await row.hover();
  const action = row.locator('.action-label[aria-label^="Open Items and Key Policy"]');
  await action.waitFor({ timeout: 30_000 });
  const frame = panelFrame(page);
  const started = Date.now();
  await action.click();
  await frame.locator('[data-pane="primary"] .grid-row').first().waitFor({ timeout: 60_000 });
  const total = Date.now() - started;
  // The part the panel's own script controls: from its first line to the first rows drawn.
  const own = await frame.locator('body').evaluate(() => {
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return Math.round(mark('kmslab-first-rows') - mark('kmslab-script-start'));
  });
  return { total, own };
}

async function closePanel(page, table) {
  const tab = page.locator('.tabs-container .tab', { hasText: table });
  await tab.locator('.codicon-close').click();
  await tab.waitFor({ state: 'detached', timeout: 30_000 });
}

export default async function run() {
  console.log(`webview_bundle_bytes=${await bundleBytes()}`);
  const sandbox = await startStandaloneSandbox();
  let workbench;
  try {
    await createCmkTable(sandbox, { tableName: SMALL, alias: 'alias/bench-first' });
    await fill(sandbox, SMALL, 100);
    await clients(sandbox).dynamodb.send(
      new CreateTableCommand({ TableName: BIG, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    await waitForTable(sandbox, BIG);
    const filling = Date.now();
    await fill(sandbox, BIG, BIG_ITEMS);
    console.error(`bench: ${BIG_ITEMS} items written in ${Date.now() - filling} ms`);

    workbench = await openWorkbench({ name: 'bench-panel', files: awsFiles(sandbox) });
    const { page } = workbench;
    await page.locator('.part.activitybar a.action-label[aria-label="KMS Lab"]').click();
    const section = page.locator('.part.sidebar .monaco-list-row', { hasText: 'DynamoDB tables' });
    await section.waitFor({ timeout: 60_000 });
    if ((await section.getAttribute('aria-expanded')) !== 'true') await section.click();
    await page.locator(`.part.sidebar .monaco-list-row[aria-label^="${SMALL}"]`).waitFor({ timeout: 60_000 });

    const opens = [];
    for (let i = 0; i < OPENS; i++) {
      opens.push(await openFromTree(page, SMALL));
      await closePanel(page, SMALL);
    }
    console.error(`bench: first rows after ${opens.map((o) => o.total).join(', ')} ms; of which the panel's script ${opens.map((o) => o.own).join(', ')} ms`);
    console.log(`panel_first_page_ms=${median(opens.map((o) => o.total))}`);
    console.log(`panel_script_to_first_rows_ms=${median(opens.map((o) => o.own))}`);

    await openFromTree(page, BIG);
    const frame = panelFrame(page);
    await frame.locator('vscode-single-select.page-size').click();
    await frame.getByRole('option', { name: '1000 per page' }).click();
    await frame.locator('vscode-button[data-action="scan"]').click();
    await frame.locator('[data-pane="primary"] vscode-button', { hasText: 'Load all' }).click();
    await frame.locator('[data-pane="primary"] .pane-count', { hasText: `${BIG_ITEMS.toLocaleString('en-US')} items, all loaded` }).waitFor({ timeout: 5 * 60_000 });
    const scrolled = await frame.locator('[data-pane="primary"] .grid').evaluate(async (grid) => {
      const rowsNow = () => grid.querySelectorAll('.grid-row').length;
      let most = rowsNow();
      let steps = 0;
      grid.scrollTop = 0;
      while (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
        grid.scrollTop += grid.clientHeight;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        most = Math.max(most, rowsNow());
        steps++;
      }
      const last = grid.querySelector('.grid-row:last-child .grid-index')?.textContent;
      return { most, steps, last };
    });
    console.error(`bench: scrolled ${scrolled.steps} screens, last row #${scrolled.last}`);
    if (scrolled.last !== String(BIG_ITEMS)) throw new Error(`the scroll did not reach the last item (last row shown: #${scrolled.last})`);
    console.log(`panel_dom_rows_100k=${scrolled.most}`);
  } finally {
    await workbench?.close();
    await sandbox.stop();
  }
}
